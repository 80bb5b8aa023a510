"""Sadad's PC-POS service (a REST service on the kiosk machine) as a :class:`PaymentTerminal`.

Built on what the public clients of the service show (no HTTP reaches the core: this adapter
is injected into ``kiosk.payments``):

* ``Farinware/Shardo.PcPos.Sadad`` (``Api/PcPosClient.cs``, ``Models/Requests/*``,
  ``Models/Responses/*``, ``SadadPcPosOptions.cs``): base address ``http://localhost:8050``;
  ``POST /api/Sale``, ``/api/BillPayment``, ``/api/Abort``, ``/api/Search``,
  ``/api/TransactionReport``, ``/api/DeviceInfo`` with a JSON body; every request carries
  ``ConnectionType`` (``Lan``/``Serial``), ``DeviceType``, ``DeviceIp``, ``DevicePort``,
  ``SerialPort``, ``TerminalId``, ``MerchantId``, ``OrderId``, ``SaleId``, ``RetryTimeOut`` and
  ``ResponseTimeout`` (strings), ``Sale`` adds ``Amount`` and ``BillPayment`` ``BillId`` and
  ``PayId``; a transaction's answer has ``Amount``, ``ApprovalCode``, ``CardNo``, ``OrderId``,
  ``Rrn``, ``TransactionNo``, ``TransactionDate``, ``TransactionTime``, ``ResponseCode`` and
  ``PcPosStatusCode`` (Newtonsoft's default: the enum as a number); ``Search`` answers
  ``{OrderId, PcPosStatus, PcPosStatusCode, Transactions: [...]}``. The library claims to cover
  every call of the service and has no reversal: :meth:`SadadTerminal.reverse` is
  :class:`Unsupported`.
* ``jvdi/pcpos`` (``pos_sadad.py``): ``RetryTimeOut "5000,5000,5000"`` and
  ``ResponseTimeout "180000,5000,5000"`` (milliseconds; the first is the cardholder's time),
  and success as ``PcPosStatusCode == 4 and ResponseCode == "00"``.
* ``KAJOOSH/Sadad.PcPos`` (``Sample Code/Rest/PayTest.html``, service v5.3): the older
  ``http://localhost:8000/api/`` base, ``DeviceType`` 0 BlueBird / 1 Magic, device port 8888.

What the answers mean is ``kiosk.payments.reasons.sadad_outcome`` (one table). A connection
that was never made is :class:`Offline` (nothing can have been charged); any failure after the
request may have left (a reset, a timeout, an unreadable answer) is :class:`Unknown`.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

import requests
from urllib3.exceptions import NewConnectionError

from kiosk.config import TERMINAL_DEVICE_TYPES
from kiosk.payments.reasons import Outcome, Reason, sadad_outcome
from kiosk.payments.terminal import (
    Approved,
    BillOrder,
    Busy,
    Declined,
    NotFound,
    Offline,
    OrderStatus,
    PayResult,
    Prompt,
    ReversalOrder,
    SaleOrder,
    TerminalHealth,
    Unknown,
    Unsupported,
)

log = logging.getLogger("sync.terminals.sadad")

CONNECT_TIMEOUT_S: Final = 5.0
ANSWER_SLACK_S: Final = 15.0  # past the terminal's own response timeout, for the service
MAX_ANSWER_BYTES: Final = 1_000_000
RETRY_TIMEOUT: Final = "5000,5000,5000"
STATUS_NAMES: Final = {
    "NoResponse": "0",
    "MaxRetryError": "1",
    "AbortedByService": "2",
    "AbortedByDeviceUser": "3",
    "Connected": "4",
    "InternalError": "5",
    "ConcurrentRequestError": "6",
    "Unknown": "999",
}


class BadAnswer(Exception):
    """The service answered something that is not a JSON object of its shape."""


class NotDelivered(Exception):
    """The request never reached the service (the connection was not made)."""


class SadadTerminal:
    """Sadad's local PC-POS service at ``url``."""

    def __init__(
        self,
        url: str,
        *,
        terminal_id: str = "",
        merchant_id: str = "",
        device: str = "",
        device_type: str = "",
        response_timeout_s: float = 180.0,
        status_timeout_s: float = 15.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.terminal_id = terminal_id
        self.merchant_id = merchant_id
        self.device = device
        self.device_type = device_type
        self._response_timeout_s = float(response_timeout_s)
        self.status_timeout_s = float(status_timeout_s)
        # the payment's call blocks for minutes on its own session; status, prompt and abort
        # go on another (a requests.Session is not for two threads at once)
        self._paying = requests.Session()
        self._asking = requests.Session()

    # -- PaymentTerminal ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return f"sadad:{self.terminal_id or self.url}"

    @property
    def response_timeout_s(self) -> float:
        return self._response_timeout_s

    def pay_bill(self, order: BillOrder) -> PayResult:
        body = {**self._base(order.order_id), "BillId": order.bill_id, "PayId": order.payment_id}
        return self._pay("/api/BillPayment", body, order.order_id)

    def sale(self, order: SaleOrder) -> PayResult:
        body = {**self._base(order.order_id), "Amount": str(order.amount_rials)}
        return self._pay("/api/Sale", body, order.order_id)

    def reverse(self, order: ReversalOrder) -> PayResult:
        return Unsupported("Sadad's PC-POS service has no call that reverses a payment")

    def status(self, order_id: str) -> OrderStatus:
        try:
            data = self._post(
                self._asking, "/api/Search", self._base(order_id), self.status_timeout_s
            )
        except NotDelivered as exc:
            return Unknown(Reason.TERMINAL_OFFLINE, str(exc))
        except (requests.RequestException, BadAnswer) as exc:
            return Unknown(Reason.NO_ANSWER, type(exc).__name__)
        code = _status_code(data)
        if code not in (None, "4"):
            _outcome, reason = sadad_outcome(code, None)
            return Unknown(reason or Reason.BAD_ANSWER, f"status {code}")
        items = data.get("Transactions") or []
        if not isinstance(items, list):
            return Unknown(Reason.BAD_ANSWER, "Transactions is not a list")
        mine = [i for i in items if isinstance(i, dict) and str(i.get("OrderId", "")) == order_id]
        if not mine:
            return NotFound()
        answers = [self._answer(item, order_id) for item in mine]
        for answer in answers:  # an approval among them wins: the card was charged
            if isinstance(answer, Approved):
                return answer
        first = answers[0]
        return first if isinstance(first, Declined) else Unknown(Reason.BAD_ANSWER)

    def abort(self) -> bool:
        try:
            self._post(self._asking, "/api/Abort", self._base(None), self.status_timeout_s)
        except (NotDelivered, requests.RequestException, BadAnswer) as exc:
            log.warning("the terminal did not take the abort: %s", type(exc).__name__)
            return False
        return True

    def health(self) -> TerminalHealth:
        try:
            data = self._post(
                self._asking, "/api/DeviceInfo", self._base(None), self.status_timeout_s
            )
        except NotDelivered:
            return TerminalHealth("offline", f"nothing answers at {self.url}")
        except requests.Timeout:
            return TerminalHealth("offline", f"{self.url} did not answer in time")
        except (requests.RequestException, BadAnswer) as exc:
            return TerminalHealth("error", f"{type(exc).__name__} from {self.url}")
        code = _status_code(data)
        if code == "1":
            return TerminalHealth("offline", "the card reader does not answer the service")
        if code == "6":
            return TerminalHealth("busy", "the card reader is handling another request")
        if code not in (None, "4"):
            return TerminalHealth("error", f"status {code}")
        terminal = data.get("TerminalId")
        return TerminalHealth("ok", terminal_id=str(terminal) if terminal else None)

    def prompt(self) -> Prompt | None:
        return None  # Sadad's service does not say what the card reader shows

    # -- the wire ----------------------------------------------------------------------------------

    def _base(self, order_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "RetryTimeOut": RETRY_TIMEOUT,
            "ResponseTimeout": f"{int(self._response_timeout_s * 1000)},5000,5000",
        }
        if order_id is not None:
            body["OrderId"] = body["SaleId"] = order_id
        if self.terminal_id:
            body["TerminalId"] = self.terminal_id
        if self.merchant_id:
            body["MerchantId"] = self.merchant_id
        if self.device_type:
            body["DeviceType"] = TERMINAL_DEVICE_TYPES.index(self.device_type)
        kind, _, rest = self.device.partition(":")
        if kind == "lan":
            host, _, port = rest.rpartition(":")
            body.update(ConnectionType="Lan", DeviceIp=host, DevicePort=port)
        elif kind == "serial":
            body.update(ConnectionType="Serial", SerialPort=rest)
        return body

    def _pay(self, path: str, body: dict[str, Any], order_id: str) -> PayResult:
        try:
            data = self._post(self._paying, path, body, self._response_timeout_s + ANSWER_SLACK_S)
        except NotDelivered as exc:
            return Offline(str(exc))
        except requests.Timeout:
            return Unknown(Reason.NO_ANSWER, "no answer in time")
        except (requests.RequestException, BadAnswer) as exc:
            return Unknown(Reason.NO_ANSWER, type(exc).__name__)
        return self._answer(data, order_id)

    def _answer(self, data: dict[str, Any], order_id: str) -> PayResult:
        """A transaction's answer (of a payment, or an item of ``Search``)."""
        code = _status_code(data) or "4"  # a Search item has no status: it was carried out
        response = data.get("ResponseCode")
        response = str(response) if response is not None else None
        outcome, reason = sadad_outcome(code, response)
        if outcome is Outcome.APPROVED:
            rrn = _text(data.get("Rrn"))
            if not rrn:
                return Unknown(Reason.BAD_ANSWER, "an approval without Rrn")
            answered = _text(data.get("OrderId"))
            return Approved(
                rrn=rrn,
                trace_no=_text(data.get("TransactionNo")),
                masked_card=mask_card(_text(data.get("CardNo"))),
                approval_code=_text(data.get("ApprovalCode")),
                terminal_date=_text(data.get("TransactionDate")),
                terminal_time=_text(data.get("TransactionTime")),
                amount_rials=_amount(data.get("Amount")),
                order_id=answered or None,
            )
        if outcome is Outcome.DECLINED:
            assert reason is not None
            return Declined(reason, response if code == "4" and response else f"status {code}")
        if outcome is Outcome.BUSY:
            return Busy(code)
        if outcome is Outcome.OFFLINE:
            return Offline(f"status {code}")
        return Unknown(reason or Reason.BAD_ANSWER, f"status {code}")

    def _post(
        self, session: requests.Session, path: str, body: dict[str, Any], read_s: float
    ) -> dict[str, Any]:
        try:
            response = session.post(
                self.url + path, json=body, timeout=(CONNECT_TIMEOUT_S, read_s), stream=True
            )
        except requests.ConnectTimeout as exc:
            raise NotDelivered(f"no connection to {self.url}") from exc
        except requests.ConnectionError as exc:
            cause = exc.args[0] if exc.args else None
            if isinstance(getattr(cause, "reason", None), NewConnectionError):
                raise NotDelivered(f"nothing answers at {self.url}") from exc
            raise
        with response:
            raw = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
            if response.status_code != 200:
                raise BadAnswer(f"HTTP {response.status_code}")
        if len(raw) > MAX_ANSWER_BYTES:
            raise BadAnswer("an answer too long")
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise BadAnswer("not JSON") from exc
        if not isinstance(data, dict):
            raise BadAnswer("not a JSON object")
        return data

    def close(self) -> None:
        self._paying.close()
        self._asking.close()


def _status_code(data: dict[str, Any]) -> str | None:
    value = data.get("PcPosStatusCode")
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    return STATUS_NAMES.get(text, text)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()[:32]


def _amount(value: object) -> int | None:
    text = _text(value).replace(",", "")
    return int(text) if text.isascii() and text.isdigit() else None


def mask_card(card: str) -> str:
    """The card number as the kiosk may keep it: the first six and last four digits. A
    service that sent the whole number never has it stored or shown."""
    digits = [c for c in card if c.isdigit()]
    if len(digits) < 12 or len(digits) != len(card.replace("-", "").replace(" ", "")):
        return card  # masked already (603799******1234) or no card number at all
    return "".join(digits[:6]) + "*" * (len(digits) - 10) + "".join(digits[-4:])
