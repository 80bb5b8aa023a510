"""Crashes on either side in the middle of delivery still give exactly one server record each."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from kiosk.core import Core
from kiosk.models import TxState
from kiosk.state import Enrollment
from tests.sync.conftest import REPORT, ROOT, Server, engine_for
from tests.sync.proxy import Faults, FaultyProxy


def via_proxy(core: Core, proxy: FaultyProxy) -> None:
    enrollment = core.state.enrollment()
    assert enrollment is not None
    core.state.save_enrollment(
        Enrollment(
            proxy.url,
            enrollment.kiosk_id,
            enrollment.kiosk_number,
            enrollment.secret,
            enrollment.enrolled_at,
        )
    )


def server_ids(server: Server) -> Counter[str]:
    return server.ids()


@pytest.mark.slow
def test_kiosk_killed_between_send_and_acknowledgement(enrolled: Core, server: Server) -> None:
    ids = [enrolled.queue.submit("street-lights", REPORT).id for _ in range(240)]
    # every exchange is slow on both legs: a kill often lands after the server has committed
    # and before the kiosk has recorded the answer
    proxy = FaultyProxy(server.port, Faults(delay=1.0, delay_s=0.1, answer_delay_s=0.4)).start()
    via_proxy(enrolled, proxy)
    enrolled.close()  # the kiosk process is the child now
    data_dir = enrolled.settings.data_dir
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "QT_"))}
    env["KIOSK_SYNC_BATCH_SIZE"] = "20"
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "sync", "--once"]
    rng = random.Random(2026)
    kills = 0
    try:
        for _ in range(10):  # ten kiosk processes, each killed while it delivers
            child = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                child.wait(timeout=rng.uniform(0.9, 2.5))  # long enough to reach the server
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)  # mid-push: sent, answer not yet recorded
                child.wait()
                kills += 1
        final = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
        )  # then one that may finish
        assert final.returncode == 0, final.stdout + final.stderr
    finally:
        proxy.close()
    assert kills >= 3
    from kiosk.config import load_settings
    from kiosk.core import open_core

    core = open_core(load_settings(data_dir=data_dir, environ={}))
    try:
        assert {tx.id for tx in core.queue.list(TxState.ACKED)} == set(ids)
    finally:
        core.close()
    assert server_ids(server) == Counter(ids)


@pytest.mark.slow
def test_server_restarts_in_the_middle_of_a_batch(
    enrolled: Core, server: Server, tmp_path: Path
) -> None:
    ids = [enrolled.queue.submit("street-lights", REPORT).id for _ in range(300)]
    proxy = FaultyProxy(server.port, Faults(delay=1.0, delay_s=0.3)).start()
    via_proxy(enrolled, proxy)
    engine = engine_for(enrolled, batch_size=100)
    try:
        worker = threading.Thread(target=engine.run_once)
        worker.start()
        time.sleep(0.45)  # the first batch is on its way or being committed
        server.stop(signal.SIGKILL)
        worker.join(timeout=60)
        server.start()
        for _ in range(50):
            engine.run_once()
            counts = enrolled.queue.counts()
            if counts[TxState.PENDING] == counts[TxState.IN_FLIGHT] == 0:
                break
    finally:
        proxy.close()
    assert {tx.id for tx in enrolled.queue.list(TxState.ACKED)} == set(ids)
    assert server_ids(server) == Counter(ids)
