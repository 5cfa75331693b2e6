"""The demo metrics source: a small JSON API serving deterministic daily metrics
of the add-on's demo employees, for the Compose stack and for trying the
worker's REST source without a real CRM or MES.

    python -m sync_worker.demo_source --port 8090 [--host 0.0.0.0]

    GET /health          {"status": "ok"}
    GET /api/sales       sales revenue (KPI SALES_REV, CNY) of Sales East, badges
                         TL1001-TL1009, per working day
    GET /api/production  output per hour (KPI OUTPUT_PER_HOUR) of the assembly
                         line, badges TL2001-TL2009, per working day

The metrics endpoints take start and end (YYYY-MM-DD, inclusive; default:
the whole range, the first day of the month twelve months ago to today), page
(from 1) and limit (records per page, default 100, at most 1000), and answer

    {"data": [{"id": "SALES_REV/TL1002/2025-01-06", "badge": "TL1002",
               "date": "2025-01-06", "value": 7412.57, "kpi": "SALES_REV"}, ...],
     "page": 1, "limit": 100, "total": 2340,
     "next": "/api/sales?start=...&end=...&page=2&limit=100"}   (null at the end)

A worker source for it: kind "rest", url http://<host>:8090/api/sales,
kpi_code SALES_REV, columns {record_id: id, employee_key: badge} (date and
value keep their names), employee_key_type barcode.

The same day always gives the same value: each person's level, a market
drift shared by everyone of the metric (so that a before/after comparison
alone would credit the course with it) and modest noise. The people who
completed a course in the add-on's demo data (Li Na TL1002 and Zhang Min
TL1003, Consultative Selling four months ago; Liu Yang TL2002, Lean Assembly
three months ago) perform better after their completion date, as in the demo
data; their untrained colleagues of the same job (six account executives,
TL1004-TL1009, and six assembly operators, TL2004-TL2009) do not, so that the
worker compares each trainee with at least the five peers the company's
default minimum asks for and finds a positive net contribution: the whole
95 % interval of Li Na's clears the default rule's "good" threshold (mostly
"excellent"), Zhang Min's is smaller (so was her exam score) but still a
verdict. With the add-on's default windows of three months a training is
measured once the third month after its completion month has ended:
Consultative Selling on the day the demo is installed, Lean Assembly a month
later.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import logging
import signal
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

_logger = logging.getLogger("sync_worker.demo_source")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
HISTORY_MONTHS = 12
DAYS_PER_MONTH = 365.25 / 12


# The market drift is counted in months from this day, so that a day's value
# does not depend on the day it is asked for.
DRIFT_EPOCH = date(2025, 1, 1)
# Each day's value lies within +-NOISE of the person's level.
NOISE = 0.10
# Good and weaker months alternate, by this share of the level, half of the
# people in step and the other half the other way. Noise alone draws three
# baseline months on a line now and then, which the add-on reads as trainee
# and peers moving apart before the course (inconclusive): the rhythm keeps
# the demo's verdicts whatever day it is installed.
RHYTHM = 0.02


@dataclass(frozen=True)
class Person:
    badge: str
    daily_base: float
    # Relative lift after completing a course this many months (plus one day)
    # before today, as the completion dates of the add-on's demo attendances.
    lift: float = 0.0
    completed_months_ago: int | None = None


@dataclass(frozen=True)
class Metric:
    kpi: str
    decimals: int
    people: tuple[Person, ...]
    # Relative change a month that moves everyone alike (the market).
    drift: float = 0.0


METRICS = {
    "sales": Metric(
        kpi="SALES_REV",
        decimals=2,
        drift=0.008,
        people=(
            Person("TL1001", 9200.0),  # Wang Wei, the manager
            Person("TL1002", 7000.0, lift=0.30, completed_months_ago=4),
            Person("TL1003", 6400.0, lift=0.14, completed_months_ago=4),
            # Untrained account executives: the trainees' peers.
            Person("TL1004", 6800.0),
            Person("TL1005", 7400.0),
            Person("TL1006", 6100.0),
            Person("TL1007", 7900.0),
            Person("TL1008", 6600.0),
            Person("TL1009", 7100.0),
        ),
    ),
    "production": Metric(
        kpi="OUTPUT_PER_HOUR",
        decimals=1,
        drift=0.004,
        people=(
            Person("TL2001", 41.0),  # Chen Jie, the line manager
            Person("TL2002", 36.0, lift=0.15, completed_months_ago=3),
            Person("TL2003", 38.5),  # absent from the course
            # Untrained assembly operators: Liu Yang's peers.
            Person("TL2004", 37.0),
            Person("TL2005", 35.5),
            Person("TL2006", 39.0),
            Person("TL2007", 36.5),
            Person("TL2008", 38.0),
            Person("TL2009", 34.5),
        ),
    ),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the
    month's last day (Jan 31 + 1 month = Feb 28/29), like relativedelta."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def history_range(today: date) -> tuple[date, date]:
    """The days served: from the first day of the month twelve months ago."""
    return add_months(today.replace(day=1), -HISTORY_MONTHS), today


def completion_date(person: Person, today: date) -> date | None:
    if person.completed_months_ago is None:
        return None
    return add_months(today, -person.completed_months_ago) + timedelta(days=1)


def daily_value(metric: Metric, person: Person, day: date, today: date) -> float:
    """Deterministic: the person's level grown by the market drift, with
    their month's rhythm, and a hash of (KPI, badge, day) picks the value
    within +-NOISE of that; the lift applies after their course."""
    digest = hashlib.sha256(f"{metric.kpi}/{person.badge}/{day}".encode()).digest()
    noise = int.from_bytes(digest[:4], "big") / 0xFFFFFFFF  # 0..1
    months = (day - DRIFT_EPOCH).days / DAYS_PER_MONTH
    market = (1 + metric.drift) ** months
    rhythm = RHYTHM if (day.month + int(person.badge[-1])) % 2 else -RHYTHM
    value = person.daily_base * market * (1 + rhythm - NOISE + 2 * NOISE * noise)
    completed = completion_date(person, today)
    if completed is not None and day > completed:
        value *= 1 + person.lift
    return round(value, metric.decimals)


def metric_records(metric: Metric, today: date, start: date, end: date) -> list[dict]:
    """The records of [start, end] within the history, in date then badge
    order (stable, so that pages never overlap or skip)."""
    first, last = history_range(today)
    day, last = max(start, first), min(end, last)
    records = []
    while day <= last:
        if day.weekday() < 5:  # working days only
            for person in metric.people:
                records.append(
                    {
                        "id": f"{metric.kpi}/{person.badge}/{day}",
                        "badge": person.badge,
                        "date": day.isoformat(),
                        "value": daily_value(metric, person, day, today),
                        "kpi": metric.kpi,
                    }
                )
        day += timedelta(days=1)
    return records


class BadRequest(ValueError):
    pass


class DemoSourceHandler(BaseHTTPRequestHandler):
    server_version = "TrainLinkDemoSource/1.0"
    # Set on the server by make_server.
    server: DemoSourceServer

    def do_GET(self):  # noqa: N802 - the name http.server calls
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        if path == "/health":
            self.send_json(HTTPStatus.OK, {"status": "ok"})
            return
        name = path.removeprefix("/api/")
        if not path.startswith("/api/") or name not in METRICS:
            known = ", ".join(f"/api/{name}" for name in METRICS)
            self.send_json(HTTPStatus.NOT_FOUND, {"error": f"not found; try {known}"})
            return
        try:
            body = self.metric_page(name, parse_qs(parts.query))
        except BadRequest as exc:
            self.send_json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        self.send_json(HTTPStatus.OK, body)

    def metric_page(self, name: str, query: dict[str, list[str]]) -> dict:
        today = self.server.today or date.today()
        first, last = history_range(today)
        start = _date_param(query, "start", first)
        end = _date_param(query, "end", last)
        page = _int_param(query, "page", 1, 1, None)
        limit = _int_param(query, "limit", self.server.page_size, 1, MAX_PAGE_SIZE)
        records = metric_records(METRICS[name], today, start, end)
        offset = (page - 1) * limit
        next_link = None
        if offset + limit < len(records):
            params = {"start": start, "end": end, "page": page + 1, "limit": limit}
            next_link = f"/api/{name}?{urlencode(params)}"
        return {
            "data": records[offset : offset + limit],
            "page": page,
            "limit": limit,
            "total": len(records),
            "next": next_link,
        }

    def send_json(self, status: HTTPStatus, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        _logger.info("%s %s", self.address_string(), format % args)


class DemoSourceServer(ThreadingHTTPServer):
    daemon_threads = True
    today: date | None = None  # None: the real today, read on every request
    page_size: int = DEFAULT_PAGE_SIZE


def make_server(
    host: str = "127.0.0.1",
    port: int = 8090,
    today: date | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> DemoSourceServer:
    """A server bound to (host, port), not yet serving; port 0 picks a free
    one (read it from server.server_address)."""
    server = DemoSourceServer((host, port), DemoSourceHandler)
    server.today = today
    server.page_size = page_size
    return server


def _date_param(query: dict[str, list[str]], name: str, default: date) -> date:
    if not query.get(name):
        return default
    text = query[name][-1]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, not {text!r}") from None


def _int_param(
    query: dict[str, list[str]], name: str, default: int, low: int, high: int | None
) -> int:
    if not query.get(name):
        return default
    text = query[name][-1]
    try:
        number = int(text)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {text!r}") from None
    if number < low or (high is not None and number > high):
        bounds = f"from {low}" + (f" to {high}" if high is not None else "")
        raise BadRequest(f"{name} must be {bounds}, not {number}")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync_worker.demo_source",
        description="Serve deterministic demo metrics (sales, production) as JSON.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    parser.add_argument("--port", type=int, default=8090, help="default 8090")
    parser.add_argument(
        "--page-size", type=int, default=DEFAULT_PAGE_SIZE, help="records per page"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="pretend today is this date (YYYY-MM-DD), for reproducible data",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    server = make_server(args.host, args.port, args.today, args.page_size)
    # docker stop sends SIGTERM: shut down like on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    _logger.info(
        "serving demo metrics on http://%s:%s (/health, %s)",
        host,
        port,
        ", ".join(f"/api/{name}" for name in METRICS),
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
