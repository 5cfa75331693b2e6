"""Helpers shared by the source adapter tests (test_sources_*.py,
test_demo_source.py), imported from them: a SourceConfig builder and a real
local HTTP server."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sync_worker.config import SourceConfig
from sync_worker.sources import SourceBatch


def source_config(kind: str, **fields) -> SourceConfig:
    """A SourceConfig named "test" with one KPI (SALES_REV) unless given."""
    fields.setdefault("name", "test")
    if "kpi_column" not in fields:
        fields.setdefault("kpi_code", "SALES_REV")
    return SourceConfig(kind=kind, **fields)


def reasons(batch: SourceBatch) -> list[str]:
    return [rejection.reason for rejection in batch.rejected]


def records_as_tuples(batch: SourceBatch) -> list[tuple]:
    """(record_id, employee_key, date, value, kpi_code) of each record."""
    columns = ["record_id", "employee_key", "date", "value", "kpi_code"]
    return [tuple(row) for row in batch.records[columns].itertuples(index=False)]


@contextlib.contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve in a thread; yields the base URL; always shuts down."""
    # A short poll interval: shutdown() waits for the loop to notice.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class JsonHandler(BaseHTTPRequestHandler):
    """Base for scripted test servers: subclasses implement answer(path)
    returning (status, body, headers); every request's path and headers are
    recorded on the server (server.requests, server.headers)."""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.server.requests.append(self.path)
        self.server.headers.append(dict(self.headers))
        status, body, headers = self.answer(self.path)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def answer(self, path: str) -> tuple[int, object, dict]:
        raise NotImplementedError

    def log_message(self, format, *args):  # noqa: A002 - quiet in tests
        pass


def json_server(handler: type[JsonHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []
    server.headers = []
    server.daemon_threads = True
    return server
