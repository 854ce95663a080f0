"""The HTTP/1.1 protocol `flicklist serve` runs: uvicorn's on httptools (a C parser, cheaper
per request than h11: bench/results.md, "The page targets on three machines"), with the
defences against slow or greedy clients that uvicorn leaves out:

- a request head still unfinished past `h11_max_incomplete_event_size` bytes gets a 400 and
  its connection closed, rather than growing in memory (h11 has this bound, httptools not);
- a request head must arrive whole within `head_timeout_seconds` of the connection opening,
  or of the previous response ending, else a 408 and the connection closed: a connection
  that sends `GET / HTTP/1.1` and nothing more no longer holds a slot of `limit_concurrency`;
- a client address holds at most `connections_per_client` open connections (in each worker
  process); past that a new one gets a 503 and is closed. A trusted proxy is exempt: every
  client behind it shares its address, and X-Forwarded-For is not known before the head.

A head that ends within the limits but is larger than the app allows gets the app's 431
(middleware/request_limits.py)."""

import asyncio
import ipaddress
from collections import Counter
from functools import lru_cache

import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol


class ServeConfig(uvicorn.Config):
    """uvicorn's configuration with the limits above: a class of its own rather than attributes
    set on the protocol class, because workers receive the configuration pickled."""

    def __init__(
        self, *args, head_timeout_seconds: float, connections_per_client: int, trusted_proxies: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.head_timeout_seconds = head_timeout_seconds
        self.connections_per_client = connections_per_client
        self.trusted_proxies = trusted_proxies


@lru_cache(maxsize=4096)
def is_trusted_proxy(host: str, trusted_proxies: str) -> bool:
    """`host` is named by FLICKLIST_TRUSTED_PROXIES (addresses or networks, comma-separated, or
    "*"), as uvicorn decides whose X-Forwarded-For it believes."""
    for entry in (item.strip() for item in trusted_proxies.split(",")):
        if entry in ("*", host):
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


# Open connections per client address, in this worker process.
open_connections: Counter[str] = Counter()


class BoundedHeadProtocol(HttpToolsProtocol):
    config: ServeConfig
    reading_head = False
    head_bytes = 0
    head_clock: asyncio.TimerHandle | None = None
    counted_address: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else ""
        limit = self.config.connections_per_client
        if limit and not is_trusted_proxy(address, self.config.trusted_proxies):
            if open_connections[address] >= limit:
                self.logger.warning("Refused a connection from %s: %d open already.", address, limit)
                self.refuse(503, "Too many connections from your address.")
                return
            open_connections[address] += 1
            self.counted_address = address
        self.start_head_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_head_clock()
        if self.counted_address is not None:
            open_connections[self.counted_address] -= 1
            if not open_connections[self.counted_address]:
                del open_connections[self.counted_address]
            self.counted_address = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.reading_head, self.head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self.reading_head = False
        self.stop_head_clock()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Unless a pipelined request, whose head is in already, has started (or the connection is ending).
        if self.cycle.response_complete and not self.transport.is_closing():
            self.start_head_clock()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self.reading_head:
            return
        self.head_bytes += len(data)
        if self.head_bytes > self.config.h11_max_incomplete_event_size and not self.transport.is_closing():
            self.send_400_response("Invalid HTTP request received.")

    def start_head_clock(self) -> None:
        self.stop_head_clock()
        self.head_clock = self.loop.call_later(self.config.head_timeout_seconds, self.head_too_slow)

    def stop_head_clock(self) -> None:
        if self.head_clock is not None:
            self.head_clock.cancel()
            self.head_clock = None

    def head_too_slow(self) -> None:
        self.head_clock = None
        if not self.transport.is_closing():
            self.refuse(408, "The request did not arrive in time.")

    def refuse(self, status: int, message: str) -> None:
        """Answer `status` with `message` before any request has begun, then close the connection."""
        body = message.encode("ascii")
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: text/plain; charset=utf-8\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()
