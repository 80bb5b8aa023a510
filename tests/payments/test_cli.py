"""``kiosk pay``, ``kiosk payments`` and ``kiosk terminal-sim`` as processes: the exit statuses,
one-line errors, nothing charged or written when refused, double taps."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from tests.payments.cli import kiosk_env, payments, run, start
from tests.payments.conftest import BILL, ROOT, Sim, start_sim


def pay(data_dir: Path, env: dict[str, str], *extra: str) -> tuple[int, str, str]:
    result = run(data_dir, env, "pay", "--bill", BILL[0], "--payment", BILL[1], *extra)
    return result.returncode, result.stdout, result.stderr


def test_pay_prints_the_receipt_and_exits_0(tmp_path: Path, sim: Sim) -> None:
    data = tmp_path / "data"
    status, out, err = pay(data, kiosk_env(sim.url))
    assert status == 0, err
    assert "paid: 17,000 rials (bill 7748317800142, payment 1770160)" in out
    [entry] = sim.ledger()
    assert f"RRN: {entry['rrn']}" in out
    assert "receipt_printed" in err  # its progress, on standard error
    [record] = payments(data, kiosk_env(sim.url))
    assert (record["order_id"], record["state"]) == (entry["order_id"], "receipt_printed")
    shown = run(data, kiosk_env(sim.url), "payments", "show", record["display_code"], "--json")
    history = [e["state"] for e in json.loads(shown.stdout)["history"]]
    assert history == ["created", "sent", "approved", "receipt_printed"]
    # the same bill again: refused, saying when it was paid; the terminal is not asked
    status, out, err = pay(data, kiosk_env(sim.url), "--json")
    assert status == 2 and out == ""
    refusal = json.loads(err)
    assert refusal["reason"] == "already_paid" and "paid on" in refusal["message"]
    assert len(sim.ledger()) == 1 and sim.requests_to("/api/BillPayment") == 1


def test_a_decline_exits_1_with_the_reason_in_the_citizens_language(
    tmp_path: Path, sim: Sim
) -> None:
    sim.script("decline 51")
    status, out, _err = pay(tmp_path / "data", kiosk_env(sim.url), "--lang", "fa", "--json")
    assert status == 1
    result = json.loads(out)
    assert (result["state"], result["reason"], result["paid"]) == (
        "declined",
        "insufficient_funds",
        False,
    )
    assert result["message"] == "موجودی حساب کارت کافی نیست."
    assert result["advice"].startswith("پولی از کارت شما کم نشد")
    assert sim.ledger() == []


def test_a_terminal_that_is_down(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    data = tmp_path / "data"
    status, out, err = pay(data, kiosk_env(url))
    assert status == 3 and out == ""
    assert err.startswith("kiosk: error: the card terminal is not available (offline")
    assert "nothing was charged" in err and err.count("\n") == 1
    assert payments(data, kiosk_env(url)) == []


def test_bad_settings_and_bad_bills_make_nothing(tmp_path: Path, sim: Sim) -> None:
    data = tmp_path / "data"
    for env, reason, words in [
        (kiosk_env(sim.url, KIOSK_PAYMENT_KIND="visa"), "config", "KIOSK_PAYMENT_KIND"),
        (kiosk_env(sim.url, KIOSK_PAYMENT_URL="localhost"), "config", "KIOSK_PAYMENT_URL"),
        (kiosk_env(sim.url, KIOSK_PAYMENT_RESPONSE_TIMEOUT="0"), "config", "RESPONSE_TIMEOUT"),
        (kiosk_env(sim.url, KIOSK_PAYMENT_TERMINAL_ID="T-1"), "config", "TERMINAL_ID"),
        (kiosk_env(None), "no_terminal", "[payment] kind"),
    ]:
        status, out, err = pay(data, env, "--json")
        assert status == 2 and out == ""
        refusal = json.loads(err)
        assert refusal["reason"] == reason and words in refusal["message"], refusal
    result = run(data, kiosk_env(sim.url), "pay", "--bill", "2234322344613", "--payment",
                 "1070189")  # fmt: skip
    assert result.returncode == 2 and "not a valid bill" in result.stderr
    assert not data.exists()
    assert sim.requests_to("/api/BillPayment") == 0


def test_double_taps_pay_once(tmp_path: Path, sim: Sim) -> None:
    """Two ``kiosk pay`` for one bill at once: one pays, the other is refused."""
    sim.script("slow 1.5 approve")
    data, env = tmp_path / "data", kiosk_env(sim.url)
    args = ("pay", "--bill", BILL[0], "--payment", BILL[1], "--json", "--lang", "en")
    first = start(data, env, *args)
    first.wait_line("Insert your card")  # the first is at the terminal
    second = run(data, env, *args)
    assert second.returncode == 2
    assert json.loads(second.stderr)["reason"] in ("terminal_in_use", "being_checked")
    status, out = first.finish()
    assert status == 0 and json.loads(out)["paid"] is True
    assert len(sim.ledger()) == 1
    again = run(data, env, *args)
    assert again.returncode == 2 and json.loads(again.stderr)["reason"] == "already_paid"


def test_payments_list_and_show(tmp_path: Path, sim: Sim) -> None:
    data, env = tmp_path / "data", kiosk_env(sim.url)
    sim.script("decline 55")
    pay(data, env)
    pay(data, env)
    listed = run(data, env, "payments", "list")
    assert listed.returncode == 0
    assert "receipt_printed" in listed.stdout and "wrong_pin" in listed.stdout
    declined = payments(data, env, "--state", "declined")
    assert [p["reason"] for p in declined] == ["wrong_pin"]
    missing = run(data, env, "payments", "show", "0000-999999-0", "--json")
    assert missing.returncode == 2 and json.loads(missing.stderr)["reason"] in (
        "not_found", "invalid_tracking_code",
    )  # fmt: skip
    recovered = run(data, env, "payments", "recover")
    assert recovered.returncode == 0 and "nothing was unfinished" in recovered.stdout


def test_terminal_sim_refuses_a_bad_script_or_ledger(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("approve\nrefund\n")
    env = kiosk_env(None)
    bad = run(tmp_path, env, "terminal-sim", "--port", "0", "--ledger", str(tmp_path / "l.json"),
              "--script", str(script))  # fmt: skip
    assert bad.returncode == 2 and "line 2" in bad.stderr and "refund" in bad.stderr
    ledger = tmp_path / "broken.json"
    ledger.write_text("{not json")
    bad = run(tmp_path, env, "terminal-sim", "--port", "0", "--ledger", str(ledger))
    assert bad.returncode == 2 and "not a ledger" in bad.stderr
    assert ROOT.exists()


def test_the_simulator_process_keeps_its_ledger_on_disk(tmp_path: Path) -> None:
    s = start_sim(tmp_path / "ledger.json")
    try:
        status, _out, err = pay(tmp_path / "data", kiosk_env(s.url))
        assert status == 0, err
        on_disk = json.loads((tmp_path / "ledger.json").read_text())
        assert on_disk == s.http.get(f"{s.url}/sim/ledger", timeout=5).json()
        assert set(on_disk[0]) >= {"order_id", "amount_rials", "bill_id", "payment_id", "rrn",
                                   "state"}  # fmt: skip
    finally:
        s.stop()
