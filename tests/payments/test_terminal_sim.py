"""Every behaviour of the terminal simulator, through the real Sadad adapter over loopback."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from kiosk.payments.reasons import SADAD_CODES, Outcome, Reason, sadad_outcome
from kiosk.payments.terminal import (
    Approved,
    BillOrder,
    Busy,
    Declined,
    NotFound,
    Offline,
    PaymentTerminal,
    Prompt,
    ReversalOrder,
    SaleOrder,
    Unknown,
    Unsupported,
)
from sync.terminals.sadad import SadadTerminal, mask_card
from sync.terminals.simulated import SimulatorTerminal
from sync.terminals.simulator.behaviour import ScriptError, parse_behaviour, parse_script
from tests.payments.conftest import BILL, Sim, start_sim, terminal_for

ORDER = BillOrder("1000070000000001", BILL[0], BILL[1], 17_000)


def test_the_adapters_are_payment_terminals(terminal: SimulatorTerminal) -> None:
    assert isinstance(terminal, PaymentTerminal)
    assert isinstance(SadadTerminal("http://localhost:8050"), PaymentTerminal)


def test_approve_records_then_answers(sim: Sim, terminal: SimulatorTerminal) -> None:
    answer = terminal.pay_bill(ORDER)
    assert isinstance(answer, Approved)
    assert answer.order_id == ORDER.order_id and answer.amount_rials == 17_000
    assert answer.masked_card.startswith("603799******") and len(answer.rrn) == 12
    [entry] = sim.ledger()
    assert entry["order_id"] == ORDER.order_id
    assert (entry["bill_id"], entry["payment_id"], entry["amount_rials"]) == (*BILL, 17_000)
    assert (entry["rrn"], entry["state"]) == (answer.rrn, "approved")
    found = terminal.status(ORDER.order_id)  # Search's items carry no ApprovalCode
    assert isinstance(found, Approved)
    assert (found.rrn, found.trace_no, found.amount_rials) == (answer.rrn, answer.trace_no, 17_000)


def test_a_sale_carries_its_amount(sim: Sim, terminal: SimulatorTerminal) -> None:
    answer = terminal.sale(SaleOrder("1000070000000002", 250_000))
    assert isinstance(answer, Approved) and answer.amount_rials == 250_000
    assert sim.ledger()[0]["bill_id"] is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [("51", Reason.INSUFFICIENT_FUNDS), ("55", Reason.WRONG_PIN), ("61", Reason.OVER_LIMIT),
     ("54", Reason.EXPIRED_CARD), ("14", Reason.INVALID_CARD), ("57", Reason.DECLINED)],
)  # fmt: skip
def test_decline_with_the_banks_code(
    sim: Sim, terminal: SimulatorTerminal, code: str, reason: Reason
) -> None:
    sim.script(f"decline {code}")
    assert terminal.pay_bill(ORDER) == Declined(reason, code)
    assert sim.ledger() == []
    assert terminal.status(ORDER.order_id) == Declined(reason, code)


def test_timeout_is_an_unknown_outcome_and_charges_nothing(
    sim: Sim, terminal: SimulatorTerminal
) -> None:
    sim.script("timeout")
    answer = terminal.pay_bill(ORDER)
    assert isinstance(answer, Unknown) and answer.reason is Reason.NO_ANSWER
    assert sim.ledger() == []
    assert terminal.status(ORDER.order_id) == NotFound()


def test_an_answer_later_than_the_adapter_waits_is_unknown(tmp_path: Path, sim: Sim) -> None:
    sim.script("hold 2 approve")
    quick = SimulatorTerminal(sim.url, response_timeout_s=2.0, status_timeout_s=1.0)
    quick_read = 0.3
    from sync.terminals import sadad

    original = sadad.ANSWER_SLACK_S
    sadad.ANSWER_SLACK_S = quick_read - 2.0  # the adapter gives up after 0.3 s
    try:
        answer = quick.pay_bill(ORDER)
    finally:
        sadad.ANSWER_SLACK_S = original
    assert isinstance(answer, Unknown) and answer.reason is Reason.NO_ANSWER
    assert [e["order_id"] for e in sim.ledger()] == [ORDER.order_id]  # it was charged
    assert isinstance(quick.status(ORDER.order_id), Approved)  # and the terminal says so
    quick.close()


def test_lose_approves_and_drops_the_answer(sim: Sim, terminal: SimulatorTerminal) -> None:
    sim.script("lose")
    answer = terminal.pay_bill(ORDER)
    assert isinstance(answer, Unknown)
    [entry] = sim.ledger()
    found = terminal.status(ORDER.order_id)
    assert isinstance(found, Approved) and found.rrn == entry["rrn"]


def test_busy_refuses_a_concurrent_request(sim: Sim, terminal: SimulatorTerminal) -> None:
    sim.script("busy")
    assert terminal.pay_bill(ORDER) == Busy("6")
    assert sim.ledger() == []


def test_a_second_request_while_one_is_under_way_is_refused(sim: Sim) -> None:
    sim.script("slow 1.5 approve")
    first, second = terminal_for(sim), terminal_for(sim)
    answers: list[object] = []
    worker = threading.Thread(target=lambda: answers.append(first.pay_bill(ORDER)))
    worker.start()
    wait_for(lambda: sim.state()["under_way"] == ORDER.order_id)
    other = BillOrder("1000070000000009", "2050327604613", "1070189", 10_000)
    assert second.pay_bill(other) == Busy("6")
    assert isinstance(second.status(ORDER.order_id), Unknown)  # it cannot tell while busy
    assert second.health().state == "busy"
    worker.join()
    assert isinstance(answers[0], Approved)
    assert [e["order_id"] for e in sim.ledger()] == [ORDER.order_id]


def test_offline_charges_nothing(sim: Sim, terminal: SimulatorTerminal) -> None:
    sim.script("offline")
    assert isinstance(terminal.pay_bill(ORDER), Offline)
    sim.offline()
    assert terminal.health().state == "offline"
    assert isinstance(terminal.pay_bill(ORDER), Offline)
    status = terminal.status(ORDER.order_id)
    assert isinstance(status, Unknown) and status.reason is Reason.TERMINAL_OFFLINE
    sim.offline(False)
    assert terminal.health().ok and terminal.health().terminal_id == "SIM00001"
    assert sim.ledger() == []


def test_slow_mirrors_the_card_prompts(sim: Sim, terminal: SimulatorTerminal) -> None:
    sim.script("slow 1.5 approve")
    seen: list[Prompt | None] = []
    worker = threading.Thread(target=lambda: terminal.pay_bill(ORDER))
    worker.start()
    watcher = terminal_for(sim)
    while worker.is_alive():
        prompt = watcher.prompt()
        if not seen or seen[-1] is not prompt:
            seen.append(prompt)
    worker.join()
    assert [p for p in seen if p is not Prompt.IDLE][:3] == [
        Prompt.INSERT_CARD, Prompt.ENTER_PIN, Prompt.PROCESSING,
    ]  # fmt: skip
    assert watcher.prompt() is Prompt.IDLE


def test_abort_stops_a_payment_under_way(sim: Sim, terminal: SimulatorTerminal) -> None:
    sim.script("slow 5 approve")
    answers: list[object] = []
    worker = threading.Thread(target=lambda: answers.append(terminal.pay_bill(ORDER)))
    worker.start()
    wait_for(lambda: sim.state()["under_way"] == ORDER.order_id)
    assert terminal_for(sim).abort()
    worker.join()
    assert answers == [Declined(Reason.STOPPED_BY_TERMINAL, "status 2")]
    assert sim.ledger() == []


def test_reverse_gives_an_approved_order_back(sim: Sim, terminal: SimulatorTerminal) -> None:
    approved = terminal.pay_bill(ORDER)
    assert isinstance(approved, Approved)
    reversal = ReversalOrder("1000070000000003", ORDER.order_id, 17_000)
    answer = terminal.reverse(reversal)
    assert isinstance(answer, Approved) and answer.rrn != approved.rrn
    [entry] = sim.ledger()
    assert entry["state"] == "reversed" and entry["reversal_order_id"] == reversal.order_id
    assert isinstance(terminal.status(reversal.order_id), Approved)
    refused = terminal.reverse(ReversalOrder("1000070000000004", "1000070000000099", 1000))
    assert refused == Declined(Reason.INVALID_TRANSACTION, "12")


def test_sadads_service_cannot_reverse() -> None:
    answer = SadadTerminal("http://localhost:8050").reverse(ReversalOrder("1", "2", 1000))
    assert isinstance(answer, Unsupported)


def test_a_terminal_that_is_down(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = SimulatorTerminal(f"http://127.0.0.1:{port}", response_timeout_s=2, status_timeout_s=2)
    assert down.health().state == "offline"
    assert isinstance(down.pay_bill(ORDER), Offline)
    status = down.status(ORDER.order_id)
    assert isinstance(status, Unknown) and status.reason is Reason.TERMINAL_OFFLINE
    assert down.prompt() is None and down.abort() is False


def test_the_ledger_survives_a_restart_of_the_simulator(tmp_path: Path) -> None:
    first = start_sim(tmp_path / "ledger.json")
    answer = terminal_for(first).pay_bill(ORDER)
    first.stop()
    again = start_sim(tmp_path / "ledger.json")
    try:
        found = terminal_for(again).status(ORDER.order_id)
        assert isinstance(answer, Approved) and isinstance(found, Approved)
        assert found.rrn == answer.rrn
    finally:
        again.stop()


def test_a_script_file(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text("# two payments\ndecline 55\n\nslow 0.1 hold 0.1 approve  # then\n")
    s = start_sim(tmp_path / "ledger.json", "--script", str(script))
    try:
        t = terminal_for(s)
        assert t.pay_bill(ORDER) == Declined(Reason.WRONG_PIN, "55")
        assert isinstance(t.pay_bill(BillOrder("1000070000000005", *BILL, 17_000)), Approved)
        assert isinstance(t.pay_bill(BillOrder("1000070000000006", *BILL, 17_000)), Approved)
    finally:
        s.stop()


@pytest.mark.parametrize(
    ("line", "problem"),
    [("approve now", "takes nothing"), ("decline", "two-digit"), ("decline 00", "approval"),
     ("slow x approve", "seconds"), ("refund", "expected one of"), ("hold 999 approve", "seconds")],
)  # fmt: skip
def test_bad_script_lines_are_named(line: str, problem: str) -> None:
    with pytest.raises(ScriptError, match=problem):
        parse_behaviour(line)
    with pytest.raises(ScriptError, match="line 2"):
        parse_script(f"approve\n{line}\n")


def test_sadads_codes_in_one_table() -> None:
    statuses = {int(c) for f, c in SADAD_CODES if f == "PcPosStatusCode"}
    assert statuses | {4} == {0, 1, 2, 3, 4, 5, 6, 999}
    responses = {c for f, c in SADAD_CODES if f == "ResponseCode"}
    assert {"00", "51", "55", "54", "61", "12", "13", "14", "19", "30"} <= responses
    assert sadad_outcome("4", "00") == (Outcome.APPROVED, None)
    assert sadad_outcome("0", "00") == (Outcome.UNKNOWN, Reason.NO_ANSWER)  # no answer wins
    assert sadad_outcome("4", None) == (Outcome.UNKNOWN, Reason.BAD_ANSWER)
    assert sadad_outcome("4", "x9") == (Outcome.UNKNOWN, Reason.BAD_ANSWER)
    assert sadad_outcome("77", "00") == (Outcome.UNKNOWN, Reason.BAD_ANSWER)


def test_every_reason_reads_in_both_languages() -> None:
    from kiosk.payments.reasons import REASONS, describe

    assert set(REASONS) == set(Reason)
    for reason in Reason:
        what, todo = describe(reason, "51")
        for lang in ("fa", "en"):
            assert what.render(lang) and todo.render(lang)
        assert what.render("fa") != what.render("en")


def test_a_whole_card_number_is_never_kept() -> None:
    assert mask_card("6037991234561576") == "603799******1576"
    assert mask_card("603799******1576") == "603799******1576"
    assert mask_card("") == ""


def wait_for(condition: object, timeout: float = 10.0) -> None:
    import time

    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)
