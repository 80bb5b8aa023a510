"""The sync engine against the real city server over loopback HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from kiosk.core import Core
from kiosk.models import TxState
from sync import protocol as p
from tests.sync.conftest import REPORT, Server, engine_for
from tests.sync.proxy import Faults, FaultyProxy, replace_body

SURVEY = "district-survey-1405-autumn"


def submit(core: Core, n: int) -> list[str]:
    return [core.queue.submit("street-lights", REPORT).id for _ in range(n)]


def server_ids(server: Server) -> Counter[str]:
    return server.ids()


def drain(core: Core, engine: Any, cycles: int = 200) -> None:
    for _ in range(cycles):
        engine.run_once()
        counts = core.queue.counts()
        if counts[TxState.PENDING] == 0 and counts[TxState.IN_FLIGHT] == 0:
            return
        # a failed cycle leaves items due at once unless the server said Retry-After
    raise AssertionError(f"the queue did not drain: {core.queue.counts()}")


def test_offline_submissions_drain_when_the_server_appears(enrolled: Core, server: Server) -> None:
    server.stop()
    ids = submit(enrolled, 25)
    engine = engine_for(enrolled)
    report = engine.run_once()
    assert report.error and not report.online and report.retry_in
    assert enrolled.queue.counts()[TxState.PENDING] == 25  # nothing lost, nothing sent
    server.start()
    report = engine.run_once()
    assert report.error is None, report.error
    assert (report.pushed, report.acked, report.rejected) == (25, 25, 0)
    assert server_ids(server) == Counter(ids)  # each exactly once
    assert all(tx.state is TxState.ACKED and tx.server_ref for tx in enrolled.queue.list())
    assert engine.run_once().pushed == 0  # nothing acknowledged is sent again


def test_status_set_on_the_server_reaches_the_kiosk(enrolled: Core, server: Server) -> None:
    (tx_id,) = submit(enrolled, 1)
    engine = engine_for(enrolled)
    engine.run_once()
    tx = enrolled.queue.get(tx_id)
    assert tx is not None
    server.cli(
        "requests",
        "update",
        tx.tracking_code,
        "--status",
        "in_progress",
        "--note",
        "گروه تعمیر اعزام شد",
    )
    report = engine.run_once()
    assert report.statuses == 1
    tx = enrolled.queue.get(tx_id)
    assert tx is not None
    assert tx.server_status == "in_progress" and tx.server_status_note == "گروه تعمیر اعزام شد"
    assert tx.server_status_at is not None
    assert engine.run_once().statuses == 0  # the cursor moved on


def test_exactly_once_through_a_faulty_network(enrolled: Core, server: Server) -> None:
    """Dropped and reset connections, delays and 5xx: after quiescence the server holds
    exactly the transactions the kiosk confirmed, each once."""
    proxy = FaultyProxy(
        server.port, Faults(drop=0.15, reset=0.2, delay=0.1, error=0.15, delay_s=0.05, seed=7)
    ).start()
    try:
        enrollment = enrolled.state.enrollment()
        assert enrollment is not None
        enrolled.state.save_enrollment(
            enrollment.__class__(
                proxy.url,
                enrollment.kiosk_id,
                enrollment.kiosk_number,
                enrollment.secret,
                enrollment.enrolled_at,
            )
        )
        ids: list[str] = []
        engine = engine_for(enrolled, batch_size=7)
        for _ in range(6):  # citizens keep filing while the network misbehaves
            ids += submit(enrolled, 10)
            engine.run_once()
        drain(enrolled, engine)
    finally:
        proxy.close()
    assert proxy.fates["reset"] > 0 and proxy.fates["drop"] > 0 and proxy.fates["error"] > 0
    confirmed = {tx.id for tx in enrolled.queue.list(TxState.ACKED)}
    assert confirmed == set(ids)
    assert server_ids(server) == Counter(ids)


def test_retry_after_is_honoured(enrolled: Core, server: Server) -> None:
    proxy = FaultyProxy(server.port, Faults(forced=["busy"])).start()
    try:
        enrollment = enrolled.state.enrollment()
        assert enrollment is not None
        enrolled.state.save_enrollment(
            enrollment.__class__(
                proxy.url,
                enrollment.kiosk_id,
                enrollment.kiosk_number,
                enrollment.secret,
                enrollment.enrolled_at,
            )
        )
        submit(enrolled, 3)
        engine = engine_for(enrolled)
        report = engine.run_once()
        assert report.retry_in == 120.0
        pending = enrolled.queue.list(TxState.PENDING)
        assert len(pending) == 3
        waits = {tx.next_attempt_at for tx in pending}
        assert len(waits) == 1
        (wait,) = waits
        assert wait is not None
        assert (
            dt.timedelta(seconds=110) < wait - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=121)
        )
        assert engine.run_once().pushed == 0  # not before the server's time
    finally:
        proxy.close()


def test_413_splits_the_batch(enrolled: Core, server: Server) -> None:
    ids = submit(enrolled, p.MAX_BATCH_ITEMS + 50)
    engine = engine_for(enrolled, batch_size=p.MAX_BATCH_ITEMS + 50)
    report = engine.run_once()
    assert report.error is None, report.error
    assert report.acked == len(ids)
    assert sum(server_ids(server).values()) == len(ids)


def test_rejected_items_are_parked_and_never_block(enrolled: Core, server: Server) -> None:
    national = "0499370899"
    first = enrolled.queue.submit(SURVEY, _survey(national)).id
    engine = engine_for(enrolled)
    engine.run_once()
    # the same national code on another kiosk's data: simulate with a second submission made
    # before the first was known locally (the server is the one that must refuse it)
    with enrolled.db.write() as session:
        from kiosk.models import Transaction

        row = session.get(Transaction, first)
        assert row is not None
        row.service_code = "voided-locally"  # hide it from the kiosk's own duplicate check
    second = enrolled.queue.submit(SURVEY, _survey(national)).id
    others = submit(enrolled, 3)
    report = engine.run_once()
    assert report.rejected == 1 and report.acked == 3
    parked = enrolled.queue.get(second)
    assert parked is not None and parked.state is TxState.REJECTED
    assert parked.last_error and parked.last_error.startswith(p.REJECT_ALREADY_ANSWERED)
    assert all(enrolled.queue.get(i).state is TxState.ACKED for i in others)  # type: ignore[union-attr]
    assert engine.run_once().pushed == 0  # parked items are not retried


def _survey(national: str) -> dict[str, str]:
    return {
        "national_code": national,
        "district": "3",
        "cleaning": "4",
        "green_space": "3",
        "streets": "5",
        "transport": "2",
        "responsiveness": "3",
    }


def test_revoked_kiosk_keeps_its_queue(enrolled: Core, server: Server) -> None:
    enrollment = enrolled.state.enrollment()
    assert enrollment is not None
    server.cli("kiosk", "revoke", enrollment.kiosk_id)
    ids = submit(enrolled, 4)
    report = engine_for(enrolled).run_once()
    assert report.needs_enrollment and report.error
    assert {tx.id for tx in enrolled.queue.list(TxState.PENDING)} == set(ids)
    assert enrolled.state.sync_record().needs_enrollment


def test_a_kiosk_clock_days_off(enrolled: Core, server: Server) -> None:
    enrolled.state.set("clock.offset", -3 * 86400.0)  # the kiosk believes it is 3 days earlier
    ids = submit(enrolled, 2)
    engine = engine_for(enrolled)
    report = engine.run_once()
    assert report.error is None, report.error
    assert server_ids(server) == Counter(ids)
    assert abs(enrolled.state.clock_offset()) < 60


def test_catalog_announcements_and_heartbeat(enrolled: Core, server: Server) -> None:
    server.cli(
        "announce",
        "add",
        "--title-fa",
        "تعطیلی",
        "--title-en",
        "Closed",
        "--body-fa",
        "دفاتر پنجشنبه تعطیل است",
        "--body-en",
        "Offices close on Thursday",
    )
    submit(enrolled, 2)
    engine = engine_for(enrolled)
    report = engine.run_once()
    assert report.catalog_version == "2026.11.1"
    assert (enrolled.settings.catalog_dir / "current.json").exists()
    assert report.announcements == 1
    titles = [a.title.en for a in engine.announcements.current()]
    assert titles == ["Closed"]
    assert engine.run_once().catalog_version is None  # 304: unchanged
    (kiosk,) = server.json("kiosk", "list")
    assert kiosk["last_heartbeat_at"] and kiosk["app_version"]
    assert kiosk["queue_depth"] == 0 and kiosk["catalog_version"] == "2026.11.1"
    assert kiosk["free_disk_bytes"] > 0 and kiosk["last_error"] is None
    # a new catalog published by the city reaches the kiosk without a reinstall
    server.cli("catalog", "publish", str(_edited_catalog(enrolled)))
    assert engine.run_once().catalog_version == "2026.11.2"


def test_a_malformed_catalog_is_refused_and_the_old_one_kept(
    enrolled: Core, server: Server
) -> None:
    engine = engine_for(enrolled)
    engine.run_once()
    saved = (enrolled.settings.catalog_dir / "current.json").read_bytes()
    broken = b'{"format": 1, "version": "broken", "groups": [], "services": []}'

    def corrupt(request: bytes, answer: bytes) -> bytes:
        if request.startswith(b"GET /api/v1/catalog") and answer.startswith(b"HTTP/1.1 200"):
            return replace_body(answer, broken)
        return answer

    proxy = FaultyProxy(server.port, rewrite=corrupt).start()
    try:
        _via(enrolled, proxy)
        server.cli("catalog", "publish", str(_edited_catalog(enrolled)))
        report = engine.run_once()
    finally:
        proxy.close()
    assert report.error and "catalog refused" in report.error
    assert (enrolled.settings.catalog_dir / "current.json").read_bytes() == saved
    assert enrolled.queue.catalog.version == "2026.11.1"
    assert report.catalog_version is None


def _via(core: Core, proxy: FaultyProxy) -> None:
    enrollment = core.state.enrollment()
    assert enrollment is not None
    core.state.save_enrollment(
        enrollment.__class__(
            proxy.url,
            enrollment.kiosk_id,
            enrollment.kiosk_number,
            enrollment.secret,
            enrollment.enrolled_at,
        )
    )


def _edited_catalog(core: Core) -> Path:
    """A valid new version of the bundled catalog (so the server has something new to send)."""
    from kiosk.catalog import default_catalog_path

    data = json.loads(default_catalog_path().read_text(encoding="utf-8"))
    data["version"] = "2026.11.2"
    path = core.settings.data_dir / "next-catalog.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
