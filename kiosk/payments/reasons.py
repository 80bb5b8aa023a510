"""Why a payment ended as it did, in plain words, and what the citizen should do next.

Two tables, one per kind of fact (and nothing else in the kiosk knows these codes):

* :data:`REASONS`: each :class:`Reason` with its outcome, the words a citizen reads (and hears)
  and what they should do, through the translation layer (``N_``/``Text``);
* :data:`SADAD_CODES`: Sadad's ``PcPosStatusCode`` (how the PC-POS service's exchange with the
  card reader went) and ``ResponseCode`` (what the bank's switch answered) mapped to an
  :class:`Outcome` and a :class:`Reason`. The codes are those of Sadad's REST service as its
  public clients type them (``Farinware/Shardo.PcPos.Sadad``: ``Models/Enums/PcPosStatusCode.cs``
  and ``Utils/ResponseCodeMessages.cs``); the outcome of each is our reading, chosen so that an
  answer that could hide a charge is never taken for "nothing was charged":

  - status 4 (connected) is the one answer whose ``ResponseCode`` says what happened;
  - 1 (the service gave up delivering the request to the card reader) and 6 (the card reader
    is busy with another request) mean the request was not taken: nothing was charged;
  - 2 and 3 (stopped by the service, cancelled by the cardholder) end it with nothing charged;
  - 0 (no answer), 5 (internal error), 999 (unknown) and any code not listed say nothing about
    the money: the outcome is unknown and the terminal is asked for the order's status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kiosk.i18n import N_, Text


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"  # refused: nothing was charged
    BUSY = "busy"  # the terminal refused a concurrent request: nothing was charged
    OFFLINE = "offline"  # the terminal could not be reached: nothing was charged
    UNKNOWN = "unknown"  # no usable answer: ask the terminal for the order's status


class Reason(StrEnum):
    # the bank or the card reader refused
    INSUFFICIENT_FUNDS = "insufficient_funds"
    WRONG_PIN = "wrong_pin"
    EXPIRED_CARD = "expired_card"
    OVER_LIMIT = "over_limit"
    INVALID_CARD = "invalid_card"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_TRANSACTION = "invalid_transaction"
    TRY_AGAIN = "try_again"
    FORMAT_ERROR = "format_error"
    DECLINED = "declined"  # another code of the bank
    CANCELLED_AT_TERMINAL = "cancelled_at_terminal"
    STOPPED_BY_TERMINAL = "stopped_by_terminal"
    # the terminal did not take the request
    TERMINAL_OFFLINE = "terminal_offline"
    TERMINAL_BUSY = "terminal_busy"
    NOT_SENT = "not_sent"  # the kiosk stopped before it asked the terminal
    NOT_FOUND = "not_found"  # the terminal has no record of the order, past its time
    REVERSAL_UNSUPPORTED = "reversal_unsupported"
    # no usable answer
    NO_ANSWER = "no_answer"
    TERMINAL_ERROR = "terminal_error"
    BAD_ANSWER = "bad_answer"
    # for staff and the city to settle
    CANNOT_TELL = "cannot_tell"
    AMOUNT_MISMATCH = "amount_mismatch"
    REVERSAL_FAILED = "reversal_failed"
    # why a payment was reversed
    RECEIPT_FAILED = "receipt_failed"
    CANCELLED_BY_CITIZEN = "cancelled_by_citizen"


@dataclass(frozen=True)
class ReasonText:
    message: str  # what happened, in plain words (a msgid)
    advice: str  # what the citizen should do now (a msgid)

    def message_text(self, **params: object) -> Text:
        return Text(self.message, params)

    def advice_text(self) -> Text:
        return Text(self.advice)


_NOT_CHARGED_RETRY = N_("Nothing was charged. Try again in a minute, or pay at the counter.")
_CHECKING = N_(
    "Keep this slip with its tracking code. If your card was charged, the money goes to the "
    "bill or comes back to your card within 72 hours; staff at the counter can check it."
)

REASONS: Final[Mapping[Reason, ReasonText]] = {
    Reason.INSUFFICIENT_FUNDS: ReasonText(
        N_("There is not enough money in the card's account."),
        N_("Nothing was charged. Use another card, or pay later."),
    ),
    Reason.WRONG_PIN: ReasonText(
        N_("The card's PIN was wrong."),
        N_("Nothing was charged. Try again and type the PIN carefully on the card reader."),
    ),
    Reason.EXPIRED_CARD: ReasonText(
        N_("The card has expired."), N_("Nothing was charged. Use another card.")
    ),
    Reason.OVER_LIMIT: ReasonText(
        N_("The amount is over the card's limit."),
        N_("Nothing was charged. Use another card, or pay another day."),
    ),
    Reason.INVALID_CARD: ReasonText(
        N_("This card cannot be used here."),
        N_("Nothing was charged. Use another card, or ask your bank."),
    ),
    Reason.INVALID_AMOUNT: ReasonText(
        N_("The bank did not accept the amount."),
        N_("Nothing was charged. Pay this bill at the counter."),
    ),
    Reason.INVALID_TRANSACTION: ReasonText(
        N_("The bank did not accept this payment."),
        N_("Nothing was charged. Try again later, or pay at the counter."),
    ),
    Reason.TRY_AGAIN: ReasonText(
        N_("The bank asked for the payment to be tried again."), _NOT_CHARGED_RETRY
    ),
    Reason.FORMAT_ERROR: ReasonText(N_("The bank could not read the payment."), _NOT_CHARGED_RETRY),
    Reason.DECLINED: ReasonText(
        N_("The bank declined the payment (code {code})."),
        N_("Nothing was charged. Use another card, or ask your bank."),
    ),
    Reason.CANCELLED_AT_TERMINAL: ReasonText(
        N_("The payment was cancelled on the card reader."),
        N_("Nothing was charged. Start again if you want to pay."),
    ),
    Reason.STOPPED_BY_TERMINAL: ReasonText(
        N_("The card reader stopped the payment."), _NOT_CHARGED_RETRY
    ),
    Reason.TERMINAL_OFFLINE: ReasonText(
        N_("The card reader is not connected."),
        N_("Nothing was charged. Pay at another kiosk or at the counter."),
    ),
    Reason.TERMINAL_BUSY: ReasonText(
        N_("The card reader is busy with another payment."), _NOT_CHARGED_RETRY
    ),
    Reason.NOT_SENT: ReasonText(
        N_("The payment did not reach the card reader."), _NOT_CHARGED_RETRY
    ),
    Reason.NOT_FOUND: ReasonText(
        N_("The card reader has no record of the payment."), _NOT_CHARGED_RETRY
    ),
    Reason.REVERSAL_UNSUPPORTED: ReasonText(
        N_("This card reader cannot give a payment back."), _CHECKING
    ),
    Reason.NO_ANSWER: ReasonText(N_("The card reader did not answer in time."), _CHECKING),
    Reason.TERMINAL_ERROR: ReasonText(N_("The card reader reported an error."), _CHECKING),
    Reason.BAD_ANSWER: ReasonText(N_("The card reader's answer could not be read."), _CHECKING),
    Reason.CANNOT_TELL: ReasonText(
        N_("We could not find out whether the payment went through."), _CHECKING
    ),
    Reason.AMOUNT_MISMATCH: ReasonText(
        N_("The card reader charged an amount other than the bill's."), _CHECKING
    ),
    Reason.REVERSAL_FAILED: ReasonText(
        N_("The payment could not be given back to the card."), _CHECKING
    ),
    Reason.RECEIPT_FAILED: ReasonText(
        N_("The receipt could not be printed, so the payment was given back to the card."),
        N_("The money comes back to your card. Try again, or pay at the counter."),
    ),
    Reason.CANCELLED_BY_CITIZEN: ReasonText(
        N_("The payment was cancelled and given back to the card."),
        N_("The money comes back to your card."),
    ),
}


def describe(reason: Reason, code: str | None = None) -> tuple[Text, Text]:
    """(what happened, what to do) for ``reason``; ``code`` is the terminal's own code."""
    entry = REASONS[reason]
    return entry.message_text(code=code or "-"), entry.advice_text()


