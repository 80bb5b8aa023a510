"""The crash matrix: a real ``kiosk pay`` process SIGKILLed at each step of a payment against
the simulator process, then restarted; the simulator's ledger and the kiosk's records agree.

Kill points (one run each in the CI form, a few seconds apiece):

* in the kiosk, after each commit (``MUNICIPAL_KIOSK_PAUSE_AT`` stops the process there and it
  is killed from outside): ``created``, ``sent`` (the terminal not asked yet), ``answered``
  after an approval and after a decline, ``approved`` (before the receipt), ``receipt``
  (printed, ``receipt_printed`` not committed);
* at the terminal, seen from outside: while it waits for the card (``awaiting_card``
  committed, the simulator slow), and once it approved and recorded the payment while its
  answer is held back (the kiosk waits for it).

8 kill points, 8 runs; ``test_random_kills`` (marked slow) kills at random moments in 12 more.
After each kill: ``kiosk payments recover --wait``, then ``kiosk pay`` of the same bill again,
and the check: no order charged twice, no approved order without a kiosk record (with its RRN
and amount), no kiosk record paid without an approved order, nothing left unfinished.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.payments.cli import PAUSE_ENV, Child, kiosk_env, payments, run, start
from tests.payments.conftest import BILL, Sim, start_sim

PAID = {"approved", "receipt_printed", "queued_for_city", "delivered"}
UNFINISHED = {"created", "sent", "awaiting_card", "unknown", "needs_reconciliation"}
PAY = ("pay", "--bill", BILL[0], "--payment", BILL[1], "--lang", "en")


def db_state(data: Path, env: dict[str, str]) -> str | None:
    found = payments(data, env)
    return found[0]["state"] if found else None


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


def check_agreement(sim: Sim, data: Path, env: dict[str, str]) -> dict[str, Any]:
    ledger = sim.ledger()
    records = payments(data, env)
    by_order = {r["order_id"]: r for r in records}
    approved = [e for e in ledger if e["state"] == "approved"]
    # no order charged twice, and never the same bill twice
    assert len({e["order_id"] for e in ledger}) == len(ledger), ledger
    assert len([e for e in approved if (e["bill_id"], e["payment_id"]) == BILL]) <= 1, ledger
    # every approved order has its kiosk record, paid, with the terminal's references
    for entry in approved:
        record = by_order.get(entry["order_id"])
        assert record is not None, f"approved order {entry['order_id']} unknown to the kiosk"
        assert record["state"] in PAID, record
        assert (record["rrn"], record["amount_rials"]) == (entry["rrn"], entry["amount_rials"])
    # no kiosk record paid without an approved order; nothing left unfinished
    approved_ids = {e["order_id"] for e in approved}
    for record in records:
        assert record["state"] not in UNFINISHED, record
        if record["state"] in PAID:
            assert record["order_id"] in approved_ids, record
    return {"ledger": ledger, "records": records}


def restart_and_pay_again(sim: Sim, data: Path, env: dict[str, str]) -> dict[str, Any]:
    recovered = run(data, env, "payments", "recover", "--wait", "--json")
    assert recovered.returncode == 0, recovered.stderr
    after = check_agreement(sim, data, env)
    again = run(data, env, *PAY, "--json")
    charged_before = any(e["state"] == "approved" for e in after["ledger"])
    if charged_before:
        assert again.returncode == 2 and json.loads(again.stderr)["reason"] == "already_paid"
    else:
        assert again.returncode == 0, again.stderr
    final = check_agreement(sim, data, env)
    assert len([e for e in final["ledger"] if e["state"] == "approved"]) == 1
    return final


def kill_at_pause(step: str, sim: Sim, data: Path, script: str = "approve") -> Child:
    sim.script(script)
    child = start(data, kiosk_env(sim.url, **{PAUSE_ENV: step}), *PAY)
    child.wait_line(f"paused at {step}")
    child.kill()
    return child


@pytest.mark.parametrize(
    ("step", "script", "charged"),
    [
        ("created", "approve", False),
        ("sent", "approve", False),
        ("answered", "approve", True),
        ("answered", "decline 51", False),
        ("approved", "approve", True),
        ("receipt", "approve", True),
    ],
)
def test_killed_after_a_commit(
    tmp_path: Path, sim: Sim, step: str, script: str, charged: bool
) -> None:
    data, env = tmp_path / "data", kiosk_env(sim.url)
    kill_at_pause(step, sim, data, script)
    assert bool(sim.ledger()) is charged
    final = restart_and_pay_again(sim, data, env)
    if charged:  # the payment that was killed is the one that stands
        [record] = [r for r in final["records"] if r["state"] in PAID]
        assert record["seq"] == 1


def test_killed_while_the_terminal_waits_for_the_card(tmp_path: Path, sim: Sim) -> None:
    data, env = tmp_path / "data", kiosk_env(sim.url)
    sim.script("slow 3 approve")
    child = start(data, env, *PAY)
    wait_for(lambda: db_state(data, env) == "awaiting_card")
    child.kill()
    # the card reader goes on (the citizen is at its keypad) and approves
    wait_for(lambda: bool(sim.ledger()))
    final = restart_and_pay_again(sim, data, env)
    assert final["records"][-1]["state"] == "approved"  # found by the recovery


def test_killed_once_the_terminal_approved_but_before_its_answer(tmp_path: Path, sim: Sim) -> None:
    data, env = tmp_path / "data", kiosk_env(sim.url)
    sim.script("hold 5 approve")
    child = start(data, env, *PAY)
    wait_for(lambda: bool(sim.ledger()))  # charged; the answer is held back
    assert db_state(data, env) == "sent"
    child.kill()
    restart_and_pay_again(sim, data, env)


@pytest.mark.slow
def test_random_kills(tmp_path: Path) -> None:
    rng = random.Random(11)
    for run_number in range(12):
        folder = tmp_path / f"run{run_number}"
        folder.mkdir()
        sim = start_sim(folder / "ledger.json")
        try:
            data, env = folder / "data", kiosk_env(sim.url)
            sim.script(rng.choice(["slow 1 hold 0.5 approve", "slow 0.5 lose", "hold 1 approve",
                                   "slow 1 decline 55", "slow 1.5 approve"]))  # fmt: skip
            child = start(data, env, *PAY)
            time.sleep(rng.uniform(0.8, 3.0))  # a random moment: that is the point here
            child.kill()
            sim.script(replace=True)  # the kill may have come before the terminal was asked
            restart_and_pay_again(sim, data, env)
        finally:
            sim.stop()
