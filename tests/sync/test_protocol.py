"""Signing: both sides compute the same signature; any change to what was signed breaks it."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from sync import protocol as p

SECRET = p.new_secret()


def test_sign_and_verify() -> None:
    body = b'{"transactions":[]}'
    sig = p.sign(SECRET, "POST", p.PATH_TRANSACTIONS, 1_800_000_000, "n1", body)
    assert p.verify(SECRET, sig, "post", p.PATH_TRANSACTIONS, 1_800_000_000, "n1", body)
    for changed in (
        ("POST", p.PATH_STATUSES, 1_800_000_000, "n1", body),
        ("POST", p.PATH_TRANSACTIONS, 1_800_000_001, "n1", body),
        ("POST", p.PATH_TRANSACTIONS, 1_800_000_000, "n2", body),
        ("POST", p.PATH_TRANSACTIONS, 1_800_000_000, "n1", body + b" "),
        ("GET", p.PATH_TRANSACTIONS, 1_800_000_000, "n1", body),
    ):
        assert not p.verify(SECRET, sig, *changed)
    assert not p.verify(p.new_secret(), sig, "POST", p.PATH_TRANSACTIONS, 1_800_000_000, "n1", body)


def test_string_to_sign_layout() -> None:
    s = p.string_to_sign("get", "/api/v1/statuses?limit=5&since=3", 42, "abc", b"")
    assert s.decode().split("\n") == [
        "KIOSK-HMAC-SHA256/v1",
        "GET",
        "/api/v1/statuses?limit=5&since=3",
        "42",
        "abc",
        hashlib.sha256(b"").hexdigest(),
    ]


def test_canonical_target_sorts_the_query() -> None:
    assert p.canonical_target("/x", "since=3&limit=5") == "/x?limit=5&since=3"
    assert p.canonical_target("/x", {"since": "3", "limit": "5"}) == "/x?limit=5&since=3"
    assert p.canonical_target("/x") == "/x"


def test_signed_headers() -> None:
    headers = p.signed_headers("kiosk-1", SECRET, "GET", "/x", b"", 7, nonce="nn")
    assert headers[p.H_KIOSK] == "kiosk-1" and headers[p.H_TIMESTAMP] == "7"
    assert p.verify(SECRET, headers[p.H_SIGNATURE], "GET", "/x", 7, "nn", b"")


@given(st.binary(max_size=200), st.integers(0, 2**40), st.text(min_size=1, max_size=20))
def test_any_body_round_trips(body: bytes, ts: int, nonce: str) -> None:
    sig = p.sign(SECRET, "POST", "/p", ts, nonce, body)
    assert p.verify(SECRET, sig, "POST", "/p", ts, nonce, body)


def test_secrets_and_nonces_are_fresh() -> None:
    assert len({p.new_secret() for _ in range(50)}) == 50
    assert len({p.new_nonce() for _ in range(50)}) == 50
