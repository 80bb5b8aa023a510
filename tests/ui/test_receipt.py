"""The receipt drawn by QPainter: a 1-bit raster for thermal printers and a vector PDF."""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path

import pytest
import segno
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from kiosk.core import Core
from kiosk.receipt import Receipt, build_receipt
from ui.receipt import (
    QR_BORDER,
    ROLL_WIDTH_PX,
    layout_receipt,
    render_receipt_image,
    render_receipt_pdf,
)

ANSWERS = {
    "district": "6",
    "address": "خیابان ولیعصر، نرسیده به پارک ساعی",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": "yes",
}


def make_receipt(core: Core, lang: str, *, reprint: bool = False) -> Receipt:
    """A real receipt: a street-lights report submitted through the queue."""
    tx = core.queue.submit("street-lights", ANSWERS, lang=lang)
    city, kiosk = ("تهران", "کیوسک خدمات شهری") if lang == "fa" else ("Tehran", "City kiosk")
    return build_receipt(tx, core.catalog, lang=lang, city=city, kiosk_name=kiosk, reprint=reprint)


@pytest.fixture
def fa(core: Core, qapp: QApplication) -> Receipt:
    return make_receipt(core, "fa")


@pytest.fixture
def en(core: Core, qapp: QApplication) -> Receipt:
    return make_receipt(core, "en")


def dark(image: QImage, x: int, y: int) -> bool:
    return image.pixelColor(x, y).lightness() < 128


def ink_columns(image: QImage, rect: QRectF) -> list[int]:
    """The columns that hold at least one black pixel inside ``rect``'s rows."""
    top, bottom = int(rect.top()), min(image.height(), int(rect.bottom()) + 1)
    return [x for x in range(image.width()) if any(dark(image, x, y) for y in range(top, bottom))]


def test_image_is_roll_wide_black_on_white_and_pure_black_and_white(fa: Receipt) -> None:
    image = render_receipt_image(fa)
    assert image.width() == ROLL_WIDTH_PX == 576
    assert image.height() > 600
    assert image.format() is QImage.Format.Format_Grayscale8
    pixels = [
        image.pixelColor(x, y).value() for y in range(0, image.height(), 2) for x in range(576)
    ]
    assert set(pixels) == {0, 255}  # nothing for a thermal head to dither
    assert 0.03 < pixels.count(0) / len(pixels) < 0.4  # black on white, not blank, not inverted


def test_title_sits_on_the_leading_side(fa: Receipt, en: Receipt) -> None:
    for receipt, on_right in ((fa, True), (en, False)):
        layout = layout_receipt(receipt)
        image = render_receipt_image(receipt)
        cols = ink_columns(image, layout.title_rect)
        assert cols, f"no title ink in {receipt.lang}"
        middle = (cols[0] + cols[-1]) / 2
        assert (middle > 576 * 0.6) if on_right else (middle < 576 * 0.4), (receipt.lang, cols)
        # the other side of the title line is blank
        assert (cols[0] > 288) if on_right else (cols[-1] < 288)


def test_rtl_and_ltr_receipts_differ(fa: Receipt, en: Receipt) -> None:
    assert render_receipt_image(fa) != render_receipt_image(en)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_qr_matches_segno_module_for_module(core: Core, qapp: QApplication, lang: str) -> None:
    receipt = make_receipt(core, lang)
    layout = layout_receipt(receipt)
    image = render_receipt_image(receipt)
    matrix = [
        list(row)
        for row in segno.make_qr(receipt.qr_payload, error="m").matrix_iter(
            scale=1, border=QR_BORDER
        )
    ]
    assert layout.qr_modules == len(matrix)
    size = layout.qr_rect.width() / layout.qr_modules
    assert size >= 6  # at 203 dpi: about 0.75 mm a module, easy for a phone
    assert size == int(size)  # whole dots: crisp edges
    for r, row in enumerate(matrix):
        for c, module in enumerate(row):
            x = int(layout.qr_rect.left() + (c + 0.5) * size)
            y = int(layout.qr_rect.top() + (r + 0.5) * size)
            assert dark(image, x, y) == bool(module), (r, c)
    assert receipt.qr_payload == receipt.tracking_digits
    assert re.fullmatch(r"[0-9]{11,}", receipt.qr_payload)


