"""``kiosk enroll``, ``kiosk sync --once`` and ``kiosk demo``: the commands that reach the server.

``sync`` (which uses requests) is imported inside the commands; the core never loads it. So are
``kiosk.core`` and ``kiosk.state`` (SQLAlchemy): every ``kiosk`` command builds this parser.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk import __version__
from kiosk.cli.output import fail, print_json, shown
from kiosk.config import Settings, data_dir_writable
from kiosk.i18n import N_
from kiosk.timeutil import utcnow

EXIT_FAILED = 1


def register(sub: Any) -> None:
    e = sub.add_parser("enroll", help="register this kiosk with the city server")
    e.add_argument("--server", required=True, metavar="URL", help="e.g. https://kiosk.city.ir")
    e.add_argument(
        "--token",
        required=True,
        help="the one-time token from the city's IT staff (--token=T works for any token)",
    )
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_enroll)

    s = sub.add_parser("sync", help="deliver the queue and fetch updates from the city server")
    s.add_argument(
        "--once",
        action="store_true",
        required=True,
        help="run one cycle, report what it did, and exit",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sync)

    d = sub.add_parser("demo", help="a local city server and a kiosk connected to it")
    d.add_argument("--fullscreen", action="store_true", help="fullscreen, as at a service point")
    d.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    d.add_argument("--quit-after-first-paint", action="store_true", help=argparse.SUPPRESS)
    d.set_defaults(func=cmd_demo, needs_settings=False)


def join_token(argv: list[str]) -> list[str]:
    """``--token -Xy...`` as ``--token=-Xy...``: an older server's token may start with a dash,
    which argparse would take for an option ("expected one argument")."""
    out = list(argv)
    for i, arg in enumerate(out[:-1]):
        value = out[i + 1]
        if arg == "--token" and value.startswith("-") and not value.startswith("--"):
            out[i : i + 2] = [f"--token={value}"]
            break
    return out


def cmd_enroll(args: argparse.Namespace, settings: Settings) -> int:
    from sync.client import AuthFailed, Refused, SyncClient, SyncError

    try:
        client = SyncClient(args.server)
    except ValueError as exc:
        fail(N_("{problem}"), problem=str(exc))
    if not data_dir_writable(settings):  # before the one-time token is spent
        fail(
            N_("data directory {path} is not writable by this user"),
            reason="config",
            path=str(settings.data_dir),
        )
    try:  # the server first: a refused enrollment makes no data dir
        reply = client.enroll(
            args.token.strip(), settings.station.name, __version__, settings.station.number
        )
    except (AuthFailed, Refused) as exc:
        fail(N_("the server refused the token: {problem}"), reason="refused", problem=shown(exc))
    except SyncError as exc:
        fail(
            N_("cannot enroll at {server}: {problem}"),
            reason="unreachable",
            status=EXIT_FAILED,
            server=args.server,
            problem=shown(exc),
        )
    finally:
        client.close()
    from kiosk.core import open_core
    from kiosk.state import Enrollment

    core = open_core(settings)
    try:
        enrollment = Enrollment(
            args.server.rstrip("/"),
            reply["kiosk_id"],
            int(reply["kiosk_number"]),
            reply["secret"],
            utcnow(),
        )
        core.state.save_enrollment(enrollment)
        core.state.set("clock.offset", client.offset.seconds)
    finally:
        core.close()
    if args.json:
        print_json(enrollment.public())
    else:
        print(
            f"enrolled at {enrollment.server_url} as kiosk number "
            f"{enrollment.kiosk_number:04d} (id {enrollment.kiosk_id})"
        )
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from functools import partial

    from kiosk.core import open_core
    from sync.engine import SyncEngine
    from ui.printing import printer_state  # Qt-free: the printers and their probes

    core = open_core(settings)
    try:
        engine = SyncEngine(
            core.queue,
            catalog_dir=settings.catalog_dir,
            data_dir=settings.data_dir,
            batch_size=settings.sync.batch_size,
            printer_state=partial(printer_state, settings),
        )
        try:
            report = engine.run_once()
        finally:
            engine.close()
    finally:
        core.close()
    if args.json:
        print_json({**report.__dict__, "summary": report.summary()})
    else:
        print(shown(report.summary()))
    if not report.enrolled or report.error:
        return EXIT_FAILED
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings | None) -> int:
    import importlib.util

    from kiosk.resources import is_frozen

    if is_frozen() or importlib.util.find_spec("cityserver") is None:
        fail(
            N_(
                "kiosk demo needs the reference city server, which this build does not "
                "include; run it from a source checkout: ./scripts/run demo"
            ),
            reason="unavailable",
        )
    from kiosk.demo import DemoError, run_demo
    from ui.window_probe import NoDisplay

    try:
        return run_demo(
            fullscreen=args.fullscreen,
            port=args.port,
            quit_after_paint=args.quit_after_first_paint,
        )
    except NoDisplay as exc:
        fail(N_("{problem}"), reason="no_display", problem=str(exc))
    except DemoError as exc:
        fail(N_("{problem}"), reason="demo_failed", problem=str(exc))
