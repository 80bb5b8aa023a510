"""The service catalog: which services the kiosk offers and the questions each one asks.

The catalog is data (JSON, documented in ``docs/catalog.md``), not code, so the city can publish a
new one without a reinstall. :func:`parse_catalog` checks every part of it and reports each
problem with the service and field it concerns; nothing half-valid is ever returned.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from kiosk.resources import asset_path
from kiosk.text import isolate_numbers, normalize_persian

FORMAT_VERSION: Final = 1
MAX_CATALOG_BYTES: Final = 2_000_000
MAX_TEXT_LENGTH: Final = 10_000

_SERVICE_CODE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CHOICE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_CODE_RULE = "2-40 lowercase letters, digits or '-'"
_KEY_RULE = "1-40 lowercase letters, digits or '_', starting with a letter"
_DATE_BOUND = re.compile(r"^(today([+-]\d{1,5})?|\d{4}-\d{2}-\d{2})$")


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    AMOUNT = "amount"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    JALALI_DATE = "jalali_date"
    NATIONAL_CODE = "national_code"
    MOBILE = "mobile"
    POSTAL_CODE = "postal_code"
    BILL_ID = "bill_id"
    PAYMENT_ID = "payment_id"
    SHEBA = "sheba"
    DISTRICT = "district"


class ServiceKind(StrEnum):
    REQUEST = "request"  # queued; the citizen gets a tracking code
    SURVEY = "survey"  # queued; one answer per national code, deduplicated by the server
    BILL_INQUIRY = "bill_inquiry"  # answered on the spot, offline; nothing is queued


# GeoReport v2 attribute datatypes, with the description Open311 clients see for richer types.
OPEN311_DATATYPES: Final[Mapping[FieldType, tuple[str, str | None]]] = {
    FieldType.TEXT: ("string", None),
    FieldType.LONG_TEXT: ("text", None),
    FieldType.NUMBER: ("number", None),
    FieldType.AMOUNT: ("number", "amount in Iranian rials"),
    FieldType.SINGLE_CHOICE: ("singlevaluelist", None),
    FieldType.MULTI_CHOICE: ("multivaluelist", None),
    FieldType.YES_NO: ("singlevaluelist", "yes/no: true or false"),
    FieldType.JALALI_DATE: ("datetime", "a date; the kiosk asks for it in the Jalali calendar"),
    FieldType.NATIONAL_CODE: ("string", "Iranian national code: 10 digits with a check digit"),
    FieldType.MOBILE: ("string", "Iranian mobile number, 09XXXXXXXXX"),
    FieldType.POSTAL_CODE: ("string", "Iranian postal code: 10 digits"),
    FieldType.BILL_ID: ("string", "bill ID (shenase-ye ghabz) with its check digit"),
    FieldType.PAYMENT_ID: ("string", "payment ID (shenase-ye pardakht) with its check digits"),
    FieldType.SHEBA: ("string", "Sheba (IBAN) account number, IR + 24 digits"),
    FieldType.DISTRICT: ("singlevaluelist", "municipal district"),
}

# Types whose answers identify a person; purged after acknowledgement plus retention.
PERSONAL_BY_DEFAULT: Final = frozenset(
    {
        FieldType.TEXT,
        FieldType.LONG_TEXT,
        FieldType.NATIONAL_CODE,
        FieldType.MOBILE,
        FieldType.POSTAL_CODE,
        FieldType.SHEBA,
        FieldType.BILL_ID,
        FieldType.PAYMENT_ID,
    }
)

DEFAULT_MAX_LENGTH: Final[Mapping[FieldType, int]] = {
    FieldType.TEXT: 200,
    FieldType.LONG_TEXT: 2000,
}


class CatalogError(ValueError):
    """The catalog is malformed. ``problems`` lists every problem found, one sentence each."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = "; ".join(self.problems[:3])
        more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        super().__init__(f"{source}: {shown}{more}")


class UnknownService(KeyError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"no service with code {self.code!r} in the catalog"


@dataclass(frozen=True)
class LocalText:
    """A text in both of the kiosk's languages."""

    fa: str
    en: str

    def get(self, lang: str) -> str:
        return self.fa if lang == "fa" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"fa": self.fa, "en": self.en}


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalText


