"""Speech for citizens who cannot read the screen well: what to say (Qt-free) and the engine.

* ``utterance``: the model (an utterance of words and pauses, its kind and priority);
* ``numbers`` and ``normalise``: text prepared for a voice (numbers, amounts, codes, dates);
* ``screens`` and ``results``: what every screen says, from the data it shows;
* ``engine`` and ``espeak``: the synthesizer behind an interface, and eSpeak NG.

The speech service that queues and plays utterances lives in ``ui/`` (it needs an event loop
and audio output); everything here runs without Qt, so ``kiosk say`` does too.
"""
