"""The synthesizer behind an interface: utterances in, 16-bit mono PCM out.

:class:`SpeechEngine` is all the kiosk asks of a synthesizer: its voices, and the sound of a
script (words and pauses, ``kiosk.speech.utterance``) in a language at a rate and volume.
eSpeak NG implements it (``kiosk.speech.espeak``: the library of the ``espeakng-loader`` wheel,
else Debian's ``espeak-ng`` program). Another engine (a Piper voice the city installs) is one
more class with these two methods; nothing on the screens changes.

:class:`Speaker` puts an engine and a :class:`PromptStore` together: an utterance whose words
were recorded by a person (the fixed phrases of the screens, in a folder the city provides) is
played from the recording, anything else is synthesized.
"""

from __future__ import annotations

import array
import io
import json
import math
import sys
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.speech.utterance import Script, Utterance

__all__ = [
    "Audio",
    "EngineUnavailable",
    "PromptStore",
    "Speaker",
    "SpeechEngine",
    "Voice",
    "load_engine",
]

SAMPLE_WIDTH = 2  # bytes: signed 16-bit, little-endian, mono


class EngineUnavailable(RuntimeError):
    """No synthesizer can be loaded here; the message says why, for IT staff."""


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian PCM at ``rate`` samples per second."""

    pcm: bytes
    rate: int

    @property
    def duration(self) -> float:
        return len(self.pcm) / SAMPLE_WIDTH / self.rate

    def samples(self) -> array.array[int]:
        data = array.array("h")
        data.frombytes(self.pcm)
        if sys.byteorder == "big":
            data.byteswap()
        return data

    def rms(self) -> float:
        """Root mean square of the samples, 0..32767 (silence is 0)."""
        data = self.samples()
        if not data:
            return 0.0
        return math.sqrt(sum(s * s for s in data) / len(data))

    def wav(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(SAMPLE_WIDTH)
            w.setframerate(self.rate)
            w.writeframes(self.pcm)
        return out.getvalue()

    @classmethod
    def from_wav(cls, data: bytes) -> Audio:
        """A mono 16-bit WAV file's sound; ``ValueError`` for any other kind of file."""
        try:
            with wave.open(io.BytesIO(data), "rb") as w:
                if w.getnchannels() != 1 or w.getsampwidth() != SAMPLE_WIDTH:
                    raise ValueError(
                        f"expected mono 16-bit sound, got {w.getnchannels()} channels of "
                        f"{8 * w.getsampwidth()} bits"
                    )
                return cls(w.readframes(w.getnframes()), w.getframerate())
        except (wave.Error, EOFError) as exc:
            raise ValueError(f"not a WAV file: {exc}") from exc

    @classmethod
    def silence(cls, ms: int, rate: int) -> Audio:
        return cls(bytes(SAMPLE_WIDTH * (rate * ms // 1000)), rate)

    def resampled(self, rate: int) -> Audio:
        """The same sound at ``rate`` (linear interpolation: enough for speech prompts)."""
        if rate == self.rate or not self.pcm:
            return Audio(self.pcm, rate)
        src = self.samples()
        count = max(1, round(len(src) * rate / self.rate))
        step = (len(src) - 1) / max(1, count - 1)
        out = array.array("h", bytes(SAMPLE_WIDTH * count))
        for i in range(count):
            x = i * step
            j = int(x)
            nxt = src[min(j + 1, len(src) - 1)]
            out[i] = round(src[j] + (nxt - src[j]) * (x - j))
        if sys.byteorder == "big":
            out.byteswap()
        return Audio(out.tobytes(), rate)

    @classmethod
    def join(cls, parts: Sequence[Audio], rate: int) -> Audio:
        return cls(b"".join(p.resampled(rate).pcm for p in parts), rate)


@dataclass(frozen=True)
class Voice:
    id: str  # what the engine is asked for
    name: str  # for people
    lang: str  # "fa", "en"


class SpeechEngine(Protocol):
    """A synthesizer. Implementations are safe to call from one thread at a time (the speech
    service has one thread for it)."""

    name: str
    rate: int  # samples per second of the sound it makes

    def voices(self) -> list[Voice]:
        """The voices for the kiosk's languages."""
        ...

    def synthesize(
        self, script: Script, *, lang: str, rate: float = 1.0, volume: float = 1.0
    ) -> Audio:
        """The sound of ``script`` (words and pauses) in ``lang``; ``rate`` and ``volume`` are
        factors of the engine's own comfortable defaults (0.5 to 2)."""
        ...


class PromptStore:
    """Recordings of fixed phrases, read by a person: a folder with one sub-folder per language
    (``fa/``, ``en/``), each with an ``index.json`` mapping the words of an utterance (as
    :attr:`Utterance.words` gives them) to a mono 16-bit WAV file beside it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._index: dict[str, dict[str, str]] = {}
        for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            index = lang_dir / "index.json"
            if not index.is_file():
                continue
            try:
                entries = json.loads(index.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValueError(f"{index}: not a readable JSON object: {exc}") from exc
            if not isinstance(entries, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
            ):
                raise ValueError(f"{index}: expected an object of words to file names")
            self._index[lang_dir.name] = {" ".join(k.split()): v for k, v in entries.items()}

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def lookup(self, lang: str, words: str) -> Audio | None:
        name = self._index.get(lang, {}).get(" ".join(words.split()))
        if name is None:
            return None
        path = self.folder / lang / name
        try:
            return Audio.from_wav(path.read_bytes())
        except (OSError, ValueError):
            return None  # a broken recording: the engine says it instead


class Speaker:
    """Utterances to sound: a recorded prompt when there is one, else the engine."""

    def __init__(self, engine: SpeechEngine, prompts: PromptStore | None = None) -> None:
        self.engine = engine
        self.prompts = prompts

    def audio(self, utterance: Utterance, *, rate: float = 1.0, volume: float = 1.0) -> Audio:
        recorded = self.prompts.lookup(utterance.lang, utterance.words) if self.prompts else None
        if recorded is not None:
            return _scaled(recorded.resampled(self.engine.rate), volume)
        return self.engine.synthesize(
            utterance.script, lang=utterance.lang, rate=rate, volume=volume
        )

    def audio_of_all(
        self, utterances: Iterable[Utterance], *, gap_ms: int = 350, **kw: float
    ) -> Audio:
        """Every utterance in turn, with ``gap_ms`` of silence between two (``kiosk say``)."""
        rate = self.engine.rate
        parts: list[Audio] = []
        for utterance in utterances:
            if parts:
                parts.append(Audio.silence(gap_ms, rate))
            parts.append(self.audio(utterance, **kw))
        return Audio.join(parts, rate)


def _scaled(audio: Audio, volume: float) -> Audio:
    if volume == 1.0:
        return audio
    data = audio.samples()
    for i, s in enumerate(data):
        data[i] = max(-32768, min(32767, round(s * volume)))
    if sys.byteorder == "big":
        data.byteswap()
    return Audio(data.tobytes(), audio.rate)


def load_engine() -> SpeechEngine:
    """The best synthesizer here: eSpeak NG's library from the ``espeakng-loader`` wheel, else
    the ``espeak-ng`` program. :class:`EngineUnavailable` says why neither works."""
    from kiosk.speech import espeak

    reasons = []
    for make in (espeak.EspeakLibrary.load, espeak.EspeakCommand.load):
        try:
            return make()
        except EngineUnavailable as exc:
            reasons.append(str(exc))
    raise EngineUnavailable("no speech engine: " + "; ".join(reasons))
