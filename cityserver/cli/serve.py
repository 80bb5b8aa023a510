"""``cityserver run`` and ``cityserver migrate``."""

from __future__ import annotations

import argparse
import gc

from cityserver import migrations
from cityserver.cli.common import Commands, database
from cityserver.db import display_url
from cityserver.settings import Settings


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser("run", parents=[common], help="serve the sync API and Open311")
    run.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", default=None, help="port (default 8311)")
    run.add_argument(
        "--max-requests-per-minute",
        default=None,
        metavar="N",
        help="per kiosk; more get 429 with Retry-After (default: no limit)",
    )
    run.add_argument(
        "--maintenance",
        action="store_true",
        help="answer the sync API and Open311 with 503 and Retry-After",
    )
    run.set_defaults(handler=cmd_run)
    migrate = commands.add_parser("migrate", parents=[common], help="bring the schema up to date")
    migrate.set_defaults(handler=cmd_migrate)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from cityserver.app import create_app

    app = create_app(settings)
    # Everything made so far (modules, the app, the catalog) lives as long as the process: move
    # it out of the cyclic garbage collector's view, whose full passes over it otherwise cost
    # several milliseconds each, a few times per 1000-item push.
    gc.collect()
    gc.freeze()
    print(f"cityserver: database {display_url(settings.db_url)}", flush=True)
    print(f"cityserver: listening on http://{settings.host}:{settings.port}", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db:  # opening migrates
        version = migrations.current_version(db.engine)
    print(f"database {display_url(settings.db_url)} is at schema version {version}")
    return 0
