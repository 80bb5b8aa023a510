"""A fault-injecting TCP proxy for sync tests: the network between kiosk and city, made bad.

Each accepted connection gets one fate, drawn from a seeded random generator (or forced):

* ``pass``: bytes flow both ways untouched;
* ``drop``: the connection is closed at once, before the request reaches the server;
* ``reset``: the request reaches the server (which commits), and the connection is reset in
  the middle of the server's answer, so the kiosk never learns what happened;
* ``delay``: like ``pass``, after a pause;
* ``error``: the proxy answers 502/503/500 itself without contacting the server;
* ``busy``: the proxy answers 503 with ``Retry-After: 120`` (only when forced).

Every connection carries exactly one request (the proxy rewrites it to ``Connection: close``),
so the fates apply per request even though the kiosk's HTTP client keeps connections alive.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

FATES = ("pass", "drop", "reset", "delay", "error")


@dataclass
class Faults:
    """Probabilities of each fate (the rest pass)."""

    drop: float = 0.0
    reset: float = 0.0
    delay: float = 0.0
    error: float = 0.0
    delay_s: float = 0.3
    answer_delay_s: float = 0.0  # with "delay": also hold the server's answer (it has committed)
    seed: int = 1
    forced: list[str] = field(default_factory=list)  # fates for the next connections, in order


Rewrite = Callable[[bytes, bytes], bytes]  # (request, answer) -> the answer to deliver


class FaultyProxy:
    def __init__(
        self, upstream_port: int, faults: Faults | None = None, rewrite: Rewrite | None = None
    ) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.rewrite = rewrite
        self.faults = faults or Faults()
        self.rng = random.Random(self.faults.seed)
        self.lock = threading.Lock()
        self.fates: Counter[str] = Counter()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultyProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closed.set()
        self.listener.close()

    def set_faults(self, faults: Faults) -> None:
        with self.lock:
            self.faults = faults
            self.rng = random.Random(faults.seed)

    def _fate(self) -> str:
        with self.lock:
            f = self.faults
            if f.forced:
                fate = f.forced.pop(0)
            else:
                roll = self.rng.random()
                fate = "pass"
                edge = 0.0
                for name, p in (
                    ("drop", f.drop),
                    ("reset", f.reset),
                    ("delay", f.delay),
                    ("error", f.error),
                ):
                    edge += p
                    if roll < edge:
                        fate = name
                        break
            self.fates[fate] += 1
            return fate

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client, self._fate()), daemon=True).start()

    def _handle(self, client: socket.socket, fate: str) -> None:
        try:
            if fate == "drop":
                _reset(client)
                return
            request = _force_close(_read_request(client))
            if not request:
                client.close()
                return
            if fate == "busy":
                client.sendall(
                    b"HTTP/1.1 503 Busy\r\nRetry-After: 120\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\n\r\n"
                )
                client.close()
                return
            if fate == "error":
                status = self.rng.choice([500, 502, 503])
                client.sendall(
                    f"HTTP/1.1 {status} Injected\r\nContent-Length: 0\r\n"
                    "Connection: close\r\n\r\n".encode()
                )
                client.close()
                return
            if fate == "delay":
                time.sleep(self.faults.delay_s)
            upstream = socket.create_connection(self.upstream, timeout=60)
            upstream.sendall(request)
            if fate == "reset":
                first = upstream.recv(16)  # the server has answered: it has committed
                if first:
                    client.sendall(first[:8])
                upstream.close()
                _reset(client)
                return
            answer = b""
            while True:  # the answer, until the server closes (Connection: close)
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                answer += chunk
            if fate == "delay" and self.faults.answer_delay_s:
                time.sleep(self.faults.answer_delay_s)
            if self.rewrite is not None:
                answer = self.rewrite(request, answer)
            client.sendall(answer)
            upstream.close()
            client.close()
        except OSError:
            with contextlib.suppress(OSError):
                client.close()


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN: the peer sees 'connection reset'."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _force_close(request: bytes) -> bytes:
    head, sep, body = request.partition(b"\r\n\r\n")
    if not sep:
        return request
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def replace_body(answer: bytes, body: bytes) -> bytes:
    """The same HTTP answer with another body (Content-Length fixed)."""
    head, _, _ = answer.partition(b"\r\n\r\n")
    lines = [
        line for line in head.split(b"\r\n") if not line.lower().startswith(b"content-length:")
    ]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
