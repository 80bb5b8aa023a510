"""``kiosk submit``, ``kiosk queue list|show`` and ``kiosk status``.

The core's database modules (``kiosk.core``, ``kiosk.models``, ``kiosk.queue``: SQLAlchemy) are
imported inside the commands: every ``kiosk`` command builds this parser, and most never open the
database (``kiosk run`` paints its first screen before it does).
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING, Any, Final

from kiosk import __version__
from kiosk.cli.output import duration, fail, print_json, shown, table, when
from kiosk.config import Settings
from kiosk.i18n import LANGUAGES, N_
from kiosk.logs import describe

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction

log = logging.getLogger("kiosk.cli")

EXIT_NOT_SAVED = 1

# The values of kiosk.models.TxState and Channel, for the parser without importing the models
# (tests/ui/test_startup.py checks that they match).
TX_STATES: Final = ("pending", "in_flight", "acked", "rejected", "voided")
CHANNELS: Final = ("kiosk", "counter")


def register(sub: Any) -> None:
    p = sub.add_parser("submit", help="file a service request from the command line")
    p.add_argument("--service", required=True, metavar="CODE", help="service code")
    p.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one answer; repeat for each question (and for each choice)",
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, help="the citizen's language (default: ui.language)"
    )
    p.add_argument("--channel", choices=CHANNELS, default="kiosk")
    p.add_argument("--staff", metavar="ID", help="clerk id (required with --channel counter)")
    p.add_argument("--json", action="store_true", help="print the transaction as JSON")
    p.set_defaults(func=cmd_submit)

    q = sub.add_parser("queue", help="look at the local queue")
    qsub = q.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    ql = qsub.add_parser("list", help="transactions, newest first")
    ql.add_argument("--state", choices=TX_STATES)
    ql.add_argument("--limit", type=_positive, default=None)
    ql.add_argument("--json", action="store_true")
    ql.set_defaults(func=cmd_queue_list)
    qs = qsub.add_parser("show", help="one transaction by id or tracking code")
    qs.add_argument("ref", metavar="ID|TRACKING")
    qs.add_argument("--json", action="store_true")
    qs.set_defaults(func=cmd_queue_show)

    s = sub.add_parser("status", help="queue counts, oldest unsent item, kiosk number, version")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return int(value)


def parse_answers(pairs: list[str]) -> dict[str, str | list[str]]:
    answers: dict[str, str | list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            fail(N_("--answer expects KEY=VALUE, got {pair!r}"), pair=pair)
        if key in answers:
            previous = answers[key]
            answers[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            answers[key] = value
    return answers


def cmd_submit(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.catalog_source import load_kiosk_catalog
    from kiosk.forms import clean_answers
    from kiosk.models import Channel
    from kiosk.queue import NotQueued

    answers = parse_answers(args.answer)
    if args.channel == Channel.COUNTER.value and not args.staff:
        fail(N_("--channel counter needs --staff ID"))
    lang = args.lang or settings.ui.language
    # Checked before anything is made: a refused submission leaves no data dir behind. The
    # queue checks everything again when it writes (and what needs the database, too).
    catalog, _path = load_kiosk_catalog(settings)
    service = catalog.service(args.service)
    if not service.queued:
        raise NotQueued(service.code, service.kind.value)
    clean_answers(catalog, service, answers)
    from kiosk.core import open_core

    core = open_core(settings)
    try:
        tx = core.queue.submit(
            args.service,
            answers,
            channel=Channel(args.channel),
            staff_id=args.staff,
            lang=lang,
        )
    except Exception as exc:
        reason = database_failure(exc)
        if reason is None:
            raise
        log.error("the request could not be saved: %s", describe(exc))
        fail(
            N_("the request could not be saved (nothing was queued): {problem}"),
            reason="not_saved",
            status=EXIT_NOT_SAVED,
            problem=reason,
        )
    finally:
        core.close()
    if args.json:
        print_json(tx.to_json())
    else:
        print(f"tracking code: {tx.display_code}")
        print(f"id: {tx.id}")
    return 0


def database_failure(exc: BaseException) -> str | None:
    """What SQLite said when the database refused a statement (a full disk, a lock held too
    long, a read-only file), or None for any other exception. SQLite's message names the
    problem, never a value, so it may be shown; SQLAlchemy's would add the statement's values."""
    import sqlite3

    orig = getattr(exc, "orig", exc)
    return str(orig) if isinstance(orig, sqlite3.Error) else None


def _row(tx: QueuedTransaction) -> list[str]:
    return [
        tx.display_code,
        when(tx.created_at),
        tx.service_code,
        tx.state.value,
        str(tx.attempts),
        tx.server_status or "-",
    ]


def cmd_queue_list(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.core import open_core
    from kiosk.models import TxState

    core = open_core(settings)
    try:
        state = TxState(args.state) if args.state else None
        items = core.queue.list(state, limit=args.limit)
    finally:
        core.close()
    if args.json:
        print_json([tx.to_json() for tx in items])
    elif not items:
        print("the queue is empty" if state is None else f"no {state.value} transactions")
    else:
        print(
            table(
                [_row(tx) for tx in items],
                ["TRACKING", "CREATED", "SERVICE", "STATE", "TRIES", "CITY STATUS"],
            )
        )
    return 0


def cmd_queue_show(args: argparse.Namespace, settings: Settings) -> int:
    import uuid

    from kiosk.tracking import parse_tracking_code

    try:
        uuid.UUID(args.ref.strip())
    except ValueError:
        parse_tracking_code(args.ref)  # a mistyped code is refused before anything is made
    from kiosk.core import open_core

    core = open_core(settings)
    try:
        tx = core.queue.get(args.ref)
    finally:
        core.close()
    if tx is None:
        fail(
            N_("no transaction with id or tracking code {ref!r}"), reason="not_found", ref=args.ref
        )
    if args.json:
        print_json(tx.to_json())
        return 0
    service = (
        core.catalog.service(tx.service_code)
        if any(s.code == tx.service_code for s in core.catalog.services)
        else None
    )
    print(f"tracking code:  {tx.display_code}")
    print(f"id:             {tx.id}")
    print(
        f"service:        {shown(tx.service_code)}"
        + (f" ({shown(service.title.en)})" if service else "")
    )
    print(f"state:          {tx.state.value} (attempts: {tx.attempts})")
    print(
        f"created:        {when(tx.created_at)} via {tx.channel.value}"
        + (f" by {shown(tx.staff_id)}" if tx.staff_id else "")
    )
    if tx.last_error:
        print(f"last error:     {shown(tx.last_error)}")
    if tx.server_ref:
        print(f"server ref:     {shown(tx.server_ref)}")
    if tx.server_status:
        print(f"city status:    {shown(tx.server_status)} at {when(tx.server_status_at)}")
    if tx.server_status_note:
        print(f"city note:      {shown(tx.server_status_note)}")
    print("answers:")
    for key, value in tx.answers.items():
        text = ", ".join(value) if isinstance(value, list) else str(value)
        print(f"  {shown(key)}: {shown(text)}")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.core import open_core
    from kiosk.models import TxState
    from ui.printing import printer_state  # Qt-free: the printers and their probes

    core = open_core(settings)
    try:
        health = core.health(printer_state(settings))
    finally:
        core.close()
    if args.json:
        print_json(health.to_json())
        return 0
    counts, oldest, age = health.counts, health.oldest_unsent_at, health.oldest_unsent_age_s
    enrollment, record = health.enrollment, health.sync
    print(f"kiosk {__version__}, kiosk number {health.kiosk_number:04d}")
    print(f"data dir: {settings.data_dir}")
    print(f"catalog:  {shown(health.catalog_version)}")
    print("queue:    " + ", ".join(f"{s.value} {counts[s]}" for s in TxState))
    if oldest is not None and age is not None:
        print(f"oldest unsent: {duration(age)} old (since {when(oldest)})")
    else:
        print("oldest unsent: none, everything is delivered")
    print(f"printer:  {health.printer_state}")
    if enrollment is None:
        print("server:   not enrolled (kiosk enroll --server URL --token T)")
    else:
        server, kiosk_id = shown(enrollment["server_url"]), shown(enrollment["kiosk_id"])
        print(f"server:   {server} (kiosk id {kiosk_id})")
        print(
            f"last sync: {when(record.last_success_at)}"
            + (f"; last error: {shown(record.last_error)}" if record.last_error else "")
        )
        if record.needs_enrollment:
            print("the server refused this kiosk: enroll it again")
    return 0