# -- Sadad's codes -------------------------------------------------------------------------------

RESPONSE_CODE: Final = "ResponseCode"
STATUS_CODE: Final = "PcPosStatusCode"
SADAD_CONNECTED: Final = 4  # the exchange with the card reader completed: see ResponseCode

SADAD_CODES: Final[Mapping[tuple[str, str], tuple[Outcome, Reason | None]]] = {
    (STATUS_CODE, "0"): (Outcome.UNKNOWN, Reason.NO_ANSWER),  # NoResponse
    (STATUS_CODE, "1"): (Outcome.OFFLINE, Reason.TERMINAL_OFFLINE),  # MaxRetryError
    (STATUS_CODE, "2"): (Outcome.DECLINED, Reason.STOPPED_BY_TERMINAL),  # AbortedByService
    (STATUS_CODE, "3"): (Outcome.DECLINED, Reason.CANCELLED_AT_TERMINAL),  # AbortedByDeviceUser
    (STATUS_CODE, "5"): (Outcome.UNKNOWN, Reason.TERMINAL_ERROR),  # InternalError
    (STATUS_CODE, "6"): (Outcome.BUSY, Reason.TERMINAL_BUSY),  # ConcurrentRequestError
    (STATUS_CODE, "999"): (Outcome.UNKNOWN, Reason.BAD_ANSWER),  # Unknown
    (RESPONSE_CODE, "00"): (Outcome.APPROVED, None),
    (RESPONSE_CODE, "12"): (Outcome.DECLINED, Reason.INVALID_TRANSACTION),
    (RESPONSE_CODE, "13"): (Outcome.DECLINED, Reason.INVALID_AMOUNT),
    (RESPONSE_CODE, "14"): (Outcome.DECLINED, Reason.INVALID_CARD),
    (RESPONSE_CODE, "19"): (Outcome.DECLINED, Reason.TRY_AGAIN),
    (RESPONSE_CODE, "30"): (Outcome.DECLINED, Reason.FORMAT_ERROR),
    (RESPONSE_CODE, "51"): (Outcome.DECLINED, Reason.INSUFFICIENT_FUNDS),
    (RESPONSE_CODE, "54"): (Outcome.DECLINED, Reason.EXPIRED_CARD),
    (RESPONSE_CODE, "55"): (Outcome.DECLINED, Reason.WRONG_PIN),
    (RESPONSE_CODE, "61"): (Outcome.DECLINED, Reason.OVER_LIMIT),
}
"""(field, code) -> (outcome, reason). Status 4 is absent: it defers to the ResponseCode."""


def sadad_outcome(status_code: str, response_code: str | None) -> tuple[Outcome, Reason | None]:
    """What an answer of Sadad's service means. A ResponseCode counts only with status 4; a
    two-digit ResponseCode not in the table is a refusal of the bank (:attr:`Reason.DECLINED`)
    and anything else unknown."""
    if status_code != str(SADAD_CONNECTED):
        return SADAD_CODES.get((STATUS_CODE, status_code), (Outcome.UNKNOWN, Reason.BAD_ANSWER))
    if response_code is None:
        return Outcome.UNKNOWN, Reason.BAD_ANSWER
    known = SADAD_CODES.get((RESPONSE_CODE, response_code))
    if known is not None:
        return known
    if len(response_code) == 2 and response_code.isascii() and response_code.isdigit():
        return Outcome.DECLINED, Reason.DECLINED
    return Outcome.UNKNOWN, Reason.BAD_ANSWER
