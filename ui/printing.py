"""Receipt printers behind one small interface: a PDF spool folder, ESC/POS, or none.

``print_receipt`` may be slow (a network printer, a full spool disk): call it on a worker thread
(``ui.worker``). Nothing here touches a widget. Every failure is a :class:`PrinterError` whose
``reason`` the screen and the heartbeat can act on: ``offline``, ``paper_out``, ``io`` or
``not_configured``.

``state()`` is what the printer is like now, for the heartbeat and ``kiosk status`` (words of
``kiosk.health``): ``ok``, ``not_configured``, ``paper_low``, ``error: <reason>``. The PDF
printer is ``ok`` when its folder can be written; an ESC/POS printer is asked (it is opened,
its paper status read where it can tell, and closed), or, while it prints, reported as its last
print went. It may be called from any thread; :func:`printer_state` gives it from settings.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, Protocol

from kiosk.config import ConfigError, Settings
from kiosk.health import PRINTER_NOT_CONFIGURED, PRINTER_OK, PRINTER_PAPER_LOW, printer_error
from kiosk.timeutil import Clock, utcnow

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from kiosk.receipt import Receipt

# Drawing receipts (ui.receipt, segno) and kiosk.receipt (which loads the queue and SQLAlchemy)
# are imported when a receipt is printed: the kiosk chooses its printer at start, before its
# first paint, and prints only later.

log = logging.getLogger("ui.printing")

Reason = Literal["offline", "paper_out", "io", "not_configured"]
REASONS: Final = ("offline", "paper_out", "io", "not_configured")
DEVICE_FORMS: Final = (
    "'usb:VENDOR:PRODUCT' (hex ids, e.g. usb:0x04b8:0x0202), 'tcp:HOST[:PORT]' "
    "(e.g. tcp:10.0.0.5:9100), 'serial:PORT[:BAUD]' (e.g. serial:/dev/ttyUSB0) or 'file:PATH' "
    "(e.g. file:/dev/usb/lp0)"
)
_OFFLINE_ERRNOS: Final = frozenset(
    {errno.ENODEV, errno.ENXIO, errno.ENOENT, errno.EHOSTUNREACH, errno.ENETUNREACH}
    | {errno.EHOSTDOWN, errno.ECONNREFUSED, errno.ETIMEDOUT}
)


class PrinterError(RuntimeError):
    """Printing failed; ``reason`` says why, for machines, the message for people."""

    safe_to_log: ClassVar[bool] = True  # a device and what went wrong, never a receipt's text

    def __init__(self, reason: Reason, message: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown printer failure reason {reason!r}")
        super().__init__(message or reason)
        self.reason: Reason = reason


class ReceiptPrinter(Protocol):
    name: str

    def print_receipt(self, receipt: Receipt) -> str:
        """Print ``receipt``; return where it went. Raises :class:`PrinterError`."""
        ...

    def state(self) -> str:
        """The printer's state now (``kiosk.health``'s words); never raises."""
        ...


class NullPrinter:
    """Printer kind ``none``: the kiosk shows the tracking code and prints nothing."""

    def __init__(self) -> None:
        self.name = "none"

    def print_receipt(self, receipt: Receipt) -> str:
        raise PrinterError("not_configured", "no receipt printer is configured (printer.kind)")

    def state(self) -> str:
        return PRINTER_NOT_CONFIGURED


class PdfSpoolPrinter:
    """Writes ``<tracking digits>-<YYYYmmdd-HHMMSS>[-reprint].pdf`` into a spool folder."""

    def __init__(self, spool_dir: Path, *, clock: Clock = utcnow) -> None:
        self.spool_dir = spool_dir
        self.clock = clock
        self.name = f"pdf:{spool_dir}"

    def path_for(self, receipt: Receipt) -> Path:
        if not re.fullmatch(r"[0-9]{1,32}", receipt.tracking_digits):
            raise ValueError(f"not a tracking code: {receipt.tracking_digits!r}")
        from kiosk.receipt import local_time

        stamp = local_time(self.clock()).strftime("%Y%m%d-%H%M%S")
        suffix = "-reprint" if receipt.reprint else ""
        return self.spool_dir / f"{receipt.tracking_digits}-{stamp}{suffix}.pdf"

    def state(self) -> str:
        """``ok`` when the spool folder (or, before the first receipt, the folder it will be
        made in) is a folder this user can write to."""
        folder = self.spool_dir
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        if folder.is_dir() and os.access(folder, os.W_OK | os.X_OK):
            return PRINTER_OK
        return printer_error("spool_not_writable")

    def print_receipt(self, receipt: Receipt) -> str:
        target = self.path_for(receipt)
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self.spool_dir, prefix=".", suffix=".pdf.tmp")
            os.close(fd)
        except OSError as exc:
            raise PrinterError("io", f"cannot write to the spool folder: {exc}") from exc
        tmp = Path(tmp_name)
        try:
            from ui.receipt import render_receipt_pdf

            render_receipt_pdf(receipt, tmp)
            if tmp.stat().st_size == 0:
                raise OSError(errno.EIO, "the PDF came out empty")
            with tmp.open("rb") as f:  # on disk before it gets its final name
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise PrinterError("io", f"cannot write the receipt PDF: {exc}") from exc
        _sync_dir(self.spool_dir)
        log.info("receipt %s spooled to %s", receipt.tracking_digits, target.name)
        return str(target)


def _sync_dir(path: Path) -> None:
    """Make the rename durable (POSIX); best effort, the file itself is already on disk."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


