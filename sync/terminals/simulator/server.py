"""The simulator's HTTP server: Sadad's REST surface (``/api/...``) and its controls (``/sim/...``).

Like a card reader it handles one transaction at a time: a payment or a status question that
arrives while one is under way is refused as a concurrent request (``PcPosStatusCode`` 6). A
payment goes on when the kiosk that asked for it hangs up or dies, as a card reader would with
a citizen at its keypad; its outcome is in the ledger before the answer leaves.

Controls, for tests (JSON bodies): ``POST /sim/script {"add": [...]}`` or ``{"replace": [...]}``
(behaviour lines), ``POST /sim/offline {"offline": true}``, ``POST /sim/prompt`` (what the card
reader shows), ``POST /sim/reverse`` (a reversal, which Sadad's service does not have),
``GET /sim/state`` (prompt, order under way, what is left of the script, requests per path).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk import identifiers
from kiosk.jalali import JalaliDate
from kiosk.payments.terminal import Prompt
from kiosk.receipt import local_time
from kiosk.timeutil import iso, utcnow
from sync.terminals.simulator.behaviour import APPROVE, Behaviour, ScriptError, parse_behaviour
from sync.terminals.simulator.ledger import Ledger

log = logging.getLogger("sync.terminals.simulator")

MAX_BODY = 100_000
TICK_S = 0.02


class Simulator:
    """The card reader's state, shared by the server's threads."""

    def __init__(self, ledger: Ledger, script: Iterable[Behaviour] = (), *,
                 terminal_id: str = "SIM00001") -> None:  # fmt: skip
        self.ledger = ledger
        self.script: deque[Behaviour] = deque(script)
        self.terminal_id = terminal_id
        self.offline = False
        self.prompt = Prompt.IDLE
        self.under_way: str | None = None  # the order being carried out
        self.aborted = False
        self.declined: dict[str, str] = {}  # order -> ResponseCode (the device's log, in memory)
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.rng = random.Random()

    def next_behaviour(self) -> Behaviour:
        with self.lock:
            return self.script.popleft() if self.script else APPROVE

    def begin(self, order_id: str) -> bool:
        with self.lock:
            if self.under_way is not None:
                return False
            self.under_way, self.aborted = order_id, False
            return True

    def end(self) -> None:
        with self.lock:
            self.under_way, self.prompt = None, Prompt.IDLE

    def references(self) -> dict[str, str]:
        now = local_time(utcnow())
        date = JalaliDate.from_gregorian(now.date())
        return {
            "rrn": f"{self.rng.randrange(10**11, 10**12)}",
            "trace_no": f"{self.rng.randrange(10**5, 10**6)}",
            "approval_code": f"{self.rng.randrange(10**5, 10**6)}",
            "card": f"603799******{self.rng.randrange(10**3, 10**4)}",
            "date": f"{date.year:04d}/{date.month:02d}/{date.day:02d}",
            "time": now.strftime("%H:%M:%S"),
        }


class Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    @property
    def sim(self) -> Simulator:
        return self.server.sim

    # -- plumbing ------------------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY:
            raise ValueError("body too large")
        data = json.loads(self.rfile.read(length) or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data

    def _send(self, status: int, data: Any) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        self.sim.requests[self.path] += 1
        if self.path == "/sim/state":
            self._send(200, self._state())
        elif self.path == "/sim/ledger":
            self._send(200, self.sim.ledger.snapshot())
        elif self.path == "/api/GetInfo":
            self._send(200, {"Description": "terminal simulator", "Version": "1"})
        else:
            self._send(404, {"error": f"no such path {self.path}"})

    def do_POST(self) -> None:
        self.sim.requests[self.path] += 1
        try:
            body = self._body()
        except ValueError as exc:
            self._send(400, {"error": str(exc)})
            return
        routes = {
            "/api/Sale": self._payment,
            "/api/BillPayment": self._payment,
            "/sim/reverse": self._payment,
            "/api/Search": self._search,
            "/api/TransactionReport": self._report,
            "/api/DeviceInfo": self._device_info,
            "/api/Abort": self._abort,
            "/sim/prompt": lambda _b: self._send(200, {"prompt": self.sim.prompt.value}),
            "/sim/script": self._script,
            "/sim/offline": self._offline,
        }
        route = routes.get(self.path)
        if route is None:
            self._send(404, {"error": f"no such path {self.path}"})
            return
        route(body)

    # -- Sadad's surface -----------------------------------------------------------------------

    def _status(self, code: int, name: str, order_id: str = "") -> dict[str, Any]:
        return {"PcPosStatusCode": code, "PcPosStatus": name, "OrderId": order_id}

    def _payment(self, body: dict[str, Any]) -> None:
        sim, order_id = self.sim, str(body.get("OrderId", ""))
        behaviour = sim.next_behaviour()
        log.info("%s order %s: %s", self.path, order_id, behaviour)
        if sim.offline or behaviour.action == "offline":
            self._send(200, self._status(1, "MaxRetryError", order_id))
            return
        if behaviour.action == "busy" or not sim.begin(order_id):
            self._send(200, self._status(6, "ConcurrentRequestError", order_id))
            return
        try:
            answer = self._carry_out(body, order_id, behaviour)
        finally:
            sim.end()
        if behaviour.hold_s:
            time.sleep(behaviour.hold_s)
        if behaviour.action == "lose":
            self.close_connection = True  # the answer is lost: the kiosk reads nothing
            return
        self._send(200, answer)

    def _carry_out(self, body: dict[str, Any], order_id: str, b: Behaviour) -> dict[str, Any]:
        sim = self.sim
        for prompt in (Prompt.INSERT_CARD, Prompt.ENTER_PIN, Prompt.PROCESSING):
            sim.prompt = prompt
            end = time.monotonic() + b.slow_s / 3
            while time.monotonic() < end:
                if sim.aborted:
                    return self._status(2, "AbortedByService", order_id)
                time.sleep(TICK_S)
        if b.action == "timeout":
            return self._status(0, "NoResponse", order_id)
        amount, bill_id, payment_id = self._what(body)
        if amount is None:
            return {**self._status(4, "Connected", order_id), "ResponseCode": "12"}
        if b.action == "decline":
            sim.declined[order_id] = b.code
            return {**self._status(4, "Connected", order_id), "ResponseCode": b.code,
                    "Amount": str(amount)}  # fmt: skip
        refs = sim.references()
        if self.path == "/sim/reverse":
            original = str(body.get("OriginalOrderId", ""))
            entry = sim.ledger.reverse(original, order_id, refs["rrn"])
            if entry is None:
                return {**self._status(4, "Connected", order_id), "ResponseCode": "12"}
            return self._approved(order_id, amount, refs)
        sim.ledger.add(
            {"order_id": order_id, "amount_rials": amount, "bill_id": bill_id,
             "payment_id": payment_id, "state": "approved", "approved_at": iso(utcnow()),
             **refs}
        )  # fmt: skip
        return self._approved(order_id, amount, refs)

    def _approved(self, order_id: str, amount: int, refs: dict[str, str]) -> dict[str, Any]:
        return {
            **self._status(4, "Connected", order_id),
            "ResponseCode": "00",
            "Amount": str(amount),
            "Rrn": refs["rrn"],
            "TransactionNo": refs["trace_no"],
            "ApprovalCode": refs["approval_code"],
            "CardNo": refs["card"],
            "TransactionDate": refs["date"],
            "TransactionTime": refs["time"],
            "TerminalId": self.sim.terminal_id,
            "SaleId": order_id,
        }

    def _what(self, body: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
        """(amount, bill ID, payment ID) the request is for; amount None: not valid."""
        if self.path == "/api/BillPayment":
            try:
                bill = identifiers.bill(str(body.get("BillId", "")), str(body.get("PayId", "")))
            except (identifiers.InvalidIdentifier, TypeError):
                return None, None, None
            return bill.amount_rials, bill.bill_id, bill.payment_id
        text = str(body.get("Amount", ""))
        amount = int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None
        return amount, None, None

    def _items(self, order_id: str) -> list[dict[str, Any]]:
        """What the device's log says of ``order_id``."""
        items: list[dict[str, Any]] = []
        for e in self.sim.ledger.find(order_id):
            items.append(
                {"OrderId": order_id, "ResponseCode": "00", "Amount": str(e["amount_rials"]),
                 "Rrn": e["rrn"], "TransactionNo": e["trace_no"], "CardNo": e["card"],
                 "TransactionDate": e["date"], "TransactionTime": e["time"],
                 "TransactionType": "1"}
            )  # fmt: skip
        reversed_entry = self.sim.ledger.find_reversal(order_id)
        if reversed_entry is not None:
            items.append(
                {"OrderId": order_id, "ResponseCode": "00",
                 "Amount": str(reversed_entry["amount_rials"]),
                 "Rrn": reversed_entry["reversal_rrn"], "TransactionType": "1"}
            )  # fmt: skip
        code = self.sim.declined.get(order_id)
        if code is not None:
            items.append({"OrderId": order_id, "ResponseCode": code, "TransactionType": "0"})
        return items

    def _search(self, body: dict[str, Any]) -> None:
        order_id = str(body.get("OrderId", ""))
        if self.sim.offline:
            self._send(200, self._status(1, "MaxRetryError", order_id))
        elif self.sim.under_way is not None:
            self._send(200, self._status(6, "ConcurrentRequestError", order_id))
        else:
            answer = {
                **self._status(4, "Connected", order_id),
                "Transactions": self._items(order_id),
            }
            self._send(200, answer)

    def _report(self, body: dict[str, Any]) -> None:
        count = body.get("Count", 13)
        count = count if isinstance(count, int) and 0 <= count <= 13 else 13
        entries = self.sim.ledger.snapshot()[-count:] if count else []
        items = [i for e in entries for i in self._items(str(e["order_id"]))[:1]]
        self._send(200, {**self._status(4, "Connected"), "Transactions": items})

    def _device_info(self, _body: dict[str, Any]) -> None:
        if self.sim.offline:
            self._send(200, self._status(1, "MaxRetryError"))
        elif self.sim.under_way is not None:
            self._send(200, self._status(6, "ConcurrentRequestError"))
        else:
            self._send(200, {"TerminalId": self.sim.terminal_id, "MerchantId": "SIMMERCHANT",
                             "DeviceTypeName": "Simulator"})  # fmt: skip

    def _abort(self, _body: dict[str, Any]) -> None:
        with self.sim.lock:
            self.sim.aborted = self.sim.under_way is not None
        self._send(200, self._status(4, "Connected"))

    # -- controls ------------------------------------------------------------------------------

    def _script(self, body: dict[str, Any]) -> None:
        lines = body.get("add", body.get("replace", []))
        try:
            if not isinstance(lines, list):
                raise ScriptError("a list of behaviour lines")
            parsed = [parse_behaviour(str(line)) for line in lines]
        except ScriptError as exc:
            self._send(400, {"error": str(exc)})
            return
        with self.sim.lock:
            if "replace" in body:
                self.sim.script.clear()
            self.sim.script.extend(parsed)
        self._send(200, self._state())

    def _offline(self, body: dict[str, Any]) -> None:
        self.sim.offline = bool(body.get("offline", True))
        self._send(200, self._state())

    def _state(self) -> dict[str, Any]:
        sim = self.sim
        return {
            "prompt": sim.prompt.value,
            "under_way": sim.under_way,
            "offline": sim.offline,
            "script": [str(b) for b in sim.script],
            "requests": dict(sim.requests),
        }


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True  # a payment under way does not keep the process from stopping

    def __init__(self, address: tuple[str, int], sim: Simulator) -> None:
        super().__init__(address, Handler)
        self.sim = sim

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"
