"""``kiosk run`` (also plain ``kiosk``) and ``kiosk screenshot``: the commands that need Qt.

``ui`` is imported inside the commands, so the rest of the CLI and the core never load PySide6.
"""

from __future__ import annotations

import argparse
import gc
from pathlib import Path
from typing import Any

from kiosk.cli.output import fail
from kiosk.config import Settings
from kiosk.i18n import N_


def register(sub: Any, *, run_only: bool = False) -> None:
    r = sub.add_parser("run", help="open the kiosk (fullscreen; the default command)")
    r.add_argument("--windowed", action="store_true", help="a normal window, for development")
    r.add_argument(
        "--counter",
        action="store_true",
        help="counter mode for clerks: windowed, keyboard first, after a staff sign-in",
    )
    r.add_argument("--quit-after-first-paint", action="store_true", help=argparse.SUPPRESS)
    r.set_defaults(func=cmd_run)
    if run_only:  # kiosk run itself (see kiosk.cli.build_parser)
        return

    s = sub.add_parser("screenshot", help="render a screen to PNG, offscreen, with demo data")
    s.add_argument("--screen", metavar="NAME", help="which screen (see --list)")
    s.add_argument("--list", action="store_true", help="list the screen names")
    s.add_argument("--lang", dest="screen_lang", choices=("fa", "en"), default="fa")
    s.add_argument("--theme", choices=("normal", "contrast"), default="normal")
    s.add_argument("--large-text", action="store_true")
    s.add_argument("--size", default="1920x1080", metavar="WxH", type=_size)
    s.add_argument("--out", type=Path, metavar="FILE.png")
    s.set_defaults(func=cmd_screenshot)


def _size(value: str) -> tuple[int, int]:
    parts = value.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1920x1080, got {value!r}")
    width, height = int(parts[0]), int(parts[1])
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"size {value} is out of range (320x240 to 7680x4320)")
    return width, height


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    # No cyclic garbage worth collecting is made while the kiosk loads and paints its first
    # screen, and the collector's passes over everything being loaded cost several ms of that
    # start: ui.run turns it back on once the first screen is painted.
    gc.disable()
    from kiosk import crash

    crash.install(settings.log_dir)  # uncaught exceptions, in slots too, and fatal errors
    open_log = getattr(args, "open_log", lambda: None)  # the log file: after the first paint
    from ui.appsetup import install_qt_message_handler

    install_qt_message_handler()
    if getattr(args, "counter", False):
        gc.enable()
        from ui.counter.launch import run_counter
        from ui.window_probe import NoDisplay, check_display

        try:
            check_display()
        except NoDisplay as exc:
            fail(N_("{problem}"), reason="no_display", problem=str(exc))
        open_log()
        return run_counter(settings)
    try:
        from ui.run import run
        from ui.window_probe import NoDisplay

        try:
            return run(
                settings,
                windowed=getattr(args, "windowed", False),
                quit_after_paint=getattr(args, "quit_after_first_paint", False),
                open_log=open_log,
            )
        except NoDisplay as exc:
            fail(N_("{problem}"), reason="no_display", problem=str(exc))
    finally:
        gc.enable()  # the log, if the kiosk stopped before its first paint: kiosk.cli.main


def cmd_screenshot(args: argparse.Namespace, settings: Settings) -> int:
    from ui.screenshot import SCREENS, screenshot
    from ui.theme import ThemeName

    if args.list:
        print("\n".join(SCREENS))
        return 0
    if not args.screen or not args.out:
        fail(N_("screenshot needs --screen NAME and --out FILE.png (or --list)"))
    if args.screen not in SCREENS:
        fail(
            N_("unknown screen {screen!r}; one of: {screens}"),
            screen=args.screen,
            screens=", ".join(SCREENS),
        )
    if args.out.suffix.lower() != ".png":
        fail(N_("--out must name a .png file, got {path!r}"), path=str(args.out))
    out = screenshot(
        settings,
        args.screen,
        args.out,
        lang=args.screen_lang,
        theme=ThemeName(args.theme),
        size=args.size,
        large_text=args.large_text,
    )
    print(out)
    return 0
