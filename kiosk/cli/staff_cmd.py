"""``kiosk staff add|list|disable|set-pin``: the kiosk's staff accounts.

A PIN is never taken from an argument (it would stay in the shell history and in the process
list): it is read from the terminal without echo, twice, or with ``--pin-stdin`` as one line of
standard input for scripted installs. The actor in the audit log is ``cli:<user>``. The database
modules are imported inside the commands (see ``kiosk.cli.queue_cmd``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, Any, Final

from kiosk.cli.output import fail, print_json, table, when
from kiosk.config import Settings
from kiosk.i18n import N_

if TYPE_CHECKING:
    from kiosk.core import Core
    from kiosk.staff import StaffStore

ROLES: Final = ("clerk", "admin")  # kiosk.models.StaffRole, without importing the models


def register(sub: Any) -> None:
    p = sub.add_parser("staff", help="staff accounts (clerks and admins) of this kiosk")
    ssub = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    a = ssub.add_parser("add", help="create an account (asks for its PIN)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    a.set_defaults(func=cmd_add)

    ls = ssub.add_parser("list", help="every account, with its state")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    d = ssub.add_parser("disable", help="disable an account for good")
    d.add_argument("name", metavar="NAME")
    d.set_defaults(func=cmd_disable)

    s = ssub.add_parser("set-pin", help="set a new PIN (also unlocks the account)")
    s.add_argument("name", metavar="NAME")
    s.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    s.set_defaults(func=cmd_set_pin)


def cli_actor() -> str:
    """``cli:<user>``: who ran the command, for the audit log."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"cli:{user}"[:80]


def read_pin(from_stdin: bool) -> str:
    """The new PIN, checked; raises ``UsageError`` (exit 2) on bad input."""
    from kiosk.staff import StaffError, check_new_pin

    if from_stdin:
        line = sys.stdin.readline()
        pin = line.rstrip("\r\n")
        if not pin:
            fail(N_("--pin-stdin: no PIN on standard input"))
    else:
        if not sys.stdin.isatty():
            fail(N_("no terminal to ask for the PIN; use --pin-stdin to read it from stdin"))
        pin = getpass.getpass("PIN (4-8 digits): ")
        try:
            check_new_pin(pin)
        except StaffError as exc:
            fail(N_("{problem}"), reason="staff", problem=str(exc))
        if getpass.getpass("PIN again: ") != pin:
            fail(N_("the two PINs do not match; nothing was changed"))
    try:
        return check_new_pin(pin)
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))


def _open(settings: Settings) -> tuple[Core, StaffStore]:
    from kiosk.audit import AuditLog
    from kiosk.core import open_core
    from kiosk.staff import StaffStore

    core = open_core(settings)
    return core, StaffStore(core.db, AuditLog(core.db))


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.staff import StaffError, normalize_name

    try:
        name = normalize_name(args.name)
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))
    # a new data dir is made only for a good PIN; an existing account is named before the PIN
    pin = None if settings.database_path.exists() else read_pin(args.pin_stdin)
    core, store = _open(settings)
    try:
        if store.get(name) is not None:  # say so before asking for a PIN
            fail(N_("a staff account named {name!r} already exists"), reason="exists", name=name)
        pin = pin or read_pin(args.pin_stdin)
        member = store.add(name, args.role, pin, by=cli_actor())
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))
    finally:
        core.close()
    print(f"added {member.role.value} {member.name}")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    core, store = _open(settings)
    try:
        members = store.list()
    finally:
        core.close()
    if args.json:
        print_json([m.to_json() for m in members])
    elif not members:
        print("no staff accounts yet (kiosk staff add NAME --role admin)")
    else:
        rows = [
            [
                m.name,
                m.role.value,
                "active" if m.active else "disabled",
                when(m.last_sign_in_at),
                str(m.failed_attempts),
                when(m.locked_until),
            ]
            for m in members
        ]
        print(table(rows, ["NAME", "ROLE", "STATE", "LAST SIGN-IN", "FAILURES", "LOCKED UNTIL"]))
    return 0


def cmd_disable(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.staff import StaffError, normalize_name

    try:
        normalize_name(args.name)
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))
    core, store = _open(settings)
    try:
        member = store.disable(args.name, by=cli_actor())
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))
    finally:
        core.close()
    print(f"disabled {member.name}")
    return 0


def cmd_set_pin(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.staff import StaffError, normalize_name

    try:
        normalize_name(args.name)
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))
    core, store = _open(settings)
    try:
        if store.get(args.name) is None:  # say so before asking for a PIN
            fail(
                N_("no staff account named {name!r}"),
                reason="not_found",
                name=normalize_name(args.name),
            )
        pin = read_pin(args.pin_stdin)
        member = store.set_pin(args.name, pin, by=cli_actor())
    except StaffError as exc:
        fail(N_("{problem}"), reason="staff", problem=str(exc))
    finally:
        core.close()
    print(f"PIN changed for {member.name}")
    return 0
