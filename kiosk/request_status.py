"""What a citizen is told about a request they track: its status and a note, in words.

The Track screen shows it and speech says it (``kiosk.speech``): one rule, written once.
"""

from __future__ import annotations

from typing import Final

from kiosk.i18n import N_, translate
from kiosk.models import TxState
from kiosk.queue import QueuedTransaction
from kiosk.receipt import format_date

__all__ = ["CITY_STATUS", "status_words"]

CITY_STATUS: Final = {
    "open": N_("Open: the city is working on it"),
    "in_progress": N_("In progress"),
    "closed": N_("Closed: the city has finished with this request"),
}
RECEIVED: Final = N_("Received by the city")


def status_words(tx: QueuedTransaction, lang: str) -> tuple[str, str]:
    """(status, note) of ``tx`` in ``lang``: where the request is, as of the last sync."""

    def tr(msgid: str, **params: object) -> str:
        return translate(lang, msgid, **params)

    if tx.state in (TxState.PENDING, TxState.IN_FLIGHT):
        return tr(N_("Not yet sent to the city")), tr(
            N_(
                "This kiosk will send it as soon as it is connected. Nothing is lost in the "
                "meantime."
            )
        )
    if tx.state is TxState.REJECTED:
        return tr(N_("There is a problem with this request")), tr(
            N_("Please ask at a municipal service counter; staff can see what went wrong.")
        )
    if tx.state is TxState.VOIDED:
        return tr(N_("Cancelled by staff")), tr(N_("Ask at a municipal service counter."))
    if tx.server_status and tx.server_status_at:
        status = tr(CITY_STATUS.get(tx.server_status, RECEIVED))
        note = tx.server_status_note or ""
        when = tr(N_("Status as of {date}"), date=format_date(tx.server_status_at, lang))
        return status, f"{when}\n{note}".strip()
    received = tx.acked_at or tx.updated_at
    return tr(RECEIVED), tr(
        N_("Received on {date}; no news from the city yet."), date=format_date(received, lang)
    )
