"""The REST source against a real local HTTP server (http.server on
127.0.0.1): pagination, retries on 500 / 429 / connection errors, fail fast on
404, and the row checks on JSON records."""

from __future__ import annotations

import socket
import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest_sources import (
    JsonHandler,
    json_server,
    reasons,
    records_as_tuples,
    serving,
    source_config,
)

from sync_worker.sources import SourceError, build_source
from sync_worker.sources.rest import RestSource, dig, url_for_logs

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
COLUMNS = {"record_id": "id", "employee_key": "employee.badge", "value": "amount"}
# Fast retries: the tests measure behaviour, not patience.
QUICK = {"backoff": 0.01, "max_backoff": 0.05, "timeout": 5}


def record(number, badge="TL1002", day="2024-03-04", amount=100.0):
    return {"id": number, "employee": {"badge": badge}, "date": day, "amount": amount}


def rest_source(url, **options):
    config = source_config(
        "rest", columns=COLUMNS, options={"url": url, **QUICK, **options}
    )
    return build_source(config)


class ScriptedHandler(JsonHandler):
    """One server, many scripted paths; the number of earlier requests to the
    same path says which answer comes."""

    def answer(self, path):
        parts = urlsplit(path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        earlier = sum(
            urlsplit(seen).path == parts.path for seen in self.server.requests[:-1]
        )
        return getattr(self, "route_" + parts.path.strip("/"))(query, earlier)

    # "next" link pagination: a relative link, then an absolute one, then null.
    def route_cursor(self, query, earlier):
        host, port = self.server.server_address[:2]
        pages = {
            None: (
                [record(1), record(2, badge="TL1003", amount="250.5")],
                "/cursor?after=2",
            ),
            "2": (
                [
                    record(3, day="2024-02-30"),  # bad date: rejected
                    "not an object",  # rejected
                    record(4, amount="n/a"),  # non-numeric: rejected
                ],
                f"http://{host}:{port}/cursor?after=4",
            ),
            "4": ([record(5, badge=None), record(6, day="2023-12-31")], None),
        }
        data, next_link = pages[query.get("after")]
        return 200, {"data": data, "next": next_link}, {}

    # page/limit pagination over 5 records.
    def route_paged(self, query, earlier):
        records = [record(n, day=f"2024-01-0{n}") for n in range(1, 6)]
        page, limit = int(query["page"]), int(query["limit"])
        body = {"result": {"items": records[(page - 1) * limit : page * limit]}}
        return 200, body, {}

    def route_flaky(self, query, earlier):
        if earlier == 0:
            return 500, {"error": "database hiccup"}, {}
        return 200, {"data": [record(1)], "next": None}, {}

    def route_busy(self, query, earlier):
        if earlier == 0:
            return 429, {"error": "slow down"}, {"Retry-After": "1"}
        return 200, {"data": [record(1)], "next": None}, {}

    def route_very_busy(self, query, earlier):
        return 429, {"error": "come back tomorrow"}, {"Retry-After": "86400"}

    def route_missing(self, query, earlier):
        return 404, {"error": "no such collection"}, {}

    def route_broken(self, query, earlier):
        return 503, {"error": "down"}, {}

    def route_html(self, query, earlier):
        return 200, b"<html>login page</html>", {}

    def route_slow(self, query, earlier):
        time.sleep(1.5)
        return 200, {"data": []}, {}

    def route_plain(self, query, earlier):
        return 200, [record(1), record(2)], {}

    def route_loop(self, query, earlier):
        return 200, {"data": [record(earlier)], "next": "/loop?again=1"}, {}


@pytest.fixture
def server():
    instance = json_server(ScriptedHandler)
    with serving(instance) as base_url:
        instance.base_url = base_url
        yield instance


def test_next_link_pagination_reads_every_page_and_rejects_bad_items(server):
    batch = rest_source(server.base_url + "/cursor").read(*YEAR)
    assert records_as_tuples(batch) == [
        ("1", "TL1002", date(2024, 3, 4), 100.0, "SALES_REV"),
        ("2", "TL1003", date(2024, 3, 4), 250.5, "SALES_REV"),
    ]
    # Each bad item names its page and position; the date before the range
    # (record 6) is left out without a word.
    assert reasons(batch) == [
        "page 2 item 2: not a JSON object: 'not an object'",
        "page 2 item 1: bad date '2024-02-30': expected YYYY-MM-DD",
        "page 2 item 3: non-numeric value 'n/a'",
        "page 3 item 1: missing employee key (barcode)",
    ]
    # The range goes as start/end on the first request; the next links carry
    # their own query.
    assert server.requests == [
        "/cursor?start=2024-01-01&end=2024-12-31",
        "/cursor?after=2",
        "/cursor?after=4",
    ]


def test_page_and_limit_pagination_stops_at_a_short_page(server):
    source = rest_source(
        server.base_url + "/paged",
        pagination="page",
        page_size=2,
        records_path="result.items",
        start_param="from",
        end_param=None,  # not sent
        params={"team": "east"},
    )
    batch = source.read(*YEAR)
    assert list(batch.records["record_id"]) == ["1", "2", "3", "4", "5"]
    assert [parse_qs(urlsplit(path).query) for path in server.requests] == [
        {"team": ["east"], "from": ["2024-01-01"], "limit": ["2"], "page": [str(n)]}
        for n in (1, 2, 3)
    ]


def test_full_last_page_costs_one_more_empty_request(server):
    source = rest_source(
        server.base_url + "/paged",
        pagination="page",
        page_size=5,
        records_path="result.items",
    )
    assert len(source.read(*YEAR).records) == 5
    assert len(server.requests) == 2  # page 2 is empty: the end


def test_500_is_retried_then_the_200_is_read(server):
    batch = rest_source(server.base_url + "/flaky").read(*YEAR)
    assert list(batch.records["record_id"]) == ["1"]
    assert len(server.requests) == 2


def test_429_waits_what_retry_after_says(server):
    started = time.monotonic()
    batch = rest_source(server.base_url + "/busy").read(*YEAR)
    # The backoff alone would wait 0.01 s: the second request came after the
    # server's Retry-After of 1 s.
    assert time.monotonic() - started >= 1.0
    assert list(batch.records["record_id"]) == ["1"]
    assert len(server.requests) == 2


def test_retry_after_beyond_the_limit_fails_at_once(server):
    with pytest.raises(SourceError, match="retry after 86400 s"):
        rest_source(server.base_url + "/very_busy").read(*YEAR)
    assert len(server.requests) == 1


def test_404_fails_fast_without_retrying(server):
    with pytest.raises(SourceError, match="HTTP 404 Not Found") as error:
        rest_source(server.base_url + "/missing", max_retries=5).read(*YEAR)
    assert "no such collection" in str(error.value)
    assert len(server.requests) == 1


def test_retries_are_limited(server):
    with pytest.raises(SourceError, match="HTTP 503 .* gave up after 3 attempts"):
        rest_source(server.base_url + "/broken", max_retries=2).read(*YEAR)
    assert len(server.requests) == 3


def test_timeout_is_retried_then_gives_up(server):
    source = rest_source(server.base_url + "/slow", timeout=0.3, max_retries=1)
    with pytest.raises(SourceError, match="ReadTimeout.* gave up after 2 attempts"):
        source.read(*YEAR)
    assert len(server.requests) == 2


def test_connection_refused_is_retried_then_gives_up():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = rest_source(f"http://127.0.0.1:{port}/x?api_key=secret", max_retries=2)
    with pytest.raises(SourceError) as error:
        source.read(*YEAR)
    message = str(error.value)
    assert "ConnectionError" in message and "gave up after 3 attempts" in message
    assert message.startswith(f"source 'test': http://127.0.0.1:{port}/x: ")


def test_answer_that_is_not_json_or_lacks_the_records_fails(server):
    with pytest.raises(SourceError, match="did not answer JSON"):
        rest_source(server.base_url + "/html").read(*YEAR)
    with pytest.raises(SourceError, match="no 'data' in the answer"):
        rest_source(server.base_url + "/paged?page=1&limit=1").read(*YEAR)


def test_body_that_is_the_list_and_bearer_token(server, monkeypatch):
    monkeypatch.setenv("TL_WTEST_TOKEN", "t0ken")
    source = rest_source(
        server.base_url + "/plain",
        records_path="",
        pagination="none",
        token_env="TL_WTEST_TOKEN",
        headers={"X-Tenant": "east"},
    )
    assert len(source.read(*YEAR).records) == 2
    headers = server.headers[0]
    assert headers["Authorization"] == "Bearer t0ken"
    assert headers["X-Tenant"] == "east"
    assert headers["User-Agent"] == "trainlink-sync-worker"


def test_next_link_that_loops_fails(server):
    with pytest.raises(SourceError, match="loops back"):
        rest_source(server.base_url + "/loop").read(*YEAR)


# ------------------------------------------------------------- units --


def test_bad_options_and_helpers():
    with pytest.raises(SourceError, match="option `url` is required"):
        RestSource(source_config("rest", options={}))
    with pytest.raises(SourceError, match="pagination must be next, page or none"):
        RestSource(source_config("rest", options={"url": "http://x", "pagination": 1}))
    assert dig({"a": {"b": [1]}}, "a.b") == [1]
    assert dig([1], "") == [1]
    with pytest.raises(KeyError):
        dig({"a": 1}, "a.b")
    assert url_for_logs("https://h/p?token=x#f") == "https://h/p"
