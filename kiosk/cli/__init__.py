"""The ``kiosk`` command line.

Global options come before the subcommand (``kiosk --data-dir D status``). Bad input prints one
line on standard error and exits with 2, and nothing is written. Commands that need the screen
or the network import ``ui`` or ``sync`` inside the command, so the core stays free of both.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from kiosk import __version__
from kiosk.catalog import CatalogError, UnknownService
from kiosk.cli import catalog_cmd, queue_cmd, sync_cmd, ui_cmd
from kiosk.cli.output import UsageError, fail
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.forms import ValidationFailed
from kiosk.migrations import SchemaTooNew
from kiosk.queue import NotQueued
from kiosk.tracking import InvalidTrackingCode

log = logging.getLogger("kiosk.cli")

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not the usage block plus a line."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
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
    queue_cmd.register(sub)
    catalog_cmd.register(sub)
    ui_cmd.register(sub)
    sync_cmd.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:  # plain `kiosk` opens the kiosk
            args.command = "run"
            args.func = ui_cmd.cmd_run
        settings = _settings(args) if getattr(args, "needs_settings", True) else None
        return int(args.func(args, settings) or 0)
    except UsageError as exc:
        return _error(str(exc))
    except (ConfigError, SchemaTooNew) as exc:
        return _error(str(exc))
    except CatalogError as exc:
        return _error(f"catalog {exc}")
    except NotQueued as exc:
        return _error(str(exc))
    except UnknownService as exc:
        return _error(str(exc) + " (see 'kiosk catalog list')")
    except ValidationFailed as exc:
        return _error("invalid answers: " + "; ".join(str(e) for e in exc.errors))
    except InvalidTrackingCode as exc:
        return _error(f"not a valid tracking code or id: {exc}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(data_dir=args.data_dir, config_file=args.config)
    from kiosk.config import ensure_data_dir
    from kiosk.logs import setup_logging

    ensure_data_dir(settings)
    setup_logging(settings.log_dir, settings.log.level)
    log.debug("command %s", args.command)
    return settings


def _error(message: str) -> int:
    print(f"kiosk: error: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
