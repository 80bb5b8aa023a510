"""Open311 GeoReport v2: the service list and service definitions (``.json`` only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from cityserver import open311
from cityserver.deps import State, not_in_maintenance, public_rate_limit

router = APIRouter(
    prefix="/open311/v2",
    tags=["open311"],
    dependencies=[Depends(not_in_maintenance), Depends(public_rate_limit)],
)
Locale = Annotated[str, Query(description="fa or en (default en)")]
Jurisdiction = Annotated[str | None, Query(description="accepted and ignored: one city")]


def check_format(fmt: str) -> None:
    if fmt != "json":
        raise open311.Open311Error(400, f"format {fmt!r} is not supported; use .json")


def language(locale: str) -> str:
    return "fa" if locale.lower().startswith("fa") else "en"


@router.get("/services.{fmt}")
def services(
    fmt: str, state: State, locale: Locale = "en", jurisdiction_id: Jurisdiction = None
) -> list[dict[str, Any]]:
    """Every service a citizen can file (one per catalog service of kind ``request``)."""
    check_format(fmt)
    with state.db.read() as session:
        catalog = state.catalogs.current(session).catalog
    lang = language(locale)
    return [open311.service_entry(catalog, s, lang) for s in open311.listed_services(catalog)]


@router.get("/services/{service_code}.{fmt}")
def service_definition(
    service_code: str,
    fmt: str,
    state: State,
    locale: Locale = "en",
    jurisdiction_id: Jurisdiction = None,
) -> dict[str, Any]:
    """The questions of one service, as GeoReport attributes."""
    check_format(fmt)
    with state.db.read() as session:
        catalog = state.catalogs.current(session).catalog
    service = open311.listed_service(catalog, service_code)
    return open311.service_definition(catalog, service, language(locale))