def test_reprint_is_marked_in_a_black_band(core: Core, qapp: QApplication) -> None:
    original = make_receipt(core, "fa")
    copy = dataclasses.replace(original, reprint=True)
    assert layout_receipt(original).reprint_rect is None
    band = layout_receipt(copy).reprint_rect
    assert band is not None
    image = render_receipt_image(copy)
    assert image.height() > render_receipt_image(original).height()
    y = int(band.top()) + 3
    assert all(dark(image, x, y) for x in range(int(band.left()) + 1, int(band.right()) - 1))
    assert any(not dark(image, x, int(band.center().y())) for x in range(576))  # white words


def test_nothing_is_clipped_and_long_text_wraps(en: Receipt) -> None:
    long = dataclasses.replace(
        en,
        next_steps=" ".join(["Long words wrap to the width of the roll."] * 30),
        service="S" * 200,  # no break opportunity: wraps anywhere
    )
    short_height = render_receipt_image(en).height()
    image = render_receipt_image(long)
    assert image.width() == 576
    assert image.height() > short_height + 300
    for y in range(image.height()):  # the outermost columns stay blank: no text ran off
        assert not dark(image, 0, y)
        assert not dark(image, 575, y)


def test_a_narrower_roll_scales_the_layout(fa: Receipt) -> None:
    image = render_receipt_image(fa, 384)  # 58 mm roll
    assert image.width() == 384
    with pytest.raises(ValueError, match="200 dots"):
        render_receipt_image(fa, 100)


def test_rendering_on_a_worker_thread(fa: Receipt, en: Receipt) -> None:
    results: dict[str, QImage] = {}
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results["fa"] = render_receipt_image(fa)
            results["en"] = render_receipt_image(en)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert not errors
    assert results["fa"] == render_receipt_image(fa)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_pdf_is_80mm_wide_with_embedded_vector_text(
    core: Core, qapp: QApplication, tmp_path: Path, lang: str
) -> None:
    receipt = make_receipt(core, lang, reprint=True)
    path = render_receipt_pdf(receipt, tmp_path / "r.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(data) < 400_000
    assert b"/FontFile2" in data  # the font is embedded: text, not pixels
    assert re.search(rb"/BaseFont /(?:[A-Z]{6}\+)?Vazirmatn", data)
    assert b"/ToUnicode" in data  # so the text can be searched and copied
    assert b"/Subtype /Image" not in data  # nothing is a bitmap, the QR included
    box = re.search(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", data)
    assert box is not None
    width_pt, height_pt = float(box[1]), float(box[2])
    assert abs(width_pt - 80 / 25.4 * 72) < 1.5
    layout = layout_receipt(receipt)
    assert height_pt == pytest.approx((layout.height / 576 * 72 + 8) / 25.4 * 72, abs=2)


def test_pdf_to_an_unwritable_place_raises(fa: Receipt, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="cannot write the PDF"):
        render_receipt_pdf(fa, tmp_path / "missing" / "r.pdf")


def test_every_number_on_a_persian_receipt_is_isolated(core: Core, qapp: QApplication) -> None:
    """Dates, the time, the kiosk number, the code and the catalog's texts: each number in its
    own isolate, so no group or number swaps places in the right-to-left lines."""
    from kiosk.text import bare_numbers
    from ui.receipt import _Text

    tx = core.queue.submit("street-lights", ANSWERS, lang="fa")
    receipt = build_receipt(
        tx, core.catalog, lang="fa", city="تهران", kiosk_name="کیوسک ۳ میدان تجریش", reprint=True
    )
    lines = [
        item.layout.text() for item in layout_receipt(receipt).items if isinstance(item, _Text)
    ]
    assert len(lines) > 8
    assert any("۳" in line for line in lines)  # the kiosk's name, with its number
    assert [(line, bare_numbers(line)) for line in lines if bare_numbers(line)] == []
