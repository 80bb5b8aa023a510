"""A smaller ICU data library for the packaged kiosk: Persian and English only.

Qt's ``libQt6Core`` links ICU, and ICU's data library (``libicudata.so.NN``, 32 MB in the
PySide6 6.11 wheel) is the largest file of the build: it holds locale data for some 800 locales,
200 legacy character set converters, transliterators and CJK/Thai word-break dictionaries. Qt uses
ICU for locale-aware casing, collation and (rarely) legacy text codecs; the kiosk speaks Persian
and English, decodes no legacy text, and never transliterates.

:func:`subset_library` reads the data package out of the wheel's library (the exported symbol
``icudtNN_dat``, in ICU's "common data" format: a header, a sorted table of contents of
``icudtNNl/<tree>/<item>`` names with offsets, and the items) and writes a library with the same
name and the same symbol whose package keeps:

* every item that is not per-locale (Unicode properties, normalization, the collation root
  ``coll/ucadata.icu``, time zones, plural rules, break rules ...),
* per-locale items (``fa.res``, ``coll/en.res``, ``zone/fa_IR.res`` ...) of the locales in
  :data:`LOCALES` and their parents, in every tree (main, collation, zones, currencies ...),

and leaves out the ``.cnv`` converters (the built-in UTF-8/16/32, ASCII and Latin-1 stay), the
transliterators, and the word-break dictionaries of languages without spaces. A locale that is
not kept falls back to the root locale, as ICU does for any locale it does not know.

A C compiler (``cc``) assembles the library (``.incbin``); without one, the caller keeps the
original library. Run it by hand to see what it keeps::

    python packaging/icu_subset.py PATH/libicudata.so.73 OUT_DIR
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# The kiosk's languages, with the locales Qt asks ICU for (QLocale: fa_IR, en_GB) and the
# parents ICU walks through (en_GB -> en_001 -> en -> root). en_US and en_US_POSIX: what a C or
# POSIX process locale maps to.
LOCALES = frozenset(
    {"root", "fa", "fa_IR", "en", "en_001", "en_150", "en_GB", "en_US", "en_US_POSIX"}
)
DROPPED_TREES = frozenset({"translit"})
DROPPED_SUFFIXES = (".cnv", ".dict")
_LOCALE_ITEM = re.compile(r"(?:root|[a-z]{2,3}(?:_[A-Za-z0-9]*)*)\.res")
_ALIGN = 16


class IcuSubsetError(RuntimeError):
    pass


@dataclass(frozen=True)
class Package:
    header: bytes  # ICU's DataHeader, kept as is
    items: list[tuple[str, bytes]]  # (name, data), sorted by name

    @property
    def size(self) -> int:
        return len(self.header) + sum(len(data) for _, data in self.items)


def keep_item(name: str) -> bool:
    """Whether the item ``icudtNNl/[tree/]file`` belongs in the kiosk's ICU data."""
    parts = name.split("/")[1:]
    file, trees = parts[-1], parts[:-1]
    if trees and trees[0] in DROPPED_TREES:
        return False
    if file.endswith(DROPPED_SUFFIXES):
        return False
    if _LOCALE_ITEM.fullmatch(file) and file not in ("pool.res", "res_index.res"):
        return file.removesuffix(".res") in LOCALES
    return True


def read_package(blob: bytes) -> Package:
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise IcuSubsetError("not a little-endian ICU common data package")
    toc = blob[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        name = toc[name_offset : toc.index(b"\0", name_offset)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(toc)
        items.append((name, toc[data_offset:end]))
    return Package(blob[:header_size], items)


def write_package(package: Package) -> bytes:
    """The package as ICU reads it: items 16-byte aligned, names sorted (ICU searches them)."""
    items = sorted(package.items)
    names = b""
    name_offsets = []
    toc_size = 4 + 8 * len(items)
    for name, _ in items:
        name_offsets.append(toc_size + len(names))
        names += name.encode("ascii") + b"\0"
    body = bytearray(struct.pack("<I", len(items)))
    data_start = _aligned(len(package.header) + toc_size + len(names)) - len(package.header)
    data = bytearray()
    data_offsets = []
    for _, item in items:
        data_offsets.append(data_start + len(data))
        data += item + b"\0" * (_aligned(len(item)) - len(item))
    for name_offset, data_offset in zip(name_offsets, data_offsets, strict=True):
        body += struct.pack("<II", name_offset, data_offset)
    body += names
    body += b"\0" * (data_start - len(body))
    return package.header + bytes(body) + bytes(data)


def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def read_symbol(library: Path) -> tuple[str, bytes]:
    """The name and bytes of the ``icudtNN_dat`` symbol of an ICU data library (ELF, x86-64)."""
    out = subprocess.run(
        ["readelf", "--wide", "--dyn-syms", "--section-headers", str(library)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    symbol = re.search(
        r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt\d+_dat)\b", out
    )
    if symbol is None:
        raise IcuSubsetError(f"{library}: no icudtNN_dat symbol")
    address, size, section = int(symbol[1], 16), int(symbol[2], 0), int(symbol[3])
    header = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s", out)
    if header is None:
        raise IcuSubsetError(f"{library}: section {section} not found")
    section_address, section_offset = int(header[1], 16), int(header[2], 16)
    start = section_offset + address - section_address
    with library.open("rb") as fh:
        fh.seek(start)
        return symbol[4], fh.read(size)


def subset_library(library: Path, out_dir: Path, *, cc: str = "cc") -> Path:
    """Write ``out_dir/<same name>`` with the subset package; return its path."""
    if shutil.which(cc) is None:
        raise IcuSubsetError(f"no C compiler ({cc}) to assemble the ICU data library")
    symbol, blob = read_symbol(library)
    full = read_package(blob)
    subset = Package(full.header, [(n, d) for n, d in full.items if keep_item(n)])
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / library.name
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / f"{symbol}.bin"
        dat.write_bytes(write_package(subset))
        source = Path(tmp) / "icudata.S"
        source.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.balign {_ALIGN}\n"
            f"{symbol}:\n"
            f'\t.incbin "{dat}"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(
            [cc, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(target),
             str(source)],
            check=True,
        )  # fmt: skip
    kept = len(subset.items)
    print(
        f"icu_subset: {library.name}: kept {kept} of {len(full.items)} items, "
        f"{full.size / 1e6:.1f} MB -> {subset.size / 1e6:.1f} MB",
        file=sys.stderr,
    )
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: icu_subset.py LIBICUDATA OUT_DIR")
    print(subset_library(Path(sys.argv[1]), Path(sys.argv[2])))
