"""Receipt printers: the PDF spool, ESC/POS (against python-escpos's Dummy), none, and settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy
from PySide6.QtWidgets import QApplication

from kiosk.config import ConfigError, PrinterSettings, Settings
from kiosk.core import Core
from kiosk.receipt import Receipt
from tests.ui.test_receipt import make_receipt
from ui.printing import (
    DeviceSpec,
    EscposPrinter,
    NullPrinter,
    PdfSpoolPrinter,
    PrinterError,
    ReceiptPrinter,
    parse_device,
    printer_from_settings,
)

GS_V0 = b"\x1dv0"  # GS v 0: print raster bit image
CUT = re.compile(rb"\x1dV[\x00\x01AB]")  # GS V: full or partial cut
NOON_UTC = dt.datetime(2026, 11, 27, 8, 30, 5, tzinfo=dt.UTC)  # 12:00:05 in Tehran


@pytest.fixture
def fa(core: Core, qapp: QApplication) -> Receipt:
    return make_receipt(core, "fa")


# -- the PDF spool -------------------------------------------------------------------------------


def test_pdf_spool_writes_a_named_pdf_atomically(fa: Receipt, tmp_path: Path) -> None:
    spool = tmp_path / "receipts"
    printer: ReceiptPrinter = PdfSpoolPrinter(spool, clock=lambda: NOON_UTC)
    where = Path(printer.print_receipt(fa))
    assert where == spool / f"{fa.tracking_digits}-20261127-120005.pdf"
    data = where.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 5_000
    assert [p.name for p in spool.iterdir()] == [where.name]  # no temporary file left behind

    again = Path(printer.print_receipt(dataclasses.replace(fa, reprint=True)))
    assert again.name == f"{fa.tracking_digits}-20261127-120005-reprint.pdf"
    assert sorted(p.name for p in spool.iterdir()) == sorted([where.name, again.name])


def test_pdf_spool_failure_is_an_io_error(fa: Receipt, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(PrinterError) as caught:
        PdfSpoolPrinter(blocker / "receipts").print_receipt(fa)
    assert caught.value.reason == "io"


def test_pdf_spool_refuses_a_strange_tracking_code(fa: Receipt, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="tracking code"):
        PdfSpoolPrinter(tmp_path).print_receipt(dataclasses.replace(fa, tracking_digits="../x"))


# -- ESC/POS -------------------------------------------------------------------------------------


def test_escpos_sends_a_raster_image_then_cuts(fa: Receipt) -> None:
    dummy = Dummy()
    printer = EscposPrinter("tcp:10.0.0.5:9100", factory=lambda: dummy)
    assert printer.print_receipt(fa) == "escpos:tcp:10.0.0.5:9100"
    out = dummy.output
    start = out.index(GS_V0)
    width_bytes = int.from_bytes(out[start + 4 : start + 6], "little")
    height = int.from_bytes(out[start + 6 : start + 8], "little")
    assert width_bytes == 576 // 8
    assert 0 < height <= 960  # python-escpos sends tall images in slices
    assert out.count(GS_V0) >= 2  # a receipt is taller than one slice
    last_cut = list(CUT.finditer(out))
    assert last_cut
    assert last_cut[-1].start() > out.rindex(GS_V0)  # the cut comes after the image


def test_escpos_width_follows_an_explicit_setting(fa: Receipt) -> None:
    dummy = Dummy()
    EscposPrinter("file:/dev/usb/lp0", width_px=512, factory=lambda: dummy).print_receipt(fa)
    start = dummy.output.index(GS_V0)
    assert int.from_bytes(dummy.output[start + 4 : start + 6], "little") == 512 // 8


class FailingPrinter(Dummy):  # type: ignore[misc]  # python-escpos is untyped
    """A printer whose device fails the way real ones do."""

    def __init__(self, on_open: BaseException | None = None, on_write: Any = None) -> None:
        super().__init__()
        self.on_open, self.on_write = on_open, on_write
        self.closed = False

    def open(self) -> None:
        if self.on_open is not None:
            raise self.on_open

    def _raw(self, msg: bytes) -> None:
        if self.on_write is not None:
            raise self.on_write
        super()._raw(msg)

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("fake", "reason"),
    [
        (FailingPrinter(on_write=OSError(errno.EIO, "Input/output error")), "io"),
        (FailingPrinter(on_write=BrokenPipeError(errno.EPIPE, "Broken pipe")), "offline"),
        (FailingPrinter(on_open=ConnectionRefusedError(errno.ECONNREFUSED, "refused")), "offline"),
        (FailingPrinter(on_open=TimeoutError("timed out")), "offline"),
        (FailingPrinter(on_open=DeviceNotFoundError("Unable to open USB printer")), "offline"),
        (FailingPrinter(on_open=OSError(errno.ENODEV, "No such device")), "offline"),
    ],
)
def test_escpos_device_errors_become_printer_errors(
    fa: Receipt, fake: FailingPrinter, reason: str
) -> None:
    with pytest.raises(PrinterError) as caught:
        EscposPrinter("usb:0x04b8:0x0202", factory=lambda: fake).print_receipt(fa)
    assert caught.value.reason == reason
    assert "escpos:usb:0x04b8:0x0202" in str(caught.value)
    assert fake.closed  # the device is released whatever happened


def test_escpos_reports_paper_out_before_printing(fa: Receipt) -> None:
    class NoPaper(FailingPrinter):
        def paper_status(self) -> int:
            return 0

    fake = NoPaper()
    with pytest.raises(PrinterError) as caught:
        EscposPrinter("tcp:printer.local", factory=lambda: fake).print_receipt(fa)
    assert caught.value.reason == "paper_out"
    assert GS_V0 not in fake.output


def test_escpos_without_python_escpos_says_what_to_install(
    fa: Receipt, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "escpos", None)
    with pytest.raises(PrinterError) as caught:
        EscposPrinter("tcp:10.0.0.5:9100").print_receipt(fa)
    assert caught.value.reason == "not_configured"
    assert "install the escpos extra" in str(caught.value)


@pytest.mark.skipif(importlib.util.find_spec("usb") is not None, reason="pyusb is installed")
def test_escpos_usb_without_pyusb_is_not_configured(fa: Receipt) -> None:
    with pytest.raises(PrinterError) as caught:
        EscposPrinter("usb:04b8:0202").print_receipt(fa)
    assert caught.value.reason == "not_configured"
    assert "pyusb" in str(caught.value)


def test_escpos_to_a_missing_device_file_is_offline(fa: Receipt, tmp_path: Path) -> None:
    with pytest.raises(PrinterError) as caught:
        EscposPrinter(f"file:{tmp_path}/no/such/lp0").print_receipt(fa)
    assert caught.value.reason == "offline"


def test_escpos_to_a_device_file_writes_the_job(fa: Receipt, tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    assert EscposPrinter(f"file:{device}").print_receipt(fa) == f"escpos:file:{device}"
    job = device.read_bytes()
    assert GS_V0 in job
    assert CUT.search(job)


# -- device strings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("usb:0x04b8:0x0202", DeviceSpec("usb", vendor=0x04B8, product=0x0202)),
        ("USB:04B8:0e15", DeviceSpec("usb", vendor=0x04B8, product=0x0E15)),
        ("tcp:10.0.0.5:9100", DeviceSpec("tcp", target="10.0.0.5", port=9100)),
        ("tcp:printer.city.example", DeviceSpec("tcp", target="printer.city.example")),
        ("tcp:[fd00::5]:9101", DeviceSpec("tcp", target="fd00::5", port=9101)),
        (" serial:/dev/ttyUSB0 ", DeviceSpec("serial", target="/dev/ttyUSB0")),
        ("serial:COM3:19200", DeviceSpec("serial", target="COM3", baudrate=19200)),
        ("file:/dev/usb/lp0", DeviceSpec("file", target="/dev/usb/lp0")),
    ],
)
def test_device_strings(text: str, spec: DeviceSpec) -> None:
    assert parse_device(text) == spec


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "missing the kind"),
        ("usb", "missing the kind"),
        ("tcp:", "missing the kind"),
        ("usb:0x04b8", "vendor and a product"),
        ("usb:0x04b8:0x0202:1", "vendor and a product"),
        ("usb:epson:0x0202", "not a USB id"),
        ("usb:0x104b8:0x0202", "not a USB id"),
        ("tcp:10.0.0.5:printer", "not a TCP port"),
        ("tcp:10.0.0.5:70000", "not a TCP port"),
        ("tcp:10.0.0.5:", "not a TCP port"),
        ("tcp:bad host:9100", "not a host name"),
        ("serial::9600", "missing the serial port"),
        ("serial:/dev/ttyS0:12345", "not a serial speed"),
        ("file:", "missing the kind or the address"),
        ("lpt:1", "unknown kind 'lpt'"),
        ("10.0.0.5:9100", "unknown kind '10.0.0.5'"),
    ],
)
def test_malformed_device_strings(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)) as caught:
        parse_device(text)
    assert "expected 'usb:VENDOR:PRODUCT'" in str(caught.value)  # the message shows every form


# -- none, and the printer the settings ask for --------------------------------------------------


def test_null_printer_is_not_configured(fa: Receipt) -> None:
    with pytest.raises(PrinterError) as caught:
        NullPrinter().print_receipt(fa)
    assert caught.value.reason == "not_configured"


def test_printer_error_reasons_are_closed() -> None:
    assert PrinterError("offline").reason == "offline"
    assert str(PrinterError("io", "disk full")) == "disk full"
    with pytest.raises(ValueError, match="reason"):
        PrinterError("jammed")  # type: ignore[arg-type]


def with_printer(settings: Settings, kind: str, device: str | None = None) -> Settings:
    return dataclasses.replace(settings, printer=PrinterSettings(kind=kind, device=device))


def test_printer_from_settings_for_each_kind(settings: Settings) -> None:
    pdf = printer_from_settings(settings)  # the default
    assert isinstance(pdf, PdfSpoolPrinter)
    assert pdf.spool_dir == settings.spool_dir
    assert isinstance(printer_from_settings(with_printer(settings, "none")), NullPrinter)
    escpos = printer_from_settings(with_printer(settings, "escpos", "tcp:10.0.0.5:9100"))
    assert isinstance(escpos, EscposPrinter)
    assert escpos.spec == DeviceSpec("tcp", target="10.0.0.5", port=9100)
    assert escpos.name == "escpos:tcp:10.0.0.5:9100"


def test_printer_from_settings_rejects_a_bad_or_missing_device(settings: Settings) -> None:
    with pytest.raises(ConfigError, match=r"printer\.device.*required"):
        printer_from_settings(with_printer(settings, "escpos"))
    with pytest.raises(ConfigError, match=r"printer\.device: .*not a TCP port"):
        printer_from_settings(with_printer(settings, "escpos", "tcp:10.0.0.5:none"))


# -- the printer's state, for the heartbeat and kiosk status ------------------------------------


class PaperStatus(FailingPrinter):
    def __init__(self, status: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status = status

    def paper_status(self) -> int:
        if self.status is None:
            raise NotImplementedError("no status channel")
        return self.status


@pytest.mark.parametrize(
    ("fake", "state"),
    [
        (PaperStatus(2), "ok"),
        (PaperStatus(1), "paper_low"),  # where the printer says so
        (PaperStatus(0), "error: paper_out"),
        (PaperStatus(None), "ok"),  # it cannot tell: it opened, so it is there
        (
            PaperStatus(2, on_open=ConnectionRefusedError(errno.ECONNREFUSED, "no")),
            "error: offline",
        ),
        (PaperStatus(2, on_open=DeviceNotFoundError("Unable to open")), "error: offline"),
        (PaperStatus(2, on_open=OSError(errno.EIO, "Input/output error")), "error: io"),
    ],
)
def test_escpos_state_asks_the_printer(fake: PaperStatus, state: str) -> None:
    printer = EscposPrinter("tcp:printer.local", factory=lambda: fake)
    assert printer.state() == state
    assert fake.closed


def test_escpos_state_while_printing_is_how_the_last_print_went(fa: Receipt) -> None:
    fake = PaperStatus(0)
    printer = EscposPrinter("tcp:printer.local", factory=lambda: fake)
    with pytest.raises(PrinterError):
        printer.print_receipt(fa)
    with printer._busy:  # a receipt is printing: the device is not asked meanwhile
        assert printer.state() == "error: paper_out"
    fake.status = 2
    assert printer.state() == "ok"


def test_pdf_state_is_ok_when_its_folder_can_be_written(tmp_path: Path) -> None:
    assert PdfSpoolPrinter(tmp_path / "receipts").state() == "ok"  # made at the first receipt
    (tmp_path / "blocked").write_text("a file where the folder belongs")
    assert PdfSpoolPrinter(tmp_path / "blocked").state() == "error: spool_not_writable"
    assert PdfSpoolPrinter(tmp_path / "blocked" / "receipts").state() == (
        "error: spool_not_writable"
    )
    assert len(PdfSpoolPrinter(tmp_path / ("x" * 200)).state()) < 64  # a state, not a path


def test_no_printer_is_not_configured() -> None:
    assert NullPrinter().state() == "not_configured"
