"""Counter work that runs on the background runner: printing, reprinting, the printer's words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from kiosk.i18n import N_, translate

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

PRINTED = N_("Printed: give the receipt to the citizen.")
PRINTER_PROBLEMS: Final = {
    "offline": N_("The printer cannot be reached. Check that it is on and connected."),
    "paper_out": N_("The printer is out of paper. Put in a new roll and print again."),
    "not_configured": N_("This counter has no receipt printer (printer.kind in the settings)."),
    "io": N_("The receipt could not be printed. Try again, or see the log."),
}


def print_receipt(desk: StaffDesk, member: StaffMember, tx: QueuedTransaction) -> str:
    """Print ``tx``'s receipt the first time, in the language it was filed in (the citizen's);
    audited by the core. Returns where it went."""
    from kiosk import counter

    station = desk.settings.station
    receipt = counter.print_receipt(
        desk.queue,
        tx.id,
        member,
        desk.audit,
        lang=tx.lang,
        city=station.city_in(tx.lang),
        kiosk_name=station.name_in(tx.lang),
    )
    return desk.ctx.printer.print_receipt(receipt)


def reprint_receipt(desk: StaffDesk, member: StaffMember, tx: QueuedTransaction) -> str:
    """Reprint ``tx``'s receipt in the language it was filed in (audited by the core)."""
    from kiosk import counter

    station = desk.settings.station
    receipt = counter.reprint(
        desk.queue,
        tx.id,
        member,
        desk.audit,
        lang=tx.lang,
        city=station.city_in(tx.lang),
        kiosk_name=station.name_in(tx.lang),
    )
    return desk.ctx.printer.print_receipt(receipt)


def printer_problem(lang: str, exc: BaseException) -> str:
    """Words for a failed print (a ``PrinterError``'s reason, else the generic ones)."""
    reason = getattr(exc, "reason", "io")
    return translate(lang, PRINTER_PROBLEMS.get(str(reason), PRINTER_PROBLEMS["io"]))