@dataclass(frozen=True)
class DeviceSpec:
    """A parsed ``printer.device`` string."""

    kind: Literal["usb", "tcp", "serial", "file"]
    target: str = ""  # host, serial port or file path
    port: int = 9100
    vendor: int = 0
    product: int = 0
    baudrate: int = 9600


def parse_device(text: str) -> DeviceSpec:
    """Parse an ESC/POS device string, or raise ``ValueError`` saying what is expected."""
    kind, colon, rest = text.strip().partition(":")
    kind = kind.lower()

    def bad(why: str) -> ValueError:
        return ValueError(f"printer device {text!r}: {why}; expected {DEVICE_FORMS}")

    if not colon or not rest:
        raise bad("missing the kind or the address")
    if kind == "usb":
        ids = rest.split(":")
        if len(ids) != 2:
            raise bad("a USB printer needs a vendor and a product id")
        vendor, product = (_hex_id(i, bad) for i in ids)
        return DeviceSpec("usb", vendor=vendor, product=product)
    if kind == "tcp":
        host, port = rest, "9100"
        if rest.startswith("["):  # [IPv6]:port
            host, _, after = rest[1:].partition("]")
            port = after.removeprefix(":") or port
        elif rest.count(":") == 1:
            host, port = rest.split(":")
        if not host or not re.fullmatch(r"[A-Za-z0-9.\-:]+", host):
            raise bad(f"{host!r} is not a host name or IP address")
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise bad(f"{port!r} is not a TCP port (1-65535)")
        return DeviceSpec("tcp", target=host, port=int(port))
    if kind == "serial":
        port, _, baud = rest.rpartition(":") if re.search(r":\d+$", rest) else (rest, "", "")
        if not port:
            raise bad("missing the serial port")
        if baud and int(baud) not in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200):
            raise bad(f"{baud} is not a serial speed")
        return DeviceSpec("serial", target=port, baudrate=int(baud or 9600))
    if kind == "file":
        return DeviceSpec("file", target=rest)
    raise bad(f"unknown kind {kind!r}")


def _hex_id(text: str, bad: Callable[[str], ValueError]) -> int:
    digits = text.lower().removeprefix("0x")
    if not re.fullmatch(r"[0-9a-f]{1,4}", digits):
        raise bad(f"{text!r} is not a USB id (up to 4 hex digits, e.g. 0x04b8)")
    return int(digits, 16)


EscposFactory = Callable[[], Any]  # returns an escpos.escpos.Escpos (python-escpos is untyped)


class EscposPrinter:
    """A thermal printer spoken to with python-escpos; receipts go as raster images (GS v 0)."""

    def __init__(
        self,
        device: str,
        *,
        profile: str | None = None,
        width_px: int | None = None,
        timeout: float = 10.0,
        check_paper: bool = True,
        factory: EscposFactory | None = None,
    ) -> None:
        self.spec = parse_device(device)
        self.name = f"escpos:{device.strip()}"
        self.profile = profile
        self.width_px = width_px
        self.timeout = timeout
        self.check_paper = check_paper
        self._factory = factory or self._connect
        self._busy = threading.Lock()  # one conversation with the device at a time
        self._last = PRINTER_OK  # how the last print or probe went

    def state(self) -> str:
        """Ask the printer (open it, read its paper status where it can tell, close it); while
        a receipt prints, how the last print or probe went."""
        if not self._busy.acquire(blocking=False):
            return self._last
        printer: Any = None
        try:
            printer = self._factory()
            printer.open()
            self._last = _paper_state(printer) if self.check_paper else PRINTER_OK
        except PrinterError as exc:
            self._last = _state_of(exc)
        except Exception as exc:
            self._last = _state_of(_failure(self.name, exc))
        finally:
            if printer is not None:
                with contextlib.suppress(Exception):
                    printer.close()
            self._busy.release()
        return self._last

    def _connect(self) -> Any:
        try:
            from escpos import printer as escpos_printer
        except ImportError as exc:
            raise PrinterError(
                "not_configured",
                "python-escpos is not installed: install the escpos extra "
                "(pip install 'municipal-kiosk[escpos]')",
            ) from exc
        s, profile = self.spec, {"profile": self.profile}
        needs = {
            "usb": (escpos_printer.Usb, "pyusb"),
            "serial": (escpos_printer.Serial, "pyserial"),
        }
        if s.kind in needs and not needs[s.kind][0].is_usable():
            raise PrinterError(
                "not_configured",
                f"{s.kind} printers need {needs[s.kind][1]}: install the escpos extra with it "
                f"(pip install 'python-escpos[{s.kind}]')",
            )
        if s.kind == "usb":
            return escpos_printer.Usb(
                s.vendor, s.product, timeout=int(self.timeout * 1000), **profile
            )
        if s.kind == "tcp":
            return escpos_printer.Network(s.target, s.port, timeout=self.timeout, **profile)
        if s.kind == "serial":
            return escpos_printer.Serial(
                s.target, baudrate=s.baudrate, timeout=self.timeout, **profile
            )
        return escpos_printer.File(s.target, **profile)

    def _width(self, printer: Any) -> int:
        from ui.receipt import ROLL_WIDTH_PX

        if self.width_px:
            return self.width_px
        try:
            pixels = printer.profile.profile_data["media"]["width"]["pixels"]
        except (AttributeError, KeyError, TypeError):
            return ROLL_WIDTH_PX
        return pixels if isinstance(pixels, int) and pixels >= 200 else ROLL_WIDTH_PX

    def print_receipt(self, receipt: Receipt) -> str:
        with self._busy:
            try:
                where = self._print(receipt)
            except PrinterError as exc:
                self._last = _state_of(exc)
                raise
            self._last = PRINTER_OK
            return where

    def _print(self, receipt: Receipt) -> str:
        printer: Any = None
        try:
            from ui.receipt import render_receipt_image

            printer = self._factory()
            raster = _to_pil(render_receipt_image(receipt, self._width(printer)))
            printer.open()
            if self.check_paper and _paper_out(printer):
                raise PrinterError("paper_out", f"{self.name}: the printer is out of paper")
            printer.image(raster, impl="bitImageRaster")
            printer.cut()
        except PrinterError:
            raise
        except Exception as exc:
            raise _failure(self.name, exc) from exc
        finally:
            if printer is not None:
                with contextlib.suppress(Exception):  # the job's own error matters, not this
                    printer.close()
        log.info("receipt %s printed on %s", receipt.tracking_digits, self.name)
        return self.name


