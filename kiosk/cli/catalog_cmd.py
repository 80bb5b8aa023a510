"""``kiosk catalog list|show|validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.catalog import Catalog, CatalogError, Field, Service, load_catalog
from kiosk.cli.output import print_json, shown, table
from kiosk.config import Settings

EXIT_INVALID = 1


def register(sub: Any) -> None:
    c = sub.add_parser("catalog", help="the service catalog")
    csub = c.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    cl = csub.add_parser("list", help="the services, by group")
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(func=cmd_list)
    cs = csub.add_parser("show", help="one service with its questions")
    cs.add_argument("code")
    cs.add_argument("--json", action="store_true")
    cs.set_defaults(func=cmd_show)
    cv = csub.add_parser("validate", help="check a catalog file; print every problem")
    cv.add_argument("file", type=Path)
    cv.set_defaults(func=cmd_validate, needs_settings=False)


def _catalog(settings: Settings) -> Catalog:
    from kiosk.catalog_source import catalog_path_for

    return load_catalog(catalog_path_for(settings))


def field_json(f: Field) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": f.key,
        "type": f.type.value,
        "required": f.required,
        "order": f.order,
        "label": f.label.as_dict(),
        "open311_datatype": f.open311_datatype,
    }
    if f.choices:
        data["choices"] = [{"value": c.value, "label": c.label.as_dict()} for c in f.choices]
    for name in (
        "min_length",
        "max_length",
        "min_value",
        "max_value",
        "min_date",
        "max_date",
        "min_choices",
        "max_choices",
    ):
        value = getattr(f, name)
        if value is not None:
            data[name] = value
    if f.visible_when is not None:
        data["visible_when"] = {"field": f.visible_when.field, "in": list(f.visible_when.values)}
    return data


def service_json(service: Service, *, with_fields: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": service.code,
        "group": service.group,
        "kind": service.kind.value,
        "title": service.title.as_dict(),
        "description": service.description.as_dict(),
    }
    if with_fields:
        data["fields"] = [field_json(f) for f in service.fields]
    return data


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    catalog = _catalog(settings)
    if args.json:
        print_json(
            {
                "version": catalog.version,
                "services": [service_json(s, with_fields=False) for s in catalog.services],
            }
        )
        return 0
    rows = []
    for group in catalog.groups:
        for s in catalog.services_in(group.code):
            rows.append([s.code, group.code, s.kind.value, s.title.en])
    print(f"catalog {catalog.version}: {len(catalog.services)} services")
    print(table(rows, ["CODE", "GROUP", "KIND", "TITLE"]))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    catalog = _catalog(settings)
    service = catalog.service(args.code)
    if args.json:
        print_json(service_json(service, with_fields=True))
        return 0
    print(
        f"{service.code}: {shown(service.title.en)} ({service.kind.value}, group {service.group})"
    )
    print(shown(service.description.en))
    rows = []
    for f in service.fields:
        choices = ", ".join(c.value for c in f.choices)
        if f.type.value == "district":
            choices = f"{len(catalog.districts)} districts"
        cond = ""
        if f.visible_when is not None:
            values = "|".join(str(v).lower() for v in f.visible_when.values)
            cond = f"{f.visible_when.field}={values}"
        rows.append([f.key, f.type.value, "yes" if f.required else "no", choices, cond])
    print(table(rows, ["KEY", "TYPE", "REQUIRED", "CHOICES", "SHOWN WHEN"]))
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings | None) -> int:
    try:
        catalog = load_catalog(args.file)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"{args.file}: invalid ({len(exc.problems)} problems)", file=sys.stderr)
        return EXIT_INVALID
    fields = sum(len(s.fields) for s in catalog.services)
    print(
        f"{args.file}: valid catalog {catalog.version}: {len(catalog.groups)} groups, "
        f"{len(catalog.services)} services, {fields} fields"
    )
    return 0
