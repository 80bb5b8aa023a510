"""The ``kiosk`` command line.

Global options come before the subcommand (``kiosk --data-dir D status``). Bad input prints one
line on standard error (with ``--json``: one JSON object with ``reason`` and ``message``) in the
command's language (``--lang``, else the configured ``[ui] language``, else English), exits
with 2, and nothing is made: the data dir is created only by a command that writes to it.
Commands that need the screen or the network import ``ui`` or ``sync`` inside the command, so
the core stays free of both; and commands import the database modules (SQLAlchemy) inside the
command too, so ``kiosk --version``, ``kiosk catalog validate`` and the start of ``kiosk run``
never load them.
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
from kiosk.cli.output import EXIT_USAGE, UsageError, fail, print_error
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.files import private_umask
from kiosk.i18n import LANGUAGES, N_

log = logging.getLogger("kiosk.cli")

GLOBAL_OPTIONS = ("--data-dir", "--config", "--lang")
__all__ = ["EXIT_USAGE", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not the usage block plus a line."""

    def error(self, message: str) -> NoReturn:
        fail(N_("{problem} (see '{prog} --help')"), problem=message, prog=self.prog)


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
    parser.add_argument(
        "--lang",
        dest="global_lang",
        choices=LANGUAGES,
        help="language of the messages (default: the configured [ui] language, else English)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if run_only:
        ui_cmd.register(sub, run_only=True)
        return parser
    from kiosk.cli import (  # not for run
        audit_cmd,
        catalog_cmd,
        pay_cmd,
        queue_cmd,
        say_cmd,
        staff_cmd,
        sync_cmd,
    )

    queue_cmd.register(sub)
    catalog_cmd.register(sub)
    ui_cmd.register(sub)
    say_cmd.register(sub)
    sync_cmd.register(sub)
    staff_cmd.register(sub)
    audit_cmd.register(sub)
    pay_cmd.register(sub)
    return parser


def _runs_the_kiosk(argv: Sequence[str]) -> bool:
    """Whether ``argv`` is ``kiosk [--data-dir D] [--config F] [run ...]``: the kiosk's own
    start, which builds only its own parser (all the commands' parsers take ~7 ms, a part of
    the time to the first screen). Any help or version request gets the whole parser."""
    rest = list(argv)
    while rest and rest[0].split("=", 1)[0] in GLOBAL_OPTIONS:
        rest = rest[1:] if "=" in rest[0] else rest[2:]
    if any(a in ("-h", "--help", "--version") for a in rest):
        return False
    return not rest or rest[0] == "run"


def main(argv: Sequence[str] | None = None) -> int:
    private_umask()  # before anything is written: every file the kiosk makes is its user's
    argv = sys.argv[1:] if argv is None else list(argv)
    if "enroll" in argv:
        from kiosk.cli.sync_cmd import join_token

        argv = join_token(argv)
    parser = build_parser(run_only=_runs_the_kiosk(argv))
    args: argparse.Namespace | None = None
    settings: Settings | None = None
    try:
        try:
            args = parser.parse_args(argv)
            if args.command is None:  # plain `kiosk` opens the kiosk
                args.command = "run"
                args.func = ui_cmd.cmd_run
            settings = _settings(args) if getattr(args, "needs_settings", True) else None
            return int(args.func(args, settings) or 0)
        except UsageError:
            raise
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
        except Exception as exc:
            refused = refusal(exc, message_language(argv, args, settings))
            if refused is None:
                raise
            raise refused from exc
        finally:
            if args is not None and hasattr(args, "open_log"):
                args.open_log(create=False)  # the records held until now, if there is a dir
    except UsageError as exc:
        lang = message_language(argv, args, settings)
        return print_error(exc, lang, as_json=_wants_json(argv, args))


def message_language(
    argv: Sequence[str], args: argparse.Namespace | None, settings: Settings | None
) -> str:
    """The language of the command's messages: its own ``--lang`` (``submit``: the citizen's),
    else the global ``--lang``, else the configured ``[ui] language``, else English."""
    for name in ("lang", "global_lang"):
        chosen = getattr(args, name, None)
        if chosen in LANGUAGES:
            return str(chosen)
    if args is None:  # the command line itself is wrong: look for --lang in it
        for i, arg in enumerate(argv):
            if arg == "--":
                break
            value = arg.partition("=")[2] if arg.startswith("--lang=") else None
            if arg == "--lang" and i + 1 < len(argv):
                value = argv[i + 1]
            if value in LANGUAGES:
                return value
    if settings is not None and "ui.language" in settings.explicit:
        return settings.ui.language
    return "en"


def _wants_json(argv: Sequence[str], args: argparse.Namespace | None) -> bool:
    if args is not None and getattr(args, "json", False):
        return True
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def refusal(exc: Exception, lang: str) -> UsageError | None:
    """The refusal (message, reason) for an error of the core, or None if it is a bug.

    The modules of the database, the queue and the forms are looked up, not imported: only a
    command that loaded one can raise its errors, and ``kiosk run`` loads them after it paints.
    """

    def raised(module: str, name: str) -> bool:
        loaded = sys.modules.get(module)
        return loaded is not None and isinstance(exc, getattr(loaded, name))

    if isinstance(exc, ConfigError):
        return UsageError(N_("{problem}"), reason="config", problem=str(exc))
    if isinstance(exc, CatalogError):
        return UsageError(
            N_("catalog {problem}"),
            reason="catalog",
            details={"problems": exc.problems},
            problem=str(exc),
        )
    if isinstance(exc, UnknownService):
        return UsageError(
            N_("there is no service with code {code!r} in the catalog (see 'kiosk catalog list')"),
            reason="unknown_service",
            code=exc.code,
        )
    if raised("kiosk.queue", "NoKioskNumber"):
        return UsageError(
            N_(
                "this kiosk has no kiosk number yet, so it cannot issue tracking codes: enroll "
                "it with the city server (kiosk enroll --server URL --token TOKEN), or give a "
                "standalone kiosk its own number with [station] number in kiosk.toml"
            ),
            reason="no_kiosk_number",
        )
    if raised("kiosk.forms", "ValidationFailed"):
        errors = list(getattr(exc, "errors", []))
        return UsageError(
            N_("invalid answers: {errors}"),
            reason="invalid_answers",
            details={
                "errors": [
                    {"field": e.key, "code": e.code, "message": e.render(lang)} for e in errors
                ]
            },
            errors="; ".join(f"{e.key}: {e.render(lang)}" for e in errors),
        )
    if raised("kiosk.queue", "NotQueued"):
        return UsageError(
            N_("{code!r} is a {kind}, answered on the spot: nothing is queued"),
            reason="not_queued",
            code=getattr(exc, "service_code", ""),
            kind=getattr(exc, "kind", ""),
        )
    if raised("kiosk.tracking", "InvalidTrackingCode"):
        return UsageError(
            N_("not a valid tracking code or id: {problem}"),
            reason="invalid_tracking_code",
            problem=str(exc),
        )
    if raised("kiosk.migrations", "SchemaTooNew"):
        return UsageError(N_("{problem}"), reason="schema_too_new", problem=str(exc))
    return None


def _settings(args: argparse.Namespace) -> Settings:
    """The settings; nothing is created here: a command makes the data dir when it writes
    (``open_core``), so a refused command leaves none behind."""
    settings = load_settings(data_dir=args.data_dir, config_file=args.config)
    args.open_log = _log_opener(settings)
    log.debug("command %s", args.command)
    return settings


class _Held(logging.Handler):
    """Keeps the records logged before the log file is open."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _log_opener(settings: Settings) -> Callable[..., None]:
    """A function that opens the log file (``kiosk.logs``), once; the records logged until then
    are held and written to it. ``kiosk run`` calls it once its first screen is painted: loading
    the logging handlers (sockets, pickle) takes ~7 ms of that start. Every other command calls
    it when it ends, with ``create=False``: the log goes into a data dir the command made or
    found, and a command that made none leaves none."""
    root = logging.getLogger()
    held = _Held()
    root.addHandler(held)
    root.setLevel(settings.log.level.upper())

    def open_log(*, create: bool = True) -> None:
        if held not in root.handlers:
            return  # opened already
        if not create and not settings.data_dir.is_dir():
            return
        from kiosk.logs import setup_logging

        root.removeHandler(held)
        setup_logging(settings.log_dir, settings.log.level)
        for record in held.records:
            logging.getLogger(record.name).handle(record)
        held.records.clear()

    return open_log


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
