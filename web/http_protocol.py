"""The HTTP/1.1 protocol `flicklist serve` runs: uvicorn's on httptools (a C parser: a
request costs about 80 µs less than on h11, a quarter of an empty search: README, "Benchmark"),
with the one defence h11 has and httptools lacks: a request head still unfinished past the
limit gets a 400 and its connection closed, rather than growing in memory. A head that ends
within the limit but is larger than the app allows gets the app's 431
(middleware/request_limits.py)."""

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class BoundedHeadProtocol(HttpToolsProtocol):
    """The limit is uvicorn's own setting for it, `h11_max_incomplete_event_size` (a class,
    not a closure over the limit: workers receive the server's configuration pickled)."""

    reading_head = False
    head_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.reading_head, self.head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self.reading_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self.reading_head:
            return
        self.head_bytes += len(data)
        if self.head_bytes > self.config.h11_max_incomplete_event_size and not self.transport.is_closing():
            self.send_400_response("Invalid HTTP request received.")
