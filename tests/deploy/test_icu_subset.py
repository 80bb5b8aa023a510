"""packaging/icu_subset.py: which ICU data the build keeps, and a package that ICU can read."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import ROOT


def _load_build_helper() -> object:
    """packaging/icu_subset.py: a build helper, not part of an installed package."""
    spec = importlib.util.spec_from_file_location(
        "icu_subset", ROOT / "packaging" / "icu_subset.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["icu_subset"] = module
    spec.loader.exec_module(module)
    return module


icu_subset: Any = _load_build_helper()

KEPT = (
    "icudt73l/root.res",
    "icudt73l/fa.res",
    "icudt73l/fa_IR.res",
    "icudt73l/en_GB.res",
    "icudt73l/pool.res",
    "icudt73l/res_index.res",
    "icudt73l/supplementalData.res",
    "icudt73l/zoneinfo64.res",
    "icudt73l/uprops.icu",
    "icudt73l/cnvalias.icu",
    "icudt73l/coll/ucadata.icu",
    "icudt73l/coll/fa.res",
    "icudt73l/brkitr/line.brk",
    "icudt73l/zone/fa.res",
)
DROPPED = (
    "icudt73l/de.res",
    "icudt73l/zh_Hant_TW.res",
    "icudt73l/coll/de_.res",
    "icudt73l/coll/de__PHONEBOOK.res",
    "icudt73l/ibm-1256_P110-1997.cnv",
    "icudt73l/translit/root.res",
    "icudt73l/brkitr/thaidict.dict",
    "icudt73l/curr/ar.res",
)


@pytest.mark.parametrize("name", KEPT)
def test_kept(name: str) -> None:
    assert icu_subset.keep_item(name)


@pytest.mark.parametrize("name", DROPPED)
def test_dropped(name: str) -> None:
    assert not icu_subset.keep_item(name)


def header() -> bytes:
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", b"\1\0\0\0", b"\3\0\0\0")
    raw = struct.pack("<HBB", 32, 0xDA, 0x27) + info
    return raw + b"\0" * (32 - len(raw))


def test_round_trip_keeps_items_sorted_and_aligned() -> None:
    items = [("icudt73l/b.res", b"B" * 5), ("icudt73l/a.res", b"A" * 17), ("icudt73l/c", b"")]
    blob = icu_subset.write_package(icu_subset.Package(header(), items))

    package = icu_subset.read_package(blob)
    assert [name for name, _ in package.items] == sorted(name for name, _ in items)
    for (name, data), original in zip(package.items, sorted(items), strict=True):
        assert name == original[0]
        assert data.rstrip(b"\0") == original[1]
    (count,) = struct.unpack_from("<I", blob, 32)
    offsets = [struct.unpack_from("<II", blob, 36 + 8 * i)[1] for i in range(count)]
    assert all((32 + offset) % 16 == 0 for offset in offsets)


def test_refuses_what_is_not_icu_data() -> None:
    with pytest.raises(icu_subset.IcuSubsetError):
        icu_subset.read_package(b"\x20\x00\x00\x00" + b"\0" * 60)


def _wheel_icu() -> Path:
    import PySide6

    libraries = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not libraries or shutil.which("readelf") is None:
        pytest.skip("no ICU data library in this PySide6, or no readelf")
    return libraries[0]


def test_subset_of_the_wheels_icu(tmp_path: Path) -> None:
    library = _wheel_icu()
    if shutil.which("cc") is None:
        pytest.skip("no C compiler")
    symbol, blob = icu_subset.read_symbol(library)
    full = icu_subset.read_package(blob)

    subset_library = icu_subset.subset_library(library, tmp_path)

    assert subset_library.name == library.name
    assert subset_library.stat().st_size < library.stat().st_size / 4
    subset_symbol, subset_blob = icu_subset.read_symbol(subset_library)
    assert subset_symbol == symbol
    subset = icu_subset.read_package(subset_blob)
    names = [name for name, _ in subset.items]
    assert names == [name for name, _ in full.items if icu_subset.keep_item(name)]
    assert any(name.endswith("/coll/fa.res") for name in names)