@dataclass(frozen=True)
class Condition:
    """Show a field only when an earlier field's answer is one of ``values``."""

    field: str
    values: tuple[str | bool, ...]

    def holds(self, answers: Mapping[str, object]) -> bool:
        answer = answers.get(self.field)
        if isinstance(answer, list | tuple):
            return any(v in self.values for v in answer)
        return answer is not None and answer in self.values


@dataclass(frozen=True)
class Field:
    key: str
    type: FieldType
    label: LocalText
    required: bool
    order: int
    help: LocalText | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    min_date: str | None = None
    max_date: str | None = None
    min_choices: int | None = None
    max_choices: int | None = None
    choices: tuple[Choice, ...] = ()
    visible_when: Condition | None = None
    personal: bool = False
    public: bool = False  # its answers may be published (Open311); never a personal field

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    @cached_property
    def choice_values(self) -> frozenset[str]:
        """The values of :attr:`choices` (derived once: answers are checked against it)."""
        return frozenset(c.value for c in self.choices)

    @cached_property
    def choice_order(self) -> Mapping[str, int]:
        """Each choice value's position in :attr:`choices`."""
        return {c.value: i for i, c in enumerate(self.choices)}

    @property
    def open311_datatype(self) -> str:
        return OPEN311_DATATYPES[self.type][0]

    @property
    def open311_description(self) -> str | None:
        return OPEN311_DATATYPES[self.type][1]


@dataclass(frozen=True)
class Group:
    code: str
    title: LocalText
    order: int
    description: LocalText | None = None
    icon: str | None = None


@dataclass(frozen=True)
class Service:
    code: str
    group: str
    kind: ServiceKind
    title: LocalText
    description: LocalText
    order: int
    fields: tuple[Field, ...]
    help: LocalText | None = None
    next_steps: LocalText | None = None
    icon: str | None = None
    keywords: tuple[str, ...] = ()
    unique_by: str | None = None
    public: bool = False  # its requests are listed in anonymous public reads (Open311)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def has_field(self, key: str) -> bool:
        return key in self.field_keys

    @cached_property
    def field_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields)

    @cached_property
    def bill_field(self) -> Field | None:
        """The first field of type ``bill_id``, which a ``payment_id`` field is checked against."""
        return next((f for f in self.fields if f.type is FieldType.BILL_ID), None)

    @property
    def queued(self) -> bool:
        """Whether submitting this service writes a transaction to the queue."""
        return self.kind is not ServiceKind.BILL_INQUIRY


@dataclass(frozen=True)
class Catalog:
    version: str
    groups: tuple[Group, ...]
    services: tuple[Service, ...]
    districts: tuple[Choice, ...] = ()
    city: LocalText | None = None
    digest: str = ""
    _by_code: Mapping[str, Service] = field(default_factory=dict, repr=False, compare=False)

    def service(self, code: str) -> Service:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownService(code) from None

    def services_in(self, group: str) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.group == group)

    def group(self, code: str) -> Group:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def district(self, value: str) -> Choice | None:
        return next((d for d in self.districts if d.value == value), None)

    @cached_property
    def district_values(self) -> frozenset[str]:
        """The values of :attr:`districts` (derived once: answers are checked against it)."""
        return frozenset(d.value for d in self.districts)


# --------------------------------------------------------------------------------------------
# Loading


def default_catalog_path() -> Path:
    return asset_path("catalog", "default.json")


def load_catalog(path: Path | str) -> Catalog:
    """Read and validate a catalog file; raise :class:`CatalogError` naming what is wrong."""
    path = Path(path)
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(source, [f"cannot read the file: {exc.strerror or exc}"]) from exc
    return catalog_from_bytes(raw, source=source)


def load_default_catalog() -> Catalog:
    return load_catalog(default_catalog_path())


