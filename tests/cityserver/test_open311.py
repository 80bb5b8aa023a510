"""Open311 GeoReport v2: services, definitions, requests (GET with filters, POST), tokens."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from cityserver import apikeys, casework
from cityserver.db import Database
from cityserver.models import Request
from kiosk.jalali import JalaliDate
from kiosk.tracking import format_tracking_code, parse_tracking_code
from tests.cityserver.conftest import FakeClock, SignedKiosk, TestClient

V2 = "/open311/v2"


@pytest.fixture
def api_key(database: Database, clock: FakeClock) -> str:
    with database.write() as session:
        return apikeys.create(session, "311 app", clock())[1]


def file(client: TestClient, key: str, **fields: Any) -> Any:
    form: dict[str, Any] = {"api_key": key, "service_code": "street-lights"}
    form.update(fields)
    return client.post(f"{V2}/requests.json", data=form)


STREET_LIGHT = {
    "attribute[district]": "2",
    "attribute[problem_type]": "flickering",
    "attribute[how_many]": "several",
    "attribute[anonymous]": "true",
    "address_string": "Enghelab St 10",
    "lat": "35.7",
    "long": "51.4",
    "description": "Three lights flicker",
}


def test_service_list(client: TestClient) -> None:
    services = client.get(f"{V2}/services.json").json()
    codes = [s["service_code"] for s in services]
    assert "street-lights" in codes and "message-to-municipality" in codes
    assert "bill-inquiry" not in codes and "district-survey-1405-autumn" not in codes
    lights = services[codes.index("street-lights")]
    assert lights == {
        "service_code": "street-lights",
        "service_name": "Street lights",
        "description": lights["description"],
        "metadata": True,
        "type": "batch",
        "keywords": lights["keywords"],
        "group": "Report a city problem",
    }
    assert isinstance(lights["keywords"], str) and "," in lights["keywords"]
    persian = client.get(f"{V2}/services.json", params={"locale": "fa"}).json()
    assert persian[codes.index("street-lights")]["service_name"] != "Street lights"


def test_service_definition(client: TestClient) -> None:
    definition = client.get(f"{V2}/services/business-licence-renewal.json").json()
    assert definition["service_code"] == "business-licence-renewal"
    by_code = {a["code"]: a for a in definition["attributes"]}
    national = by_code["national_code"]
    assert national["datatype"] == "string" and national["required"] is True
    assert "national code" in national["datatype_description"]
    assert national["variable"] is True and isinstance(national["order"], int)
    assert by_code["documents"]["datatype"] == "multivaluelist"
    assert {"key": "photo", "name": "A recent 3x4 cm photo"} in by_code["documents"]["values"]
    assert by_code["district"]["datatype"] == "singlevaluelist"
    assert by_code["district"]["values"][1]["key"] == "2"
    assert by_code["appointment_date"]["datatype"] == "datetime"
    lights = client.get(f"{V2}/services/street-lights.json").json()
    attrs = {a["code"]: a for a in lights["attributes"]}
    assert attrs["anonymous"]["values"] == [
        {"key": "true", "name": "Yes"},
        {"key": "false", "name": "No"},
    ]
    assert attrs["name"]["required"] is False  # asked only when anonymous is false
    assert "anonymous" in attrs["name"]["datatype_description"]
    assert [a["order"] for a in lights["attributes"]] == sorted(
        a["order"] for a in lights["attributes"]
    )


@pytest.mark.parametrize(
    "path", ["services/no-such.json", "services/bill-inquiry.json", "requests/00010000012.json"]
)
def test_unknown_things_are_404_in_the_spec_format(client: TestClient, path: str) -> None:
    answer = client.get(f"{V2}/{path}")
    assert answer.status_code == 404
    [error] = answer.json()
    assert error["code"] == 404 and "not found" in error["description"]


def test_only_json_is_served(client: TestClient) -> None:
    answer = client.get(f"{V2}/services.xml")
    assert answer.status_code == 400
    assert answer.json() == [
        {"code": 400, "description": "format 'xml' is not supported; use .json"}
    ]


def test_filing_a_request(client: TestClient, database: Database, api_key: str) -> None:
    answer = file(client, api_key, **STREET_LIGHT)
    assert answer.status_code == 200, answer.text
    [filed] = answer.json()
    code = parse_tracking_code(filed["service_request_id"])
    assert code.kiosk_number == 9999 and code.seq == 1
    assert filed["account_id"] is None and filed["service_notice"]
    with database.read() as session:
        row = session.get_one(Request, filed["token"])
    assert row.kiosk_id is None and row.channel == "open311"
    assert row.answers["address"] == "Enghelab St 10"
    assert row.answers["description"] == "Three lights flicker"
    assert row.answers["anonymous"] is True
    assert row.open311 is not None and row.open311["lat"] == 35.7
    [shown] = client.get(f"{V2}/requests/{filed['service_request_id']}.json").json()
    assert shown["service_request_id"] == filed["service_request_id"]
    assert shown["status"] == "open" and shown["service_code"] == "street-lights"
    # the address and description answers are free text a citizen typed: not published
    assert shown["address"] == "District 2" and shown["address_id"] == "2"
    assert shown["description"] is None
    assert {"code": "problem_type", "value": "flickering"} in shown["attributes"]
    assert (shown["lat"], shown["long"]) == (35.7, 51.4)
    assert shown["requested_datetime"] == "2026-11-27T09:00:00Z"
    dashed = format_tracking_code(filed["service_request_id"])
    assert client.get(f"{V2}/requests/{dashed}.json").status_code == 200
    token = client.get(f"{V2}/tokens/{filed['token']}.json").json()
    assert token == [{"service_request_id": filed["service_request_id"], "token": filed["token"]}]
    second = file(client, api_key, **STREET_LIGHT).json()[0]
    assert parse_tracking_code(second["service_request_id"]).seq == 2


def test_multivaluelist_and_dates(client: TestClient, api_key: str) -> None:
    answer = file(
        client,
        api_key,
        service_code="business-licence-renewal",
        **{
            "attribute[national_code]": "0499370899",
            "attribute[mobile]": "09121234567",
            "attribute[licence_number]": "777",
            "attribute[business_type]": "bakery",
            "attribute[district]": "3",
            "attribute[postal_code]": "1234567890",
            "attribute[documents][]": ["photo", "previous_licence"],
            "attribute[appointment_date]": "2026-11-30",
            "attribute[appointment_time]": "morning",
        },
    )
    assert answer.status_code == 200, answer.text


def test_filing_errors(
    client: TestClient, database: Database, api_key: str, clock: FakeClock
) -> None:
    missing_key = client.post(f"{V2}/requests.json", data={"service_code": "street-lights"})
    assert missing_key.status_code == 400
    assert missing_key.json() == [{"code": 400, "description": "api_key is required"}]
    bad_key = file(client, "o311_wrong", **STREET_LIGHT)
    assert bad_key.status_code == 403 and bad_key.json()[0]["code"] == 403
    assert file(client, api_key, service_code="nope").status_code == 404
    no_service = client.post(f"{V2}/requests.json", data={"api_key": api_key})
    assert no_service.status_code == 400
    invalid = file(
        client, api_key, **{**STREET_LIGHT, "attribute[district]": "99", "attribute[how_many]": ""}
    )
    assert invalid.status_code == 400
    descriptions = [e["description"] for e in invalid.json()]
    assert "attribute[district]: Select one of the options shown" in descriptions
    assert any(d.startswith("attribute[how_many]") for d in descriptions)
    unknown = file(client, api_key, **{**STREET_LIGHT, "attribute[colour]": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.json()[0]["description"]
    half = file(client, api_key, **{**STREET_LIGHT, "long": ""})
    assert half.status_code == 400
    with database.write() as session:
        row = apikeys.valid(session, api_key)
        assert row is not None
        apikeys.revoke(session, row.id, clock())
    assert file(client, api_key, **STREET_LIGHT).status_code == 403


def test_request_list_filters(
    client: TestClient, kiosk: SignedKiosk, database: Database, clock: FakeClock, api_key: str
) -> None:
    pushed = [
        kiosk.transaction(),
        kiosk.transaction(
            service="traffic",
            answers={
                "district": "5",
                "address": "Azadi Sq",
                "problem_type": "signal_fault",
                "anonymous": True,
            },
        ),
    ]
    results = kiosk.push(pushed).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    filed = file(client, api_key, **STREET_LIGHT).json()[0]["service_request_id"]
    with database.write() as session:
        row = session.get_one(Request, pushed[0]["id"])
        casework.set_status(session, row, "in_progress", "crew on the way", clock())
    with database.write() as session:
        row = session.get_one(Request, pushed[1]["id"])
        casework.set_status(session, row, "closed", "done", clock())

    def ids(**params: str) -> list[str]:
        answer = client.get(f"{V2}/requests.json", params=params)
        assert answer.status_code == 200, answer.text
        return sorted(r["service_request_id"] for r in answer.json())

    codes = [p["tracking_code"] for p in pushed]
    assert ids() == sorted([*codes, filed])
    assert ids(service_code="traffic") == [codes[1]]
    assert ids(service_code="traffic,street-lights") == sorted([*codes, filed])
    assert ids(status="closed") == [codes[1]]
    assert ids(status="open") == sorted([codes[0], filed])
    assert ids(service_request_id=f"{codes[0]},{filed}", status="closed") == sorted(
        [codes[0], filed]
    )  # service_request_id wins over the other filters
    assert ids(start_date="2026-11-27T08:00:00Z", end_date="2026-11-27T08:45:00Z") == codes
    assert ids(start_date="2026-11-27T12:30:00+03:30") == [filed]  # 09:00 UTC
    [progress] = client.get(f"{V2}/requests/{codes[0]}.json").json()
    assert (
        progress["status"] == "open" and progress["status_notes"] == "in progress: crew on the way"
    )
    [closed] = client.get(f"{V2}/requests/{codes[1]}.json").json()
    assert closed["status"] == "closed" and closed["status_notes"] == "done"
    assert closed["updated_datetime"].endswith("Z")
    clock.advance(days=120)
    assert ids() == []  # 90 days by default


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"start_date": "2026-11-27"}, "timezone"),
        ({"start_date": "yesterday"}, "W3C datetime"),
        ({"status": "pending"}, "open or closed"),
        ({"service_request_id": "123"}, "service_request_id"),
        ({"start_date": "2026-11-28T00:00:00Z", "end_date": "2026-11-27T00:00:00Z"}, "after"),
    ],
)
def test_bad_filters_are_400(client: TestClient, params: dict[str, str], needle: str) -> None:
    answer = client.get(f"{V2}/requests.json", params=params)
    assert answer.status_code == 400
    assert needle in answer.json()[0]["description"]


def test_surveys_are_not_open311_requests(client: TestClient, kiosk: SignedKiosk) -> None:
    survey = kiosk.transaction(
        {
            "national_code": "0499370899",
            "district": "3",
            "cleaning": "4",
            "green_space": "3",
            "streets": "2",
            "transport": "5",
            "responsiveness": "1",
        },
        service="district-survey-1405-autumn",
    )
    assert kiosk.push([survey]).json()["results"][0]["status"] == "accepted"
    assert client.get(f"{V2}/requests.json").json() == []
    assert client.get(f"{V2}/requests/{survey['tracking_code']}.json").status_code == 404


def test_jalali_conversion_of_gregorian_dates() -> None:
    from cityserver.open311 import _as_jalali

    assert _as_jalali("2026-11-30") == JalaliDate.from_gregorian(dt.date(2026, 11, 30)).isoformat()
    assert _as_jalali("1405-09-09") == "1405-09-09"


# -- the POST body is bounded and checked (issue 9, items 1 and 7) ------------------------------


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("media_url", "javascript:alert(1)", "media_url: must be an http:// or https:// URL"),
        ("media_url", "data:text/html,<b>x</b>", "media_url: must be an http"),
        ("description", "x" * 900_000, None),  # over the body limit: 413 before it is read
        ("description", "x" * 4001, "description: at most 4000 characters"),
        ("first_name", "Ali\x1b[2J", "first_name: control characters are not allowed"),
        ("address_string", "Enghelab\u202eSt", "address_string: control characters"),
        ("description", "bell\x07", "description: control characters are not allowed"),
    ],
)
def test_standard_fields_are_checked(
    client: TestClient, api_key: str, database: Database, field: str, value: str, needle: str | None
) -> None:
    answer = file(client, api_key, **{**STREET_LIGHT, field: value})
    if needle is None:
        assert answer.status_code == 413
    else:
        assert answer.status_code == 400, answer.text
        assert answer.json()[0]["description"].startswith(needle)
    with database.read() as session:
        assert session.query(Request).count() == 0


def test_line_breaks_are_fine_in_a_description(client: TestClient, api_key: str) -> None:
    answer = file(client, api_key, **{**STREET_LIGHT, "description": "two\r\nlines\tok"})
    assert answer.status_code == 200, answer.text
    http = file(client, api_key, **{**STREET_LIGHT, "media_url": "https://img.example/1.jpg"})
    assert http.status_code == 200, http.text


def test_multipart_is_refused_before_anything_is_parsed(client: TestClient, api_key: str) -> None:
    answer = client.post(
        f"{V2}/requests.json",
        data={"api_key": api_key, "service_code": "street-lights"},
        files={"photo": ("a.jpg", b"\xff" * 1000, "image/jpeg")},
    )
    assert answer.status_code == 415
    assert "multipart" in answer.json()[0]["description"]


def test_form_fields_are_capped(client: TestClient, api_key: str) -> None:
    many = "&".join(f"f{i}=1" for i in range(300))
    answer = client.post(
        f"{V2}/requests.json",
        content=f"api_key={api_key}&service_code=street-lights&{many}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400 and "more than 200 fields" in answer.json()[0]["description"]


# -- publishing by allow-list (issue 9, item 1) ------------------------------------------------

RESIDENCE = {
    "national_code": "0499370899",
    "mobile": "09121234567",
    "postal_code": "1234567890",
    "district": "3",
    "address": "Pasdaran St, alley 4, No. 12 (my home)",
    "years_at_address": 5,
    "residence_type": "owner",
    "purpose": "school",
    "appointment_date": "1405-09-08",
    "appointment_time": "morning",
}


def _residence(catalog_service: str = "residence-certificate") -> dict[str, Any]:
    from kiosk.catalog import load_default_catalog

    service = load_default_catalog().service(catalog_service)
    answers = dict(RESIDENCE)
    for key in ("residence_type", "purpose", "appointment_time"):
        answers[key] = service.field(key).choices[0].value
    return answers


def test_nothing_personal_and_no_private_service_in_anonymous_reads(
    client: TestClient, kiosk: SignedKiosk
) -> None:
    named = kiosk.transaction(
        {
            **STREET_LIGHT_ANSWERS,
            "anonymous": True,
            "description": "Reza Karimi at 09121234567 says the light is out",
        }
    )
    certificate = kiosk.transaction(_residence(), service="residence-certificate")
    message = kiosk.transaction(
        {"message_kind": "complaint", "subject": "Noise", "message": "From my neighbour Ali"},
        service="message-to-municipality",
    )
    results = kiosk.push([named, certificate, message]).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 3, results
    listed = client.get(f"{V2}/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [named["tracking_code"]]
    text = json.dumps(client.get(f"{V2}/requests.json").json(), ensure_ascii=False)
    for secret in ("Reza", "09121234567", "Vali-Asr", "Pasdaran", "0499370899", "neighbour"):
        assert secret not in text
    for hidden in (certificate, message):  # enumerating codes reveals nothing
        one = client.get(f"{V2}/requests/{hidden['tracking_code']}.json")
        assert one.status_code == 404
        assert one.json() == [
            {
                "code": 404,
                "description": f"service_request_id {hidden['tracking_code']!r} not found",
            }
        ]
        by_id = client.get(
            f"{V2}/requests.json", params={"service_request_id": hidden["tracking_code"]}
        )
        assert by_id.json() == []


STREET_LIGHT_ANSWERS = {
    "district": "2",
    "address": "Vali-Asr St, near Tajrish square",
    "problem_type": "off",
    "how_many": "one",
    "anonymous": True,
}


def test_start_date_cannot_lift_the_90_day_window(
    client: TestClient, kiosk: SignedKiosk, clock: FakeClock, api_key: str
) -> None:
    old = kiosk.transaction(STREET_LIGHT_ANSWERS)
    assert kiosk.push([old]).json()["results"][0]["status"] == "accepted"
    clock.advance(days=120)
    for params in (
        {},
        {"start_date": "2000-01-01T00:00:00Z"},
        {"end_date": "2026-12-01T00:00:00Z"},
    ):
        assert client.get(f"{V2}/requests.json", params=params).json() == [], params
    keyed = client.get(
        f"{V2}/requests.json", params={"start_date": "2000-01-01T00:00:00Z", "api_key": api_key}
    ).json()
    assert [r["service_request_id"] for r in keyed] == [old["tracking_code"]]
    assert client.get(f"{V2}/requests/{old['tracking_code']}.json").status_code == 200


def test_an_api_key_sees_private_services_but_never_personal_answers(
    client: TestClient, kiosk: SignedKiosk, api_key: str
) -> None:
    certificate = kiosk.transaction(_residence(), service="residence-certificate")
    assert kiosk.push([certificate]).json()["results"][0]["status"] == "accepted"
    [entry] = client.get(
        f"{V2}/requests/{certificate['tracking_code']}.json", params={"api_key": api_key}
    ).json()
    assert entry["service_code"] == "residence-certificate" and entry["status"] == "open"
    assert entry["attributes"] == [] and entry["address"] is None and entry["lat"] is None
    wrong = client.get(f"{V2}/requests.json", params={"api_key": "o311_wrong"})
    assert wrong.status_code == 403


def test_published_free_text_is_masked(
    client: TestClient, kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    bus = kiosk.transaction(
        {
            "district": "6",
            "address": "Enghelab Sq",
            "transport_mode": "bus",
            "line": "7: 0912 123 4567, a@b.ir, ۰۴۹۹۳۷۰۸۹۹",
            "problem_type": "waiting_time",
            "anonymous": True,
        },
        service="public-transport",
    )
    results = kiosk.push([bus]).json()["results"]
    assert results[0]["status"] == "accepted", results
    with database.write() as session:
        row = session.get_one(Request, bus["id"])
        casework.set_status(session, row, "in_progress", "called back on +98 912 765 4321", clock())
    [entry] = client.get(f"{V2}/requests/{bus['tracking_code']}.json").json()
    line = next(a["value"] for a in entry["attributes"] if a["code"] == "line")
    assert line == "7: ***, ***, ***"
    assert entry["status_notes"] == "in progress: called back on ***"


def test_a_stored_unsafe_media_url_is_not_republished(
    client: TestClient, database: Database, api_key: str
) -> None:
    filed = file(client, api_key, **STREET_LIGHT).json()[0]
    with database.write() as session:
        row = session.get_one(Request, filed["token"])
        row.open311 = {**(row.open311 or {}), "media_url": "javascript:alert(1)"}
    [entry] = client.get(f"{V2}/requests/{filed['service_request_id']}.json").json()
    assert entry["media_url"] is None
