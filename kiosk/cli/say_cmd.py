"""``kiosk say``: what a screen says, printed, and as a WAV file, so anyone can hear and check it.

The same screen names and demo data as ``kiosk screenshot`` (``kiosk.screen_demos``), without
Qt: the words come from the core (``kiosk.speech``), the sound from eSpeak NG.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.output import fail
from kiosk.config import Settings
from kiosk.i18n import N_
from kiosk.screen_demos import DEMOS


def register(sub: Any) -> None:
    s = sub.add_parser("say", help="print (and write as WAV) what a screen says, with demo data")
    s.add_argument("--screen", metavar="NAME", help="which screen (see --list)")
    s.add_argument("--list", action="store_true", help="list the screen names")
    s.add_argument("--lang", dest="screen_lang", choices=("fa", "en"), default="fa")
    s.add_argument(
        "--text", action="store_true", help="print the text as the engine gets it (SSML)"
    )
    s.add_argument("--out", type=Path, metavar="FILE.wav", help="write the speech as WAV")
    s.set_defaults(func=cmd_say)


def cmd_say(args: argparse.Namespace, settings: Settings) -> int:
    if args.list:
        print("\n".join(DEMOS))
        return 0
    if not args.screen:
        fail(N_("say needs --screen NAME (or --list)"))
    if args.screen not in DEMOS:
        fail(
            N_("unknown screen {screen!r}; one of: {screens}"),
            screen=args.screen,
            screens=", ".join(DEMOS),
        )
    if args.out is not None and args.out.suffix.lower() != ".wav":
        fail(N_("--out must name a .wav file, got {path!r}"), path=str(args.out))
    from kiosk.speech.demo import demo_utterances
    from kiosk.speech.engine import EngineUnavailable, Speaker, load_engine

    utterances = demo_utterances(settings, args.screen, args.screen_lang)
    if not utterances:
        print(f"({args.screen}: silent)")
    for u in utterances:
        print(u.ssml() if args.text else f"{u.kind.value}: {u.text}")
    if args.out is None:
        return 0
    if not utterances:
        fail(N_("the {screen} screen says nothing: no WAV file written"), screen=args.screen)
    try:
        engine = load_engine()
    except EngineUnavailable as exc:
        fail(N_("{problem}"), reason="no_speech_engine", problem=str(exc))
    audio = Speaker(engine).audio_of_all(utterances)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(audio.wav())
    except OSError as exc:
        fail(N_("cannot write {path}: {problem}"), path=str(args.out), problem=exc.strerror)
    print(f"{args.out}: {audio.duration:.1f} s, {engine.name}")
    return 0
