"""``cityserver run`` and ``cityserver migrate``."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from cityserver import migrations
from cityserver.cli.common import CliError, Commands, database
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
        help="per kiosk; more get 429 with Retry-After (default 600; 0: no limit)",
    )
    run.add_argument(
        "--max-public-requests-per-minute",
        default=None,
        metavar="N",
        help="per client address on enrollment and Open311 (default 300; 0: no limit)",
    )
    run.add_argument(
        "--docs",
        action="store_true",
        default=None,
        help="serve Swagger UI at /docs and ReDoc at /redoc (they load scripts from a CDN)",
    )
    run.add_argument("--ssl-certfile", metavar="FILE", help="serve HTTPS with this certificate")
    run.add_argument("--ssl-keyfile", metavar="FILE", help="the certificate's private key")
    run.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        default=None,
        help="addresses of the reverse proxy whose X-Forwarded-For to trust (comma-separated)",
    )
    run.add_argument(
        "--maintenance",
        action="store_true",
        help="answer the sync API and Open311 with 503 and Retry-After",
    )
    run.add_argument(  # kiosk demo's lifeline (kiosk.demo_reaper): stop when its writer is gone
        "--exit-with", type=int, default=None, metavar="FD", help=argparse.SUPPRESS
    )
    run.set_defaults(handler=cmd_run)
    migrate = commands.add_parser("migrate", parents=[common], help="bring the schema up to date")
    migrate.set_defaults(handler=cmd_migrate)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from cityserver.app import create_app

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise CliError("--ssl-certfile and --ssl-keyfile go together")
    for option, path in (
        ("--ssl-certfile", args.ssl_certfile),
        ("--ssl-keyfile", args.ssl_keyfile),
    ):
        if path and not Path(path).is_file():
            raise CliError(f"{option}: no such file: {path}")
    app = create_app(settings)
    # Everything made so far (modules, the app, the catalog) lives as long as the process: move
    # it out of the cyclic garbage collector's view, whose full passes over it otherwise cost
    # several milliseconds each, a few times per 1000-item push.
    gc.collect()
    gc.freeze()
    print(f"cityserver: database {display_url(settings.db_url)}", flush=True)
    scheme = "https" if args.ssl_certfile else "http"
    print(f"cityserver: listening on {scheme}://{settings.host}:{settings.port}", flush=True)
    if scheme == "http" and settings.host not in ("127.0.0.1", "::1", "localhost"):
        print(
            "cityserver: warning: plain HTTP on a network address; put TLS in front "
            "(a reverse proxy, or --ssl-certfile/--ssl-keyfile): see docs/deploy.md",
            file=sys.stderr,
            flush=True,
        )
    if args.exit_with is not None:
        exit_with(args.exit_with)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        proxy_headers=args.forwarded_allow_ips is not None,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return 0


def exit_with(fd: int, grace_s: float = 10.0) -> None:
    """Stop the server once the pipe ``fd`` reaches end of file (its writer, the process that
    started this server, is gone): SIGTERM to this process (uvicorn shuts down cleanly), and
    if it is still running ``grace_s`` later, exit at once."""

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(fd, 4096):
                pass
        logging.getLogger("cityserver").info("the process that started this server is gone")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace_s)  # a deadline for the clean shutdown, in a daemon thread
        os._exit(1)

    threading.Thread(target=watch, name="exit-with", daemon=True).start()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db:  # opening migrates
        version = migrations.current_version(db.engine)
    print(f"database {display_url(settings.db_url)} is at schema version {version}")
    return 0
