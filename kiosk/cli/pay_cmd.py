"""``kiosk pay``, ``kiosk payments list|show|recover`` and ``kiosk terminal-sim``.

``kiosk pay`` pays a bill headless through the configured terminal (``[payment] kind``), by the
same procedure as the screens (``kiosk.payments.service``); what it prints on standard output
is its receipt. Its exit status says what happened to the money:

* 0: paid (approved; the receipt printed);
* 1: not paid: declined, failed or given back; nothing is charged;
* 2: refused before anything was written or charged: bad input or settings, no terminal set
  up, the bill already paid (or being checked) here, another payment under way;
* 3: the terminal is down; nothing was written or charged;
* 4: being checked: the terminal could not tell whether the card was charged; keep the
  tracking code (the kiosk asks the terminal again at every start and before every payment).

The adapters (``sync.terminals``: requests) and the database modules are imported inside the
commands.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kiosk.cli.output import fail, print_json, shown, table, when
from kiosk.config import Settings
from kiosk.i18n import LANGUAGES, N_, translate
from kiosk.money import format_rials

if TYPE_CHECKING:
    from kiosk.core import Core
    from kiosk.payments.service import Payments
    from kiosk.payments.store import Payment
    from kiosk.payments.terminal import Prompt

EXIT_NOT_PAID: Final = 1
EXIT_TERMINAL_DOWN: Final = 3
EXIT_BEING_CHECKED: Final = 4
PAUSE_ENV: Final = "MUNICIPAL_KIOSK_PAUSE_AT"  # crash tests: stop at this step, to be killed
# kiosk.payments.states.PaymentState, for the parser without importing the core's models
PAYMENT_STATES: Final = (
    "created", "sent", "awaiting_card", "approved", "declined", "failed", "unknown",
    "needs_reconciliation", "receipt_printed", "queued_for_city", "delivered", "reversed",
)  # fmt: skip
PROMPTS: Final = {
    "insert_card": N_("Insert your card in the card reader."),
    "enter_pin": N_("Type your PIN on the card reader."),
    "processing": N_("Please wait: the bank is being asked."),
}


def register(sub: Any) -> None:
    p = sub.add_parser("pay", help="pay a bill with a card, through the configured terminal")
    p.add_argument("--bill", required=True, metavar="ID", help="the bill ID")
    p.add_argument("--payment", required=True, metavar="ID", help="the payment ID")
    p.add_argument("--lang", choices=LANGUAGES, help="the citizen's language")
    p.add_argument("--json", action="store_true", help="print the payment as JSON")
    p.set_defaults(func=cmd_pay)

    q = sub.add_parser("payments", help="the card payments of this kiosk")
    qsub = q.add_subparsers(dest="payments_command", metavar="ACTION", required=True)
    ql = qsub.add_parser("list", help="payments, newest first")
    ql.add_argument("--state", choices=PAYMENT_STATES)
    ql.add_argument("--limit", type=int, default=None)
    ql.add_argument("--json", action="store_true")
    ql.set_defaults(func=cmd_list)
    qs = qsub.add_parser("show", help="one payment, by id, tracking code or OrderId")
    qs.add_argument("ref", metavar="ID|TRACKING|ORDERID")
    qs.add_argument("--json", action="store_true")
    qs.set_defaults(func=cmd_show)
    qr = qsub.add_parser("recover", help="ask the terminal about every unfinished payment")
    qr.add_argument("--wait", action="store_true", help="wait for those it may still carry out")
    qr.add_argument("--json", action="store_true")
    qr.set_defaults(func=cmd_recover)

    t = sub.add_parser("terminal-sim", help="a card terminal simulator (Sadad's REST surface)")
    t.add_argument("--port", type=int, required=True, help="port to listen on (0: any free one)")
    t.add_argument("--ledger", required=True, type=Path, metavar="FILE", help="its JSON ledger")
    t.add_argument("--script", type=Path, metavar="S", help="behaviours, one per payment")
    t.add_argument("--host", default="127.0.0.1")
    t.add_argument("--terminal-id", default="SIM00001")
    t.set_defaults(func=cmd_terminal_sim, needs_settings=False)


# -- kiosk pay --------------------------------------------------------------------------------


def cmd_pay(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk import identifiers

    lang = args.lang or settings.ui.language
    try:
        identifiers.bill(args.bill, args.payment)  # checked before anything is made
    except identifiers.InvalidIdentifier as exc:
        fail(N_("not a valid bill: {problem}"), reason="invalid_bill", problem=str(exc))
    if settings.payment.kind == "none":
        fail(
            N_("card payments are not set up on this kiosk: set [payment] kind"),
            reason="no_terminal",
        )
    from kiosk.core import open_core
    from kiosk.payments.lock import TerminalBusyHere
    from kiosk.payments.service import TerminalUnavailable
    from kiosk.payments.store import BillAlreadyPaid, BillBeingChecked, TerminalInUse

    core = open_core(settings)
    try:
        payments = _payments(core)

        def receipt(payment: Payment) -> None:
            _print_result(payment, lang, as_json=args.json)

        def progress(payment: Payment, prompt: Prompt | None) -> None:
            text = PROMPTS.get(prompt.value) if prompt is not None else None
            line = (
                translate(lang, text) if text else f"{payment.display_code}: {payment.state.value}"
            )
            print(line, file=sys.stderr, flush=True)

        try:
            payment = payments.pay_bill(
                args.bill, args.payment, lang=lang, on_update=progress, receipt=receipt
            )
        except BillAlreadyPaid as exc:
            fail(N_("this bill was paid on {when}"), reason="already_paid",
                 when=when(exc.paid_at))  # fmt: skip
        except BillBeingChecked as exc:
            fail(
                N_("a payment of this bill ({code}) is being checked: it cannot be paid again "
                   "here until then"),
                reason="being_checked", code=exc.payment.display_code,
            )  # fmt: skip
        except TerminalInUse as exc:
            fail(N_("another payment ({code}) is under way on this terminal"),
                 reason="terminal_in_use", code=exc.payment.display_code)  # fmt: skip
        except TerminalBusyHere:
            fail(N_("a payment is under way on this terminal; try again when it ends"),
                 reason="terminal_in_use")  # fmt: skip
        except TerminalUnavailable as exc:
            fail(
                N_("the card terminal is not available ({problem}); nothing was charged"),
                reason="terminal_down", status=EXIT_TERMINAL_DOWN, problem=exc.health.summary(),
            )  # fmt: skip
    finally:
        core.close()
    return _exit_status(payment, lang, as_json=args.json)


def _payments(core: Core) -> Payments:
    from kiosk.payments.paid_bills import CityPaidBills
    from kiosk.payments.service import Payments
    from kiosk.payments.store import PaymentStore
    from sync.terminals.factory import terminal_from_settings

    return Payments(
        PaymentStore(core.db),
        terminal_from_settings(core.settings.payment),
        lock_dir=core.settings.data_dir,
        city=CityPaidBills(core.db),
        kiosk_number=lambda: core.kiosk_number,
        checkpoint=_pause_at(os.environ.get(PAUSE_ENV, "")),
        # the service's own lag after the card reader's time is up: as long as it may take
        # to answer a question
        grace_s=float(core.settings.payment.status_timeout),
    )


def _pause_at(step: str) -> Any:
    def checkpoint(name: str) -> None:
        if name == step:
            print(f"paused at {name}", file=sys.stderr, flush=True)
            while True:  # until the test kills this process
                time.sleep(3600)

    return checkpoint


def _exit_status(payment: Payment, lang: str, *, as_json: bool) -> int:
    from kiosk.payments.states import PAID, PaymentState

    if payment.state is PaymentState.RECEIPT_PRINTED:
        return 0
    if payment.state not in PAID:
        _print_result(payment, lang, as_json=as_json)
    if payment.state in (PaymentState.NEEDS_RECONCILIATION, PaymentState.UNKNOWN):
        return EXIT_BEING_CHECKED
    return EXIT_NOT_PAID


def _print_result(payment: Payment, lang: str, *, as_json: bool) -> None:
    from kiosk.payments.reasons import describe
    from kiosk.payments.states import PAID

    message = advice = None
    if payment.reason is not None:
        what, todo = describe(payment.reason, payment.terminal_code)
        message, advice = what.render(lang), todo.render(lang)
    if as_json:
        print_json({**payment.to_json(), "paid": payment.state in PAID, "message": message,
                    "advice": advice})  # fmt: skip
        return
    amount = format_rials(payment.amount_rials, "en")
    if payment.state in PAID:
        print(f"paid: {amount} rials (bill {payment.bill_id}, payment {payment.payment_id})")
        print(f"tracking code: {payment.display_code}")
        print(f"RRN: {shown(payment.rrn)}")
        print(f"trace number: {shown(payment.trace_no)}")
        print(f"card: {shown(payment.masked_card)}")
        print(f"terminal time: {shown(payment.terminal_date)} {shown(payment.terminal_time)}")
    else:
        print(f"{payment.state.value}: {amount} rials, tracking code {payment.display_code}")
    if message:
        print(message)
        print(advice)


# -- kiosk payments ---------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.core import open_core
    from kiosk.payments.states import PaymentState
    from kiosk.payments.store import PaymentStore

    core = open_core(settings)
    try:
        state = PaymentState(args.state) if args.state else None
        items = PaymentStore(core.db).list(state, limit=args.limit)
    finally:
        core.close()
    if args.json:
        print_json([p.to_json() for p in items])
    elif not items:
        print("no payments" if state is None else f"no {state.value} payments")
    else:
        rows = [
            [p.display_code, when(p.created_at), p.kind.value, format_rials(p.amount_rials, "en"),
             p.bill_id or p.service_code or "-", p.state.value, p.reason.value if p.reason else "-"]
            for p in items
        ]  # fmt: skip
        print(table(rows, ["TRACKING", "CREATED", "KIND", "RIALS", "BILL", "STATE", "REASON"]))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.core import open_core
    from kiosk.payments.store import PaymentStore
    from kiosk.tracking import InvalidTrackingCode

    core = open_core(settings)
    try:
        store = PaymentStore(core.db)
        try:
            payment = store.get(args.ref)
        except InvalidTrackingCode:
            payment = None
        if payment is None:
            fail(N_("no payment with id, tracking code or OrderId {ref!r}"), reason="not_found",
                 ref=args.ref)  # fmt: skip
        history = store.history(payment)
    finally:
        core.close()
    if args.json:
        events = [{"state": s.value, "reason": r.value if r else None, "at": when(at)}
                  for s, r, at in history]  # fmt: skip
        print_json({**payment.to_json(), "history": events})
        return 0
    for key, value in payment.to_json().items():
        if value is not None:
            print(f"{key + ':':16}{shown(value)}")
    print("history:")
    for state, reason, at in history:
        print(f"  {when(at)}  {state.value}" + (f" ({reason.value})" if reason else ""))
    return 0


def cmd_recover(args: argparse.Namespace, settings: Settings) -> int:
    if settings.payment.kind == "none":
        fail(N_("card payments are not set up on this kiosk: set [payment] kind"),
             reason="no_terminal")  # fmt: skip
    from kiosk.core import open_core
    from kiosk.payments.lock import TerminalBusyHere

    core = open_core(settings)
    try:
        try:
            recovered = _payments(core).recover(wait=args.wait)
        except TerminalBusyHere:
            fail(N_("a payment is under way on this terminal; try again when it ends"),
                 reason="terminal_in_use")  # fmt: skip
    finally:
        core.close()
    if args.json:
        print_json([p.to_json() for p in recovered])
    elif not recovered:
        print("nothing was unfinished")
    else:
        for p in recovered:
            print(
                f"{p.display_code}: {p.state.value}" + (f" ({p.reason.value})" if p.reason else "")
            )
    return 0


# -- kiosk terminal-sim -----------------------------------------------------------------------


def cmd_terminal_sim(args: argparse.Namespace, _settings: Settings | None) -> int:
    from sync.terminals.simulator.behaviour import ScriptError, parse_script
    from sync.terminals.simulator.ledger import Ledger, LedgerError
    from sync.terminals.simulator.server import Simulator, SimulatorServer

    if not 0 <= args.port <= 65535:
        fail(N_("--port: expected a port from 0 to 65535, got {port}"), port=args.port)
    script = []
    if args.script is not None:
        try:
            script = parse_script(args.script.read_text(encoding="utf-8"))
        except OSError as exc:
            fail(N_("cannot read the script {path}: {problem}"), path=str(args.script),
                 problem=exc.strerror or str(exc))  # fmt: skip
        except (ScriptError, UnicodeDecodeError) as exc:
            fail(N_("{path}: {problem}"), path=str(args.script), problem=str(exc))
    try:
        ledger = Ledger(args.ledger)
    except LedgerError as exc:
        fail(N_("{problem}"), problem=str(exc))
    try:
        server = SimulatorServer((args.host, args.port), Simulator(ledger, script,
                                 terminal_id=args.terminal_id))  # fmt: skip
    except OSError as exc:
        fail(N_("cannot listen on {host}:{port}: {problem}"), host=args.host, port=args.port,
             problem=exc.strerror or str(exc))  # fmt: skip
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"terminal simulator at {server.url}, ledger {args.ledger}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0
