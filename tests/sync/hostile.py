"""A hostile "city server" for sync tests: a tiny ``http.server`` on loopback that answers
whatever a test tells it to (bad JSON, HTML, wrong shapes, absurd waits and clocks).

It checks no signature; every answer is a :class:`Answer` chosen per path (the path without
its query), or the default one. Every request it got is kept, for assertions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sync import protocol as p


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Answer:
        return cls(
            status, json.dumps(data).encode(), {"Content-Type": "application/json", **headers}
        )


# What a well-behaved server answers, so that a test only spells out what goes wrong.
def good_answers() -> dict[str, Answer]:
    return {
        p.PATH_TIME: Answer.json({"server_time": 1.8e9}),
        p.PATH_TRANSACTIONS: Answer.json({"results": [], "server_time": 1.8e9}),
        p.PATH_STATUSES: Answer.json({"updates": [], "cursor": 0, "more": False}),
        p.PATH_ANNOUNCEMENTS: Answer.json({"announcements": [], "cursor": 0, "more": False}),
        p.PATH_CATALOG: Answer(304, b""),
        p.PATH_HEARTBEAT: Answer.json({"server_time": 1.8e9}),
        p.PATH_ENROLL: Answer.json(
            {"kiosk_id": "k-1", "kiosk_number": 7, "secret": p.new_secret(), "server_time": 1.8e9}
        ),
    }


class HostileServer:
    def __init__(self) -> None:
        self.answers = good_answers()
        self.requests: list[tuple[str, str]] = []  # (method, path)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                server.requests.append((self.command, path))
                answer = server.answers.get(path, Answer(404, b"not here"))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str, answer: Answer) -> None:
        self.answers[path] = answer

    def everywhere(self, answer: Answer) -> None:
        """The same answer on every path."""
        for path in list(self.answers):
            self.answers[path] = answer


@contextmanager
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
