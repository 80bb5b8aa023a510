"""The ``kiosk`` command line.

Global options come before the subcommand (``kiosk --data-dir D status``). Bad input prints one
line on standard error and exits with 2, and nothing is written. Commands that need the screen
or the network import ``ui`` or ``sync`` inside the command, so the core stays free of both; and
commands import the database modules (SQLAlchemy) inside the command too, so ``kiosk --version``,
``kiosk catalog validate`` and the start of ``kiosk run`` never load them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from kiosk import __version__
from kiosk.catalog import CatalogError, UnknownService
from kiosk.cli import ui_cmd
from kiosk.cli.output import UsageError, fail
from kiosk.config import ConfigError, Settings, load_settings

log = logging.getLogger("kiosk.cli")

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not the usage block plus a line."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see '{self.prog} --help')")


def build_parser(*, run_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; ``run_only``: only ``run``, which is all that ``kiosk run``
    needs (see :func:`_runs_the_kiosk`)."""
    parser = _Parser(
        prog="kiosk",
        description="Municipal service kiosk: an offline-first queue of citizen requests.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the queue, logs and receipts live (env KIOSK_DATA_DIR)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML settings file (env KIOSK_CONFIG; default DIR/kiosk.toml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if run_only:
        ui_cmd.register(sub, run_only=True)
        return parser
    from kiosk.cli import audit_cmd, catalog_cmd, queue_cmd, staff_cmd, sync_cmd  # not for run

    queue_cmd.register(sub)
    catalog_cmd.register(sub)
    ui_cmd.register(sub)
    sync_cmd.register(sub)
    staff_cmd.register(sub)
    audit_cmd.register(sub)
    return parser


def _runs_the_kiosk(argv: Sequence[str]) -> bool:
    """Whether ``argv`` is ``kiosk [--data-dir D] [--config F] [run ...]``: the kiosk's own
    start, which builds only its own parser (all the commands' parsers take ~7 ms, a part of
    the time to the first screen). Any help or version request gets the whole parser."""
    rest = list(argv)
    while rest and rest[0].split("=", 1)[0] in ("--data-dir", "--config"):
        rest = rest[1:] if "=" in rest[0] else rest[2:]
    if any(a in ("-h", "--help", "--version") for a in rest):
        return False
    return not rest or rest[0] == "run"


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(run_only=_runs_the_kiosk(argv))
    try:
        args = parser.parse_args(argv)
        if args.command is None:  # plain `kiosk` opens the kiosk
            args.command = "run"
            args.func = ui_cmd.cmd_run
            args.open_log_later = True
        settings = _settings(args) if getattr(args, "needs_settings", True) else None
        return int(args.func(args, settings) or 0)
    except UsageError as exc:
        return _error(str(exc))
    except ConfigError as exc:
        return _error(str(exc))
    except CatalogError as exc:
        return _error(f"catalog {exc}")
    except UnknownService as exc:
        return _error(str(exc) + " (see 'kiosk catalog list')")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        message = _core_error(exc)
        if message is None:
            raise
        return _error(message)


def _core_error(exc: Exception) -> str | None:
    """The one-line message for an error of a core module that only some commands load (the
    database, the queue, the forms), or None. The modules are looked up, not imported: only a
    command that loaded one can raise its errors, and ``kiosk run`` loads them after it paints."""

    def raised(module: str, name: str) -> bool:
        loaded = sys.modules.get(module)
        return loaded is not None and isinstance(exc, getattr(loaded, name))

    if raised("kiosk.migrations", "SchemaTooNew") or raised("kiosk.queue", "NotQueued"):
        return str(exc)
    if raised("kiosk.forms", "ValidationFailed"):
        errors = getattr(exc, "errors", [])
        return "invalid answers: " + "; ".join(str(e) for e in errors)
    if raised("kiosk.tracking", "InvalidTrackingCode"):
        return f"not a valid tracking code or id: {exc}"
    return None


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(data_dir=args.data_dir, config_file=args.config)
    from kiosk.config import ensure_data_dir

    ensure_data_dir(settings)
    args.open_log = _log_opener(settings)
    if not getattr(args, "open_log_later", False):  # kiosk run: once its first screen shows
        args.open_log()
    log.debug("command %s", args.command)
    return settings


class _Held(logging.Handler):
    """Keeps the records logged before the log file is open."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _log_opener(settings: Settings) -> Callable[[], None]:
    """A function that opens the log file (``kiosk.logs``), once; the records logged until then
    are held and written to it. ``kiosk run`` calls it once its first screen is painted: loading
    the logging handlers (sockets, pickle) takes ~7 ms of that start."""
    root = logging.getLogger()
    held = _Held()
    root.addHandler(held)
    root.setLevel(settings.log.level.upper())

    def open_log() -> None:
        if held not in root.handlers:
            return  # opened already
        from kiosk.logs import setup_logging

        root.removeHandler(held)
        setup_logging(settings.log_dir, settings.log.level)
        for record in held.records:
            logging.getLogger(record.name).handle(record)
        held.records.clear()

    return open_log


def _error(message: str) -> int:
    print(f"kiosk: error: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