def catalog_from_bytes(raw: bytes, *, source: str = "catalog") -> Catalog:
    if len(raw) > MAX_CATALOG_BYTES:
        raise CatalogError(source, [f"the file is larger than {MAX_CATALOG_BYTES} bytes"])
    try:
        data = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise CatalogError(source, [f"not UTF-8 text (byte {exc.start})"]) from exc
    except _DuplicateKey as exc:
        raise CatalogError(source, [str(exc)]) from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(
            source, [f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from exc
    catalog = parse_catalog(data, source=source)
    digest = hashlib.sha256(raw).hexdigest()
    return Catalog(
        version=catalog.version,
        groups=catalog.groups,
        services=catalog.services,
        districts=catalog.districts,
        city=catalog.city,
        digest=digest,
        _by_code=catalog._by_code,
    )


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            context = result.get("code") or result.get("key")
            where = f" (in the object with code/key {context!r})" if context else ""
            raise _DuplicateKey(f"the key {key!r} appears twice in one object{where}")
        result[key] = value
    return result


def parse_catalog(data: object, *, source: str = "catalog") -> Catalog:
    """Validate already-decoded JSON data and build the catalog."""
    return _Parser(source).catalog(data)


# --------------------------------------------------------------------------------------------
# Validation


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    # -- helpers -------------------------------------------------------------------------

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def check_keys(self, where: str, obj: Mapping[str, Any], allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.problem(where, f"unknown key {key!r}{suffix}")

    def obj(self, where: str, value: object) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(where, f"expected an object, got {_json_type(value)}")
            return None
        return value

    def text(
        self, where: str, obj: Mapping[str, Any], key: str, *, required: bool = True
    ) -> LocalText | None:
        if key not in obj:
            if required:
                self.problem(where, f"missing {key!r} (an object with 'fa' and 'en' texts)")
            return None
        value = obj[key]
        if not isinstance(value, dict):
            self.problem(where, f"{key!r} must be an object with 'fa' and 'en' texts")
            return None
        self.check_keys(f"{where} {key}", value, {"fa", "en"})
        texts: dict[str, str] = {}
        for lang in ("fa", "en"):
            t = value.get(lang)
            if not isinstance(t, str) or not t.strip():
                self.problem(where, f"{key!r} needs a non-empty {lang!r} text")
                return None
            texts[lang] = t.strip()
        # Every number in a Persian text is isolated here, once, for every reader of the
        # catalog (screens, receipts, the counter): see "Texts" in docs/catalog.md.
        return LocalText(fa=isolate_numbers(normalize_persian(texts["fa"])), en=texts["en"])

    def integer(
        self, where: str, obj: Mapping[str, Any], key: str, *, minimum: int | None = None
    ) -> int | None:
        if key not in obj:
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"{key!r} must be a whole number, got {_json_type(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(where, f"{key!r} must be at least {minimum}, got {value}")
            return None
        return value

    def boolean(self, where: str, obj: Mapping[str, Any], key: str, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.problem(where, f"{key!r} must be true or false, got {_json_type(value)}")
            return default
        return value

    def string(
        self, where: str, obj: Mapping[str, Any], key: str, *, required: bool = False
    ) -> str | None:
        if key not in obj:
            if required:
                self.problem(where, f"missing {key!r}")
            return None
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"{key!r} must be a non-empty string")
            return None
        return value.strip()

    def choices(self, where: str, value: object, name: str = "choices") -> tuple[Choice, ...]:
        if not isinstance(value, list) or not value:
            self.problem(where, f"{name!r} must be a non-empty list")
            return ()
        result: list[Choice] = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            at = f"{where} choices[{i}]"
            obj = self.obj(at, item)
            if obj is None:
                continue
            self.check_keys(at, obj, {"value", "label"})
            code = obj.get("value")
            if not isinstance(code, str) or not _CHOICE_VALUE.match(code):
                self.problem(at, "'value' must be 1-40 ASCII letters, digits, '_', '.' or '-'")
                continue
            if code in seen:
                self.problem(at, f"duplicate choice value {code!r}")
                continue
            seen.add(code)
            label = self.text(at, obj, "label")
            if label is not None:
                result.append(Choice(code, label))
        return tuple(result)

    # -- the document --------------------------------------------------------------------

    def catalog(self, data: object) -> Catalog:
        root = self.obj("catalog", data)
        if root is None:
            raise CatalogError(self.source, self.problems)
        self.check_keys(
            "catalog",
            root,
            {"format", "version", "city", "districts", "groups", "services", "$schema", "comment"},
        )
        if "format" not in root:
            self.problem("catalog", f"missing 'format' (this kiosk reads format {FORMAT_VERSION})")
        elif type(root["format"]) is not int or root["format"] != FORMAT_VERSION:
            self.problem(
                "catalog", f"'format' must be {FORMAT_VERSION}, got {json.dumps(root['format'])}"
            )
        version = self.string("catalog", root, "version", required=True) or ""
        if version and len(version) > 64:
            self.problem("catalog", "'version' must be at most 64 characters")
        city = self.text("catalog", root, "city", required=False)
        districts = (
            self.choices("catalog", root["districts"], "districts") if "districts" in root else ()
        )
        groups = self.groups(root.get("groups"))
        group_codes = {g.code for g in groups}
        parsed = self.services(
            root.get("services"), group_codes, frozenset(d.value for d in districts)
        )
        used = {s.group for s in parsed}
        for g in groups:
            if g.code not in used and not self.problems:
                self.problem(f"group {g.code!r}", "no service belongs to this group")
        if self.problems:
            raise CatalogError(self.source, self.problems)
        services = tuple(sorted(parsed, key=lambda s: (s.order, s.code)))
        return Catalog(
            version=version,
            groups=tuple(sorted(groups, key=lambda g: (g.order, g.code))),
            services=services,
            districts=districts,
            city=city,
            _by_code={s.code: s for s in services},
        )

    def items(
        self,
        where: str,
        value: object,
        name: str,
        *,
        key: str,
        pattern: re.Pattern[str],
        rule: str,
        non_empty: bool = True,
    ) -> Iterator[tuple[int, str, str, Mapping[str, Any]]]:
        """(index, id, where, object) for each entry of a list of objects with unique ids.

        ``name`` is the list's key in the document (``services``), ``key`` the id's key
        (``code``); problems are reported here, and a bad entry is skipped.
        """
        if not isinstance(value, list) or (non_empty and not value):
            self.problem(where, f"'{name}' must be a {'non-empty ' if non_empty else ''}list")
            return
        seen: set[str] = set()
        singular = name[:-1]
        for i, item in enumerate(value):
            at = f"{where} {name}[{i}]" if where != "catalog" else f"{name}[{i}]"
            obj = self.obj(at, item)
            if obj is None:
                continue
            ident = obj.get(key)
            if not isinstance(ident, str) or not pattern.match(ident):
                self.problem(at, f"'{key}' must be {rule}")
                continue
            at = f"{singular} {ident!r}" if where == "catalog" else f"{where} {singular} {ident!r}"
            if ident in seen:
                self.problem(at, f"duplicate {singular} {key}")
                continue
            seen.add(ident)
            yield i, ident, at, obj

    def groups(self, value: object) -> list[Group]:
        result: list[Group] = []
        for i, code, where, obj in self.items(
            "catalog", value, "groups", key="code", pattern=_SERVICE_CODE, rule=_CODE_RULE
        ):
            self.check_keys(where, obj, {"code", "title", "description", "order", "icon"})
            title = self.text(where, obj, "title")
            description = self.text(where, obj, "description", required=False)
            order = self.integer(where, obj, "order")
            icon = self.string(where, obj, "icon")
            if title is not None:
                result.append(
                    Group(code, title, order if order is not None else i * 10, description, icon)
                )
        return result

    def services(
        self, value: object, group_codes: set[str], districts: frozenset[str]
    ) -> list[Service]:
        result: list[Service] = []
        for i, code, where, obj in self.items(
            "catalog", value, "services", key="code", pattern=_SERVICE_CODE, rule=_CODE_RULE
        ):
            service = self.service(where, code, obj, i, group_codes, districts)
            if service is not None:
                result.append(service)
        return result

    def service(
        self,
        where: str,
        code: str,
        obj: Mapping[str, Any],
        index: int,
        group_codes: set[str],
        districts: frozenset[str],
    ) -> Service | None:
        before = len(self.problems)
        self.check_keys(
            where,
            obj,
            {
                "code",
                "group",
                "kind",
                "title",
                "description",
                "help",
                "next_steps",
                "order",
                "icon",
                "keywords",
                "fields",
                "unique_by",
                "public",
            },
        )
        group = self.string(where, obj, "group", required=True)
        if group is not None and group not in group_codes:
            hint = difflib.get_close_matches(group, sorted(group_codes), n=1)
            suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.problem(where, f"'group' {group!r} is not one of the catalog's groups{suffix}")
        kind_name = obj.get("kind", ServiceKind.REQUEST.value)
        try:
            kind = ServiceKind(kind_name)
        except ValueError:
            kinds = ", ".join(k.value for k in ServiceKind)
            self.problem(where, f"'kind' {kind_name!r} is not one of: {kinds}")
            kind = ServiceKind.REQUEST
        title = self.text(where, obj, "title")
        description = self.text(where, obj, "description")
        help_text = self.text(where, obj, "help", required=False)
        next_steps = self.text(
            where, obj, "next_steps", required=kind is not ServiceKind.BILL_INQUIRY
        )
        order = self.integer(where, obj, "order")
        icon = self.string(where, obj, "icon")
        keywords: tuple[str, ...] = ()
        if "keywords" in obj:
            kw = obj["keywords"]
            if not isinstance(kw, list) or not all(isinstance(k, str) and k.strip() for k in kw):
                self.problem(where, "'keywords' must be a list of non-empty strings")
            else:
                keywords = tuple(normalize_persian(k).strip() for k in kw)
        fields = self.fields(where, obj.get("fields"), districts)
        by_key = {f.key: f for f in fields}
        if isinstance(obj.get("fields"), list) and not obj["fields"]:
            self.problem(where, "'fields' is empty: a service asks at least one question")
        self.bill_fields(where, fields)
        unique_by = self.string(where, obj, "unique_by")
        if kind is ServiceKind.SURVEY:
            target = by_key.get(unique_by) if unique_by else None
            if (
                target is None
                or target.type is not FieldType.NATIONAL_CODE
                or not target.required
                or target.visible_when is not None
            ):
                self.problem(
                    where,
                    "a survey needs 'unique_by' naming one of its required, always shown "
                    "national_code fields (one answer per national code)",
                )
        elif unique_by is not None:
            self.problem(where, "'unique_by' is only for services of kind 'survey'")
        if kind is ServiceKind.BILL_INQUIRY and not any(
            f.type is FieldType.BILL_ID for f in fields
        ):
            self.problem(where, "a bill inquiry needs a field of type 'bill_id'")
        public = self.boolean(where, obj, "public", False)
        if public and kind is not ServiceKind.REQUEST:
            self.problem(
                where,
                f"'public': a {kind.value} is never published (only requests such as city "
                "problem reports can be public)",
            )
        elif public and any(f.type is FieldType.NATIONAL_CODE for f in fields):
            self.problem(
                where,
                "'public': a service that asks for a national code (a certificate, a permit) "
                "identifies the citizen who filed it, so its requests are never published",
            )
        if len(self.problems) > before or title is None or description is None:
            return None
        return Service(
            code=code,
            group=group or "",
            kind=kind,
            title=title,
            description=description,
            order=order if order is not None else index * 10,
            fields=tuple(sorted(fields, key=lambda f: f.order)),
            help=help_text,
            next_steps=next_steps,
            icon=icon,
            keywords=keywords,
            unique_by=unique_by,
            public=public,
        )

    def bill_fields(self, where: str, fields: list[Field]) -> None:
        """A payment ID is checked against the bill ID asked before it, so that one must exist."""
        ordered = sorted(fields, key=lambda f: f.order)
        bills = [f for f in ordered if f.type is FieldType.BILL_ID]
        payments = [f for f in ordered if f.type is FieldType.PAYMENT_ID]
        if len(bills) > 1 or len(payments) > 1:
            self.problem(where, "a service has at most one bill_id and one payment_id field")
        for p in payments:
            if not bills or ordered.index(bills[0]) > ordered.index(p):
                self.problem(
                    f"{where} field {p.key!r}", "a payment_id field needs a bill_id field before it"
                )

    def fields(self, where: str, value: object, districts: frozenset[str]) -> list[Field]:
        result: list[Field] = []
        seen: set[str] = set()
        for i, key, at, obj in self.items(
            where, value, "fields", key="key", pattern=_FIELD_KEY, rule=_KEY_RULE, non_empty=False
        ):
            seen.add(key)
            f = self.field(at, key, obj, i, districts)
            if f is not None:
                result.append(f)
        orders = [f.order for f in result]
        if len(set(orders)) != len(orders):
            self.problem(where, "two fields have the same 'order'")
        self.conditions(where, result, seen, districts)
        return result

    def field(
        self, where: str, key: str, obj: Mapping[str, Any], index: int, districts: frozenset[str]
    ) -> Field | None:
        before = len(self.problems)
        self.check_keys(
            where,
            obj,
            {
                "key",
                "type",
                "label",
                "help",
                "required",
                "order",
                "min_length",
                "max_length",
                "min",
                "max",
                "min_choices",
                "max_choices",
                "choices",
                "visible_when",
                "personal",
                "public",
            },
        )
        type_name = obj.get("type")
        try:
            ftype = FieldType(type_name if isinstance(type_name, str) else "")
        except ValueError:
            hint = difflib.get_close_matches(str(type_name), [t.value for t in FieldType], n=1)
            suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.problem(
                where,
                f"unknown type {type_name!r}{suffix}; expected one of: "
                + ", ".join(t.value for t in FieldType),
            )
            return None
        label = self.text(where, obj, "label")
        help_text = self.text(where, obj, "help", required=False)
        required = self.boolean(where, obj, "required", False)
        personal = self.boolean(where, obj, "personal", ftype in PERSONAL_BY_DEFAULT)
        public = self.boolean(where, obj, "public", False)
        if public and personal:
            why = (
                f"a {ftype.value} field is personal by default"
                if "personal" not in obj
                else "this field is marked 'personal': true"
            )
            self.problem(
                where,
                f"'public': a personal field's answers are never published ({why}; set "
                "'personal': false only if no answer could identify anyone)",
            )
        order = self.integer(where, obj, "order")
        kwargs: dict[str, Any] = {}
        allowed: set[str] = set()
        if ftype in (FieldType.TEXT, FieldType.LONG_TEXT):
            allowed = {"min_length", "max_length"}
            lo = self.integer(where, obj, "min_length", minimum=0)
            hi = self.integer(where, obj, "max_length", minimum=1)
            if hi is not None and hi > MAX_TEXT_LENGTH:
                self.problem(where, f"'max_length' must be at most {MAX_TEXT_LENGTH}")
            hi = hi if hi is not None else DEFAULT_MAX_LENGTH[ftype]
            if lo is not None and lo > hi:
                self.problem(where, "'min_length' is greater than 'max_length'")
            kwargs.update(min_length=lo, max_length=hi)
        elif ftype in (FieldType.NUMBER, FieldType.AMOUNT):
            allowed = {"min", "max"}
            floor = 0 if ftype is FieldType.AMOUNT else None
            lo = self.integer(where, obj, "min", minimum=floor)
            hi = self.integer(where, obj, "max", minimum=floor)
            if lo is not None and hi is not None and lo > hi:
                self.problem(where, "'min' is greater than 'max'")
            kwargs.update(min_value=lo, max_value=hi)
        elif ftype is FieldType.JALALI_DATE:
            allowed = {"min", "max"}
            for bound, attr in (("min", "min_date"), ("max", "max_date")):
                if bound in obj:
                    v = obj[bound]
                    if not isinstance(v, str) or not _DATE_BOUND.match(v) or not _date_ok(v):
                        self.problem(
                            where,
                            f"{bound!r} must be 'today', 'today+N', 'today-N' "
                            "or a Jalali date like '1403-01-01'",
                        )
                    else:
                        kwargs[attr] = v
            lo_d, hi_d = kwargs.get("min_date"), kwargs.get("max_date")
            if (
                lo_d is not None
                and hi_d is not None
                and lo_d.startswith("today") == hi_d.startswith("today")
                and _date_order(lo_d) > _date_order(hi_d)
            ):
                self.problem(where, "'min' is later than 'max': no date could be accepted")
        elif ftype in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
            allowed = {"choices"}
            if "choices" not in obj:
                self.problem(where, f"a {ftype.value} field needs 'choices'")
            else:
                kwargs["choices"] = self.choices(where, obj["choices"])
            if ftype is FieldType.MULTI_CHOICE:
                allowed |= {"min_choices", "max_choices"}
                lo = self.integer(where, obj, "min_choices", minimum=0)
                hi = self.integer(where, obj, "max_choices", minimum=1)
                n = len(kwargs.get("choices", ()))
                if hi is not None and n and hi > n:
                    self.problem(where, f"'max_choices' is {hi} but there are only {n} choices")
                if lo is not None and n and lo > n:
                    self.problem(where, f"'min_choices' is {lo} but there are only {n} choices")
                if lo is not None and hi is not None and lo > hi:
                    self.problem(where, "'min_choices' is greater than 'max_choices'")
                kwargs.update(min_choices=lo, max_choices=hi)
        elif ftype is FieldType.DISTRICT and not districts:
            self.problem(where, "a district field needs the catalog's 'districts' list")
        limit_keys = {
            "min_length",
            "max_length",
            "min",
            "max",
            "min_choices",
            "max_choices",
            "choices",
        }
        for extra in sorted((limit_keys - allowed) & set(obj)):
            self.problem(where, f"{extra!r} does not apply to a field of type {ftype.value!r}")
        visible_when = None
        if "visible_when" in obj:
            visible_when = self.condition(where, obj["visible_when"])
        if len(self.problems) > before or label is None:
            return None
        return Field(
            key=key,
            type=ftype,
            label=label,
            required=required,
            order=order if order is not None else (index + 1) * 10,
            help=help_text,
            visible_when=visible_when,
            personal=personal,
            public=public,
            **kwargs,
        )

    def condition(self, where: str, value: object) -> Condition | None:
        obj = self.obj(f"{where} visible_when", value)
        if obj is None:
            return None
        self.check_keys(f"{where} visible_when", obj, {"field", "equals", "in"})
        target = obj.get("field")
        if not isinstance(target, str) or not target:
            self.problem(where, "'visible_when' needs 'field', the key of an earlier field")
            return None
        if ("equals" in obj) == ("in" in obj):
            self.problem(where, "'visible_when' needs exactly one of 'equals' or 'in'")
            return None
        raw = [obj["equals"]] if "equals" in obj else obj["in"]
        if not isinstance(raw, list) or not raw or not all(isinstance(v, str | bool) for v in raw):
            self.problem(where, "'visible_when' values must be strings or true/false")
            return None
        return Condition(target, tuple(raw))

    def conditions(
        self, where: str, fields: list[Field], all_keys: set[str], districts: frozenset[str]
    ) -> None:
        ordered = sorted(fields, key=lambda f: f.order)
        earlier: dict[str, Field] = {}
        for f in ordered:
            cond = f.visible_when
            if cond is not None:
                at = f"{where} field {f.key!r} visible_when"
                target = earlier.get(cond.field)
                if target is None:
                    if any(g.key == cond.field for g in fields):
                        self.problem(at, f"{cond.field!r} comes after this field")
                    elif cond.field not in all_keys:
                        self.problem(at, f"{cond.field!r} is not a field of this service")
                    # else: that field has problems of its own, reported already
                else:
                    self.condition_values(at, target, cond, districts)
            earlier[f.key] = f

    def condition_values(
        self, where: str, target: Field, cond: Condition, districts: frozenset[str]
    ) -> None:
        if target.type is FieldType.YES_NO:
            if not all(isinstance(v, bool) for v in cond.values):
                self.problem(where, f"{target.key!r} is a yes/no field: compare with true/false")
        elif target.type in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
            valid = {c.value for c in target.choices}
            for v in cond.values:
                if v not in valid:
                    self.problem(where, f"{v!r} is not one of the choices of {target.key!r}")
        elif target.type is FieldType.DISTRICT:
            for v in cond.values:
                if v not in districts:
                    self.problem(where, f"{v!r} is not one of the catalog's districts")
        else:
            self.problem(
                where,
                f"conditions can only test choice, yes/no or district fields, "
                f"not {target.type.value!r}",
            )


def _date_order(bound: str) -> tuple[int, ...]:
    """Orders two date bounds of the same kind (both relative, or both absolute)."""
    if bound.startswith("today"):
        return (0, int(bound[5:] or 0))
    return (1, *(int(p) for p in bound.split("-")))


def _date_ok(bound: str) -> bool:
    if bound.startswith("today"):
        return True
    from kiosk.jalali import JalaliDate

    try:
        JalaliDate.parse(bound)
    except ValueError:
        return False
    return True


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def iter_fields(catalog: Catalog) -> Iterator[tuple[Service, Field]]:
    for service in catalog.services:
        for f in service.fields:
            yield service, f