def _to_pil(image: QImage) -> Any:
    """A QImage (Grayscale8) as a PIL image, for python-escpos."""
    from PIL import Image  # python-escpos depends on Pillow
    from PySide6.QtGui import QImage

    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(gray.constBits())[: gray.sizeInBytes()]
    size = (gray.width(), gray.height())
    return Image.frombytes("L", size, data, "raw", "L", gray.bytesPerLine())


def _state_of(exc: PrinterError) -> str:
    return PRINTER_NOT_CONFIGURED if exc.reason == "not_configured" else printer_error(exc.reason)


def _paper_state(printer: Any) -> str:
    """From ESC/POS paper status: 2 adequate, 1 near the end, 0 none. A printer that cannot
    tell (no status channel, a file device) is ``ok``: it opened."""
    try:
        status = printer.paper_status()
    except Exception as exc:
        log.debug("paper status unavailable: %s", type(exc).__name__)
        return PRINTER_OK
    if status == 0:
        return printer_error("paper_out")
    return PRINTER_PAPER_LOW if status == 1 else PRINTER_OK


def _paper_out(printer: Any) -> bool:
    """True only if the printer says so; a printer that cannot tell us is given the benefit."""
    try:
        return bool(printer.paper_status() == 0)
    except Exception as exc:  # no status channel (NotImplementedError, a read timeout)
        log.debug("paper status unavailable: %s", type(exc).__name__)
        return False


def _failure(name: str, exc: Exception) -> PrinterError:
    kind = type(exc).__name__
    if kind in ("DeviceNotFoundError", "USBNotFoundError"):
        return PrinterError("offline", f"{name}: printer not found or switched off ({exc})")
    if isinstance(exc, ConnectionError | TimeoutError) or (
        isinstance(exc, OSError) and exc.errno in _OFFLINE_ERRNOS
    ):
        return PrinterError("offline", f"{name}: printer not reachable ({exc})")
    if isinstance(exc, RuntimeError) and "requires" in str(exc):  # pyusb/pyserial missing
        return PrinterError("not_configured", f"{name}: {exc}")
    return PrinterError("io", f"{name}: printing failed ({kind}: {exc})")


def printer_from_settings(settings: Settings) -> ReceiptPrinter:
    """The printer the settings ask for; raises ``ConfigError`` for a bad ``printer.device``."""
    kind = settings.printer.kind
    if kind == "none":
        return NullPrinter()
    if kind == "pdf":
        return PdfSpoolPrinter(settings.spool_dir)
    device = settings.printer.device
    if not device:
        raise ConfigError(
            "printer.device (KIOSK_PRINTER_DEVICE) is required when printer.kind is 'escpos'; "
            f"expected {DEVICE_FORMS}"
        )
    try:
        return EscposPrinter(device)
    except ValueError as exc:
        raise ConfigError(f"printer.device: {exc}") from exc


def printer_state(settings: Settings) -> str:
    """The state of the printer the settings name (``error: bad_setting`` when they are
    wrong), for ``kiosk status`` and ``kiosk sync --once``."""
    try:
        printer = printer_from_settings(settings)
    except ConfigError:
        return printer_error("bad_setting")
    return printer.state()
