"""The sync engine: push the queue, pull statuses, the catalog and announcements, send a heartbeat.

One :meth:`SyncEngine.run_once` is one cycle; :class:`sync.runner.SyncRunner` runs cycles on
their own thread. Exactly-once delivery rests on three things: a transaction is marked
``in_flight`` durably before it is sent; only the server's per-item answer moves it on (and
only then does it leave the queue); and the server deduplicates on the transaction's UUID, so a
resend after a lost answer, a crash or a restart comes back as ``duplicate`` and is acknowledged.

Failures are never fatal: network errors and 5xx back off exponentially with full jitter (capped
at five minutes), 429/503 wait their ``Retry-After``, 413 splits the batch, 401 asks for
re-enrollment and keeps the queue untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import tempfile
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from kiosk.announcements import AnnouncementStore
from kiosk.audit import AuditLog
from kiosk.catalog import Catalog, CatalogError, LocalText, catalog_from_bytes
from kiosk.catalog_source import SYNCED_CATALOG
from kiosk.health import printer_error, snapshot
from kiosk.logs import describe
from kiosk.outbox import ItemOutcome, Outbox, StatusChange
from kiosk.queue import Queue, QueuedTransaction
from kiosk.state import (
    ANNOUNCEMENT_CURSOR,
    AUDIT_CURSOR,
    CATALOG_ETAG,
    STATUS_CURSOR,
    StateStore,
    SyncRecord,
)
from kiosk.timeutil import Clock, iso, utcnow
from sync import protocol as p
from sync.client import (
    AuthFailed,
    ClockOffset,
    Credentials,
    InFlight,
    NetworkError,
    Refused,
    RetryLater,
    ServerError,
    SyncClient,
    SyncError,
    TooLarge,
    bounded_wait,
)

log = logging.getLogger("sync")

BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0
IN_FLIGHT_RETRY_S = 5.0


Encoded = tuple[str, str]  # (transaction id, its wire JSON object)


@dataclass(frozen=True)
class _Out:
    """A batch on the wire: its future answer and the rows it carries."""

    future: Future[p.PushResponse]
    batch: list[Encoded]


@dataclass(frozen=True)
class CycleReport:
    enrolled: bool = True
    online: bool = False
    pushed: int = 0
    acked: int = 0
    rejected: int = 0
    statuses: int = 0
    announcements: int = 0
    audit_entries: int = 0  # audit entries the city server now holds as well
    audit_diverged: str | None = None  # the server's copy and this kiosk's chain part
    catalog_version: str | None = None  # set when a new catalog arrived this cycle
    heartbeat: bool = False
    error: str | None = None
    needs_enrollment: bool = False
    retry_in: float | None = None  # seconds to wait before the next cycle, after a failure

    def summary(self) -> str:
        if not self.enrolled:
            return "not enrolled: run 'kiosk enroll --server URL --token T'"
        parts = [
            f"pushed {self.pushed}",
            f"acknowledged {self.acked}",
            f"rejected {self.rejected}",
            f"status updates {self.statuses}",
            f"announcements {self.announcements}",
        ]
        if self.audit_entries:
            parts.append(f"audit entries {self.audit_entries}")
        if self.audit_diverged:
            parts.append(f"audit chain diverged: {self.audit_diverged}")
        if self.catalog_version:
            parts.append(f"new catalog {self.catalog_version}")
        if self.heartbeat:
            parts.append("heartbeat sent")
        text = ", ".join(parts)
        if self.error:
            text += f"; error: {self.error}"
        if self.retry_in is not None:
            text += f"; next try in {self.retry_in:.0f} s"
        return text


class Backoff:
    """Exponential backoff with full jitter, capped (AWS architecture blog's "full jitter")."""

    def __init__(
        self,
        rng: random.Random | None = None,
        base: float = BACKOFF_BASE_S,
        cap: float = BACKOFF_CAP_S,
    ) -> None:
        self.rng = rng or random.Random()
        self.base = base
        self.cap = cap
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** min(self.failures, 30))
        return bounded_wait(self.rng.uniform(self.base / 2, ceiling))

    def reset(self) -> None:
        self.failures = 0


ClientFactory = Callable[[str, Credentials, ClockOffset], SyncClient]


def default_client(url: str, credentials: Credentials, offset: ClockOffset) -> SyncClient:
    return SyncClient(url, credentials, offset=offset)


