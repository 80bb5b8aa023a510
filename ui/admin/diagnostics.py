"""The recent log and the diagnostics export, for IT staff, without anyone's personal data.

The zip (``<data dir>/diagnostics/diagnostics-<time>.zip``) holds the effective settings (no
secrets: the enrollment secret is never in it), a ``kiosk status``-like summary, the versions,
the logs (``kiosk.log`` and its rotations, ``crash.log`` of fatal errors) with long digit runs
masked, and the audit log's verification. Runs on the background
runner; it reads files and the database only.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import platform
import re
import sys
import tempfile
import zipfile
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.audit import AuditAction
from kiosk.config import SECTIONS, Settings
from kiosk.crash import CRASH_LOG
from kiosk.logs import LOG_FILENAME
from kiosk.timeutil import utcnow
from kiosk.tracking import redact_numbers

if TYPE_CHECKING:
    from kiosk.core import Core
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

LOG_LINES = 200
FOLDER = "diagnostics"
# Dates and times are kept; other long digit runs (national codes, mobile numbers) are masked.
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?")


def redact_line(line: str) -> str:
    """``line`` with every run of 8 or more digits masked, except dates, times and valid
    tracking codes (``kiosk.audit.redact_numbers``)."""
    out, last = [], 0
    for match in _MOMENT.finditer(line):
        out.append(redact_numbers(line[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(redact_numbers(line[last:]))
    return "".join(out)


def tail(path: Path, lines: int = LOG_LINES) -> list[str]:
    """The last ``lines`` lines of ``path`` (none if it does not exist)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return [line.rstrip("\n") for line in deque(fh, maxlen=lines)]
    except FileNotFoundError:
        return []


def recent_log(settings: Settings, lines: int = LOG_LINES) -> str:
    """The end of the kiosk's log, redacted, for the admin panel's log view."""
    return "\n".join(redact_line(line) for line in tail(settings.log_dir / LOG_FILENAME, lines))


def settings_info(settings: Settings) -> dict[str, Any]:
    """The effective settings (they hold no secrets; the enrollment lives in the database)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, tuple):
            return "x".join(str(v) for v in value)
        return value

    info: dict[str, Any] = {
        "data_dir": str(settings.data_dir),
        "config_file": str(settings.config_file) if settings.config_file else None,
        "overrides_file": str(settings.overrides_path)
        if settings.overrides_path.exists()
        else None,
    }
    for section in SECTIONS:
        values = getattr(settings, section)
        info[section] = {f.name: plain(getattr(values, f.name)) for f in dataclasses.fields(values)}
    info["environment"] = sorted(name for name in os.environ if name.startswith("KIOSK_"))
    return info


def status_info(core: Core, printer_state: str) -> dict[str, Any]:
    """What ``kiosk status --json`` says: the same health snapshot (never the secret)."""
    return core.health(printer_state).to_json()


def versions() -> dict[str, str]:
    import PySide6
    import sqlalchemy
    from PySide6.QtCore import qVersion

    return {
        "kiosk": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "sqlalchemy": sqlalchemy.__version__,
    }


def export_diagnostics(desk: StaffDesk, member: StaffMember) -> Path:
    """Write the diagnostics zip into ``<data dir>/diagnostics/``; audited. Returns its path."""
    settings = desk.settings
    problems = desk.audit.verify()
    parts: dict[str, str] = {
        "settings.json": _json(settings_info(settings)),
        "status.json": _json(status_info(desk.core, desk.ctx.printer.state())),
        "versions.json": _json(versions()),
        "audit-verify.json": _json(
            {"intact": not problems, "problems": problems, "entries": desk.audit.count()}
        ),
    }
    logs = [*sorted(settings.log_dir.glob(f"{LOG_FILENAME}*")), settings.log_dir / CRASH_LOG]
    for log_file in (f for f in logs if f.is_file()):
        text = log_file.read_text(encoding="utf-8", errors="replace")
        parts[f"logs/{log_file.name}"] = "\n".join(redact_line(x) for x in text.splitlines())
    secret = _secret(desk.core)
    if secret:  # belt and braces: the secret is in none of the parts above
        parts = {name: text.replace(secret, "***") for name, text in parts.items()}
    folder = settings.data_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = folder / f"diagnostics-{stamp}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".zip.tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(buffer.getvalue())
    os.replace(tmp_name, target)
    desk.audit.append(
        member.staff_id,
        AuditAction.EXPORT,
        {"what": "diagnostics", "file": target.name, "parts": sorted(parts)},
    )
    return target


def _secret(core: Core) -> str | None:
    enrollment = core.state.enrollment()
    return enrollment.secret if enrollment is not None else None


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
