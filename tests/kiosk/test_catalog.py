"""The service catalog: the bundled one is complete, and malformed ones are refused precisely."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog import (
    OPEN311_DATATYPES,
    CatalogError,
    FieldType,
    ServiceKind,
    UnknownService,
    catalog_from_bytes,
    load_catalog,
    load_default_catalog,
    parse_catalog,
)
from tests.conftest import MINI_CATALOG

OPEN311_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def mini() -> dict[str, Any]:
    return json.loads(MINI_CATALOG.read_text(encoding="utf-8"))


def problems_of(data: object) -> list[str]:
    with pytest.raises(CatalogError) as info:
        parse_catalog(data, source="test.json")
    return info.value.problems


# -- the bundled catalog -------------------------------------------------------------------


def test_default_catalog_covers_every_journey() -> None:
    catalog = load_default_catalog()
    assert len(catalog.services) >= 10
    kinds = {s.kind for s in catalog.services}
    assert kinds == set(ServiceKind)
    types = {f.type for s in catalog.services for f in s.fields}
    for needed in (
        FieldType.DISTRICT,
        FieldType.MOBILE,
        FieldType.NATIONAL_CODE,
        FieldType.BILL_ID,
        FieldType.PAYMENT_ID,
        FieldType.JALALI_DATE,
        FieldType.MULTI_CHOICE,
        FieldType.YES_NO,
        FieldType.LONG_TEXT,
    ):
        assert needed in types, needed
    assert len(catalog.districts) == 22
    # the city-problem kinds of PRODUCT.md each have a tile
    text = " ".join(s.title.en.lower() + " " + s.description.en.lower() for s in catalog.services)
    for word in (
        "clean",
        "green",
        "debris",
        "pothole",
        "light",
        "animal",
        "transport",
        "traffic",
        "licence",
        "permit",
        "residence",
        "survey",
        "bill",
        "suggestion",
    ):
        assert word in text, word


def test_default_catalog_texts_are_persian_and_english() -> None:
    catalog = load_default_catalog()
    for service in catalog.services:
        for text in (service.title, service.description):
            assert any("\u0600" <= ch <= "\u06ff" for ch in text.fa), service.code
            assert "ي" not in text.fa
            assert "ك" not in text.fa
            assert text.en.isascii(), service.code
        for f in service.fields:
            assert any("\u0600" <= ch <= "\u06ff" for ch in f.label.fa), (service.code, f.key)


def test_every_type_maps_to_an_open311_datatype() -> None:
    assert set(OPEN311_DATATYPES) == set(FieldType)
    assert {v[0] for v in OPEN311_DATATYPES.values()} <= OPEN311_TYPES


def test_lookup(mini_catalog: Any) -> None:
    assert mini_catalog.service("survey").kind is ServiceKind.SURVEY
    with pytest.raises(UnknownService, match="no service with code 'nope'"):
        mini_catalog.service("nope")
    assert [g.code for g in mini_catalog.groups] == ["problems", "bills", "surveys"]
    assert mini_catalog.district("2") is not None


def test_digest_changes_with_content(tmp_path: Path) -> None:
    raw = MINI_CATALOG.read_bytes()
    a = catalog_from_bytes(raw)
    b = catalog_from_bytes(raw.replace(b"test-1", b"test-2"))
    assert a.digest != b.digest
    assert len(a.digest) == 64


# -- errors point at the offending service and field ------------------------------------------


def test_unknown_field_type_names_service_and_field() -> None:
    data = mini()
    data["services"][0]["fields"][0]["type"] = "distrct"
    problems = problems_of(data)
    assert problems == [
        "service 'street-lights' field 'district': unknown type 'distrct' "
        "(did you mean 'district'?); expected one of: " + ", ".join(t.value for t in FieldType)
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("version"), "catalog: missing 'version'"),
        (lambda d: d.update(format=2), "'format' must be 1"),
        (lambda d: d["services"][0].pop("title"), "service 'street-lights': missing 'title'"),
        (lambda d: d["services"][0]["title"].pop("fa"), "needs a non-empty 'fa' text"),
        (
            lambda d: d["services"][0].update(group="problemz"),
            "'group' 'problemz' is not one of the catalog's groups (did you mean 'problems'?)",
        ),
        (lambda d: d["services"][0].update(kind="order"), "'kind' 'order' is not one of"),
        (lambda d: d["services"][1].update(code="street-lights"), "duplicate service code"),
        (lambda d: d["services"][0]["fields"][1].update(key="district"), "duplicate field key"),
        (
            lambda d: d["services"][0]["fields"][1].pop("choices"),
            "field 'problem': a single_choice field needs 'choices'",
        ),
        (
            lambda d: d["services"][0]["fields"][1]["choices"].append(
                {"value": "off", "label": {"fa": "ب", "en": "b"}}
            ),
            "duplicate choice value 'off'",
        ),
        (
            lambda d: d["services"][0]["fields"][2].update(min=3),
            "field 'address': 'min' does not apply to a field of type 'text'",
        ),
        (
            lambda d: d["services"][0]["fields"][2].update(max_lenght=3),
            "field 'address': unknown key 'max_lenght' (did you mean 'max_length'?)",
        ),
        (
            lambda d: d["services"][0]["fields"][3].update(min=40),
            "field 'floors': 'min' is greater than 'max'",
        ),
        (
            lambda d: d["services"][0]["fields"][5]["visible_when"].update(field="mobile"),
            "field 'mobile' visible_when: 'mobile' comes after this field",
        ),
        (
            lambda d: d["services"][0]["fields"][5]["visible_when"].update(field="nothing"),
            "'nothing' is not a field of this service",
        ),
        (
            lambda d: d["services"][0]["fields"][5]["visible_when"].update(equals="yes"),
            "'follow_up' is a yes/no field: compare with true/false",
        ),
        (
            lambda d: d["services"][0]["fields"][6].update(max_choices=5),
            "'max_choices' is 5 but there are only 3 choices",
        ),
        (
            lambda d: d["services"][0]["fields"][7].update(max="tomorrow"),
            "'max' must be 'today', 'today+N', 'today-N' or a Jalali date",
        ),
        (
            lambda d: d["services"][0]["fields"][7].update(max="1403-12-31"),
            "'max' must be 'today', 'today+N', 'today-N' or a Jalali date",
        ),
        (lambda d: d.pop("districts"), "a district field needs the catalog's 'districts' list"),
        (lambda d: d["services"][1]["fields"].pop(0), "a bill inquiry needs a field of type"),
        (lambda d: d["services"][2].pop("unique_by"), "a survey needs 'unique_by'"),
        (
            lambda d: d["services"][0].pop("next_steps"),
            "service 'street-lights': missing 'next_steps'",
        ),
        (
            lambda d: d["services"][0]["fields"][0].update(required="yes"),
            "'required' must be true or false, got a string",
        ),
        (lambda d: d["services"][0]["fields"][0].update(key="Bad Key"), "fields[0]: 'key' must"),
        (lambda d: d.update(format=True), "'format' must be 1, got true"),
        (lambda d: d.pop("format"), "missing 'format'"),
        (lambda d: d.update(districts=[]), "catalog: 'districts' must be a non-empty list"),
        (
            lambda d: d["services"][0]["fields"][5].update(
                visible_when={"field": "district", "in": ["1", "99"]}
            ),
            "'99' is not one of the catalog's districts",
        ),
        (
            lambda d: d["services"][2]["fields"][0].update(
                visible_when={"field": "rating", "equals": "5"}, order=99
            ),
            "a survey needs 'unique_by' naming one of its required, always shown",
        ),
        (
            lambda d: d["services"][1]["fields"][1].update(order=0),
            "field 'payment_id': a payment_id field needs a bill_id field before it",
        ),
        (lambda d: d["services"][0].update(fields=[]), "'fields' is empty"),
        (
            lambda d: d["services"][0]["fields"][7].update(min="1405-02-01", max="1405-01-01"),
            "'min' is later than 'max'",
        ),
        (
            lambda d: d["services"][0]["fields"][6].update(min_choices=4, max_choices=None),
            "'min_choices' is 4 but there are only 3 choices",
        ),
        (
            lambda d: d["groups"].append({"code": "empty", "title": {"fa": "خالی", "en": "E"}}),
            "group 'empty': no service belongs to this group",
        ),
    ],
)
def test_malformed_catalogs_are_refused_with_a_precise_message(mutate: Any, expected: str) -> None:
    data = mini()
    mutate(data)
    problems = problems_of(data)
    assert any(expected in p for p in problems), problems


def test_all_problems_are_reported_at_once() -> None:
    data = mini()
    data["services"][0]["fields"][0]["type"] = "nope"
    data["services"][2]["title"] = "just a string"
    problems = problems_of(data)
    assert len(problems) == 2
    assert problems[0].startswith("service 'street-lights' field 'district'")
    assert problems[1].startswith("service 'survey'")


def test_file_level_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1,', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad.json: not valid JSON: .* line 1"):
        load_catalog(bad)
    with pytest.raises(CatalogError, match="cannot read the file"):
        load_catalog(tmp_path / "missing.json")
    with pytest.raises(CatalogError, match="not UTF-8"):
        catalog_from_bytes(b"\xff\xfe\x00")
    with pytest.raises(CatalogError, match="expected an object, got a list"):
        catalog_from_bytes(b"[]")


def test_duplicate_json_keys_are_refused() -> None:
    raw = MINI_CATALOG.read_bytes().replace(
        b'"key": "address", "type": "text"', b'"key": "address", "type": "text", "type": "number"'
    )
    with pytest.raises(CatalogError, match="the key 'type' appears twice in one object"):
        catalog_from_bytes(raw)


def test_arabic_letters_are_normalised_on_load() -> None:
    data = mini()
    data["services"][0]["title"]["fa"] = "روشنايي معابر كوچه"
    catalog = parse_catalog(data)
    assert catalog.service("street-lights").title.fa == "روشنایی معابر کوچه"


# -- property: whatever the damage, the loader answers with a CatalogError or a catalog ------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_any_damage_is_refused_cleanly_or_accepted(data: st.DataObject) -> None:
    doc = mini()
    paths = _paths(doc)[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent: Any = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = data.draw(st.sampled_from(["replace", "delete"]))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(_JSON)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        catalog = parse_catalog(copy.deepcopy(doc))
    except CatalogError as exc:
        assert exc.problems
        assert all(isinstance(p, str) and p for p in exc.problems)
    else:
        assert catalog.services
        for service in catalog.services:
            assert catalog.service(service.code) is service


# -- what is public (issue 9, item 1) ----------------------------------------------------------


def _set(data: dict[str, Any], service: int, **values: Any) -> dict[str, Any]:
    data["services"][service].update(values)
    return data


def _field(data: dict[str, Any], service: int, key: str, **values: Any) -> dict[str, Any]:
    next(f for f in data["services"][service]["fields"] if f["key"] == key).update(values)
    return data


def test_public_flags_default_to_private() -> None:
    catalog = parse_catalog(mini())
    assert not any(s.public for s in catalog.services)
    assert not any(f.public for s in catalog.services for f in s.fields)
    data = _field(_set(mini(), 0, public=True), 0, "district", public=True)
    service = parse_catalog(data).service("street-lights")
    assert service.public and service.field("district").public
    assert not service.field("address").public


def test_the_default_catalog_publishes_only_city_problem_reports() -> None:
    catalog = load_default_catalog()
    public = {s.code for s in catalog.services if s.public}
    assert public == {s.code for s in catalog.services_in("city-problems")}
    for service in catalog.services:
        for f in service.fields:
            assert not (f.public and f.personal), (service.code, f.key)
    lights = catalog.service("street-lights")
    assert {f.key for f in lights.fields if f.public} == {"district", "problem_type", "how_many"}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: _field(d, 0, "address", public=True),
            "service 'street-lights' field 'address': 'public': a personal field's answers are "
            "never published (a text field is personal by default; set 'personal': false only "
            "if no answer could identify anyone)",
        ),
        (
            lambda d: _field(d, 0, "floors", public=True, personal=True),
            "field 'floors': 'public': a personal field's answers are never published (this "
            "field is marked 'personal': true;",
        ),
        (
            lambda d: _set(d, 2, public=True),
            "service 'survey': 'public': a survey is never published",
        ),
        (
            lambda d: _set(d, 1, public=True),
            "service 'bill-inquiry': 'public': a bill_inquiry is never published",
        ),
        (lambda d: _set(d, 0, public="yes"), "'public' must be true or false"),
    ],
)
def test_public_flags_are_explained_in_errors(mutate: Any, expected: str) -> None:
    problems = problems_of(mutate(mini()))
    assert any(expected in p for p in problems), problems


def test_a_service_asking_a_national_code_is_never_public() -> None:
    data = mini()
    data["services"][0]["fields"].append(
        {"key": "nid", "type": "national_code", "label": {"fa": "کد", "en": "Code"}}
    )
    problems = problems_of(_set(data, 0, public=True))
    assert any("asks for a national code" in p for p in problems), problems