def to_wire(tx: QueuedTransaction) -> p.WireTransaction:
    return {
        "id": tx.id,
        "tracking_code": tx.tracking_code,
        "kiosk_number": tx.kiosk_number,
        "seq": tx.seq,
        "service_code": tx.service_code,
        "catalog_version": tx.catalog_version,
        "answers": tx.answers,
        "lang": tx.lang,
        "created_at": iso(tx.created_at),
        "channel": tx.channel.value,
        "staff_id": tx.staff_id,
        "replaces_id": tx.replaces_id,
    }


def _parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class SyncEngine:
    def __init__(
        self,
        queue: Queue,
        *,
        catalog_dir: Path,
        data_dir: Path,
        batch_size: int = p.DEFAULT_BATCH,
        client_factory: ClientFactory = default_client,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        on_catalog: Callable[[Catalog], None] | None = None,
        printer_state: Callable[[], str] = lambda: "unknown",
    ) -> None:
        self.queue = queue
        self.db = queue.db
        self.outbox = Outbox(self.db, clock=clock)
        self.state = StateStore(self.db, clock=clock)
        self.announcements = AnnouncementStore(self.db, clock=clock)
        self.audit = AuditLog(self.db, clock=clock)
        self.catalog_dir = catalog_dir
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.client_factory = client_factory
        self.clock = clock
        self.backoff = Backoff(rng)
        self.on_catalog = on_catalog
        self.printer_state = printer_state
        self.offset = ClockOffset(
            self.state.clock_offset(), known=False, on_change=self._save_offset
        )
        self._client: SyncClient | None = None
        self._client_key: tuple[str, str] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push")
        self.outbox.recover()

    def _save_offset(self, seconds: float) -> None:
        self.state.set("clock.offset", seconds)

    def _client_for(self, url: str, credentials: Credentials) -> SyncClient:
        key = (url, credentials.kiosk_id)
        if self._client is None or self._client_key != key:
            if self._client is not None:
                self._client.close()
            self._client = self.client_factory(url, credentials, self.offset)
            self._client_key = key
        return self._client

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- one cycle -------------------------------------------------------------------------

    def run_once(self) -> CycleReport:
        enrollment = self.state.enrollment()
        if enrollment is None:
            return CycleReport(enrolled=False)
        client = self._client_for(
            enrollment.server_url, Credentials(enrollment.kiosk_id, enrollment.secret)
        )
        report = CycleReport()
        record = self.state.sync_record()
        now = self.clock()
        try:
            report = self._push_all(client, report)
            report = self._ship_audit(client, report)
            report = self._pull_statuses(client, report)
            report = self._pull_catalog(client, report)
            report = self._pull_announcements(client, report)
            self._heartbeat(client)
            report = replace(report, heartbeat=True, online=True)
        except SyncError as exc:
            report = self._failed(report, exc)
        except Exception as exc:  # a bug, or an answer nobody foresaw: the cycle ends, safely
            log.error("sync cycle failed: %s", describe(exc), exc_info=exc)
            report = replace(
                report,
                error=f"internal error in the sync cycle ({type(exc).__name__}; see the log)",
                retry_in=self.backoff.next(),
            )
        else:
            self.backoff.reset()
        self.state.save_sync_record(
            SyncRecord(
                last_success_at=now if report.error is None else record.last_success_at,
                last_attempt_at=now,
                last_error=report.error,
                online=report.online,
                needs_enrollment=report.needs_enrollment,
            )
        )
        log.info("sync cycle: %s", report.summary())
        return report

    def _failed(self, report: CycleReport, exc: SyncError) -> CycleReport:
        if isinstance(exc, AuthFailed) and exc.needs_enrollment:
            log.error("the city server refused this kiosk (%s): enroll it again", exc.code)
            return replace(
                report, error=str(exc), needs_enrollment=True, online=True, retry_in=BACKOFF_CAP_S
            )
        if isinstance(exc, RetryLater):
            return replace(report, error=str(exc), online=True, retry_in=exc.seconds)
        if isinstance(exc, InFlight):
            return replace(report, error=str(exc), online=True, retry_in=IN_FLIGHT_RETRY_S)
        online = not isinstance(exc, NetworkError)
        return replace(report, error=str(exc), online=online, retry_in=self.backoff.next())

    # -- push ------------------------------------------------------------------------------

    def _push_all(self, client: SyncClient, report: CycleReport) -> CycleReport:
        """Push every due transaction, one batch on the wire while the next is prepared.

        Batch N+1 is claimed (durably in flight) and sent while batch N's answer is recorded,
        so the kiosk's own database work overlaps the server's. At most two batches are out at
        once; each is settled (recorded or released) before the cycle ends, whatever happens.
        """
        out: _Out | None = None
        try:
            while True:
                batch = self.outbox.claim_encoded(self.batch_size)
                previous = out
                out = _Out(self._pool.submit(self._send, client, batch), batch) if batch else None
                if previous is not None:
                    report = self._settle(client, previous, report)
                if out is None:
                    return report
        except BaseException:
            if out is not None:  # the next batch is on the wire: let it land, then settle it
                # (a failure there is released by _settle; the first failure is reported)
                with contextlib.suppress(SyncError):
                    self._settle(client, out, report)
            raise

    def _settle(self, client: SyncClient, out: _Out, report: CycleReport) -> CycleReport:
        """Wait for one batch's answer and store it (or put the batch back on failure)."""
        try:
            response = out.future.result()
        except TooLarge:
            counts = self._push(client, out.batch)  # split, synchronously
        except SyncError as exc:
            self._release(out.batch, exc)
            raise
        except BaseException as exc:
            self._release(out.batch, SyncError(describe(exc)))
            raise
        else:
            counts = self._record(out.batch, response)
        return replace(
            report,
            pushed=report.pushed + len(out.batch),
            acked=report.acked + counts[0],
            rejected=report.rejected + counts[1],
            online=True,
        )

    def _release(self, batch: Sequence[Encoded], exc: SyncError) -> None:
        retry_at: dt.datetime | None = None
        if isinstance(exc, RetryLater):
            retry_at = self.clock() + dt.timedelta(seconds=exc.seconds)
        still_in_flight = [tx_id for tx_id, _ in batch]
        self.outbox.release(still_in_flight, str(exc), retry_at)

    def _push(self, client: SyncClient, batch: Sequence[Encoded]) -> tuple[int, int]:
        """Send one batch and store the answers, splitting it in two on 413."""
        try:
            response = self._send(client, batch)
        except TooLarge:
            if len(batch) == 1:
                outcome = ItemOutcome(
                    batch[0][0],
                    p.REJECTED,
                    reason="too_large",
                    message="the server refuses this transaction as too large",
                )
                return self.outbox.record([outcome])
            half = len(batch) // 2
            log.info("server said 413: splitting a batch of %d", len(batch))
            first = self._push(client, batch[:half])
            second = self._push(client, batch[half:])
            return first[0] + second[0], first[1] + second[1]
        return self._record(batch, response)

    def _record(self, batch: Sequence[Encoded], response: p.PushResponse) -> tuple[int, int]:
        sent = {tx_id for tx_id, _ in batch}
        outcomes = [
            ItemOutcome(
                r["id"], r["status"], r.get("server_ref"), r.get("reason"), r.get("message")
            )
            for r in response.get("results", [])
            if isinstance(r, dict) and r.get("id") in sent
        ]
        counts = self.outbox.record(outcomes)
        answered = {o.id for o in outcomes}
        missing = [tx_id for tx_id, _ in batch if tx_id not in answered]
        if missing:  # the server left some out: they stay safe and go again later
            self.outbox.release(missing, "no answer for this item in the server's response", None)
        return counts

    def _send(self, client: SyncClient, batch: Sequence[Encoded]) -> p.PushResponse:
        key = str(uuid.uuid4())
        items = [wire for _, wire in batch]
        try:
            return client.push_encoded(key, items)
        except AuthFailed as exc:
            if exc.code != p.AUTH_CLOCK_SKEW:
                raise
            # The answer carried the server's time; the offset is corrected: sign again.
            log.warning("clock skew reported by the server; offset now %.0f s", self.offset.seconds)
            return client.push_encoded(key, items)

    # -- the audit chain, witnessed by the city ------------------------------------------------

    def _ship_audit(self, client: SyncClient, report: CycleReport) -> CycleReport:
        """Send the audit entries the server does not hold yet, exactly once like transactions:
        the cursor moves only to what the server says it holds, so a lost answer means the
        same entries again, which the server recognises."""
        cursor = int(self.state.get(AUDIT_CURSOR, 0) or 0)
        shipped = 0
        while True:
            entries = self.audit.wire_entries(cursor, p.MAX_AUDIT_BATCH)
            if not entries:
                break
            try:
                answer = client.audit(cast(list[p.WireAuditEntry], entries))
            except Refused as exc:
                if exc.status == 404:  # a server that keeps no copy of audit chains
                    return report
                raise
            held = int(answer["held_through"])
            if held != cursor:  # behind the cursor too: the server lost its copy, send again
                shipped += max(0, held - cursor)
                cursor = held
                self.state.set(AUDIT_CURSOR, cursor)
            if answer.get("diverged"):
                message = str(answer.get("message") or "the server's copy differs")
                log.error("the city server's copy of the audit chain differs: %s", message)
                return replace(
                    report, audit_entries=report.audit_entries + shipped, audit_diverged=message
                )
            if len(entries) < p.MAX_AUDIT_BATCH:
                break
        return replace(report, audit_entries=report.audit_entries + shipped)

    # -- pull ------------------------------------------------------------------------------

    def _pull_statuses(self, client: SyncClient, report: CycleReport) -> CycleReport:
        cursor = int(self.state.get(STATUS_CURSOR, 0) or 0)
        total = 0
        while True:
            page = client.statuses(cursor)
            changes = [
                StatusChange(
                    u["id"],
                    u["status"],
                    u.get("note", ""),
                    _parse_time(u["changed_at"]),
                    u.get("server_ref"),
                )
                for u in page["updates"]
            ]
            total += self.outbox.apply_statuses(changes)
            if page["cursor"] != cursor:
                cursor = int(page["cursor"])
                self.state.set(STATUS_CURSOR, cursor)
            if not page.get("more"):
                return replace(report, statuses=report.statuses + total)

    def _pull_announcements(self, client: SyncClient, report: CycleReport) -> CycleReport:
        cursor = int(self.state.get(ANNOUNCEMENT_CURSOR, 0) or 0)
        count = 0
        while True:
            page = client.announcements(cursor)
            for item in page["announcements"]:
                if item.get("deleted"):
                    self.announcements.remove(item["id"])
                else:
                    expires = item.get("expires_at")
                    self.announcements.upsert(
                        LocalText(item["title"]["fa"], item["title"]["en"]),
                        LocalText(item["body"]["fa"], item["body"]["en"]),
                        id=item["id"],
                        published_at=_parse_time(item["published_at"]),
                        expires_at=_parse_time(expires) if expires else None,
                    )
                count += 1
            if page["cursor"] != cursor:
                cursor = int(page["cursor"])
                self.state.set(ANNOUNCEMENT_CURSOR, cursor)
            if not page.get("more"):
                return replace(report, announcements=report.announcements + count)

    def _pull_catalog(self, client: SyncClient, report: CycleReport) -> CycleReport:
        etag = self.state.get(CATALOG_ETAG)
        try:
            fetched = client.catalog(etag if isinstance(etag, str) else None)
        except Refused as exc:
            if exc.status == 404:  # the server has no catalog published yet
                return report
            raise
        if fetched is None:
            return report
        raw, new_etag = fetched
        try:
            catalog = catalog_from_bytes(raw, source="catalog from the city server")
        except CatalogError as exc:
            # A malformed catalog is refused and the one in use is kept.
            log.error("refused a catalog from the server: %s", exc)
            self.state.set(CATALOG_ETAG, new_etag)  # do not fetch the same bad file again
            return replace(report, error=f"catalog refused: {exc}")
        save_catalog(self.catalog_dir, raw)
        self.state.set(CATALOG_ETAG, new_etag)
        if self.on_catalog is not None:
            self.on_catalog(catalog)
        log.info("new catalog %s from the city server", catalog.version)
        return replace(report, catalog_version=catalog.version)

    def _heartbeat(self, client: SyncClient) -> None:
        health = snapshot(
            self.queue, self.state, data_dir=self.data_dir, printer_state=self._printer_state()
        )
        beat = cast(p.Heartbeat, {**health.heartbeat_fields(), "audit_head": self._audit_head()})
        client.heartbeat(beat)

    def _audit_head(self) -> p.AuditHead:
        seq, digest = self.audit.head()
        return {"seq": seq, "hash": digest}

    def _printer_state(self) -> str:
        try:
            return self.printer_state()
        except Exception as exc:  # a probe must not cost the city its heartbeat
            log.warning("the printer's state is unknown: %s", describe(exc))
            return printer_error("probe_failed")


def save_catalog(folder: Path, raw: bytes) -> Path:
    """Write the synced catalog atomically (a crash leaves the old file or the new one)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SYNCED_CATALOG
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".catalog-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


__all__ = ["Backoff", "CycleReport", "ServerError", "SyncEngine", "save_catalog", "to_wire"]
