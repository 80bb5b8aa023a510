"""The terminal simulator (``kiosk terminal-sim``) as a terminal: Sadad's adapter, plus the two
things the simulator offers that Sadad's service does not (``/sim/...``): the prompt the card
reader shows, and a reversal (as the providers that have one, e.g. Pardakht Novin's
``Trx_Revers``, give one)."""

from __future__ import annotations

import requests

from kiosk.payments.reasons import Reason
from kiosk.payments.terminal import Offline, PayResult, Prompt, ReversalOrder, Unknown
from sync.terminals.sadad import BadAnswer, NotDelivered, SadadTerminal

PROMPT_TIMEOUT_S = 2.0


class SimulatorTerminal(SadadTerminal):
    @property
    def name(self) -> str:
        return f"simulator:{self.terminal_id or self.url}"

    def prompt(self) -> Prompt | None:
        try:
            data = self._post(self._asking, "/sim/prompt", {}, PROMPT_TIMEOUT_S)
            return Prompt(str(data.get("prompt")))
        except (NotDelivered, requests.RequestException, BadAnswer, ValueError):
            return None

    def reverse(self, order: ReversalOrder) -> PayResult:
        body = {**self._base(order.order_id), "OriginalOrderId": order.original_order_id,
                "Amount": str(order.amount_rials)}  # fmt: skip
        try:
            data = self._post(self._paying, "/sim/reverse", body, self.response_timeout_s + 15.0)
        except NotDelivered as exc:
            return Offline(str(exc))
        except (requests.RequestException, BadAnswer) as exc:
            return Unknown(Reason.NO_ANSWER, type(exc).__name__)
        return self._answer(data, order.order_id)
