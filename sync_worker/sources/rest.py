"""A JSON API over HTTP (a CRM, an MES, the demo metrics source).

Options (SourceConfig.options):
    url              the collection's URL (required)
    params           extra query parameters (dict)
    headers          extra request headers (dict)
    token_env        environment variable holding a bearer token, sent as
                     "Authorization: Bearer <token>" (never logged)
    start_param      query parameter for the first date, YYYY-MM-DD (default
    end_param        "start" / "end"; null: not sent, the rows are filtered here)
    records_path     where the list of records is in the JSON body, dotted
                     ("data", "result.items"; "" when the body is the list).
                     Default "data". Nested objects are flattened with dots:
                     map {"employee": {"badge": ..}} with "employee.badge".
    pagination       "next" (default): follow the link at `next_path` (default
                     "next", absolute or relative URL) until it is null;
                     "page": send `page_param` (default "page", from
                     `first_page`, default 1) and `limit_param` (default "limit",
                     `page_size` records, default 100) until a page is short;
                     "none": one request.
    timeout          seconds per request (default 30)
    max_retries      retries of one request (default 5) on 5xx, 429 and
                     connection errors or timeouts, waiting `backoff` seconds
                     (default 1) doubled each time, at most `max_backoff` (60),
                     or what the server's Retry-After asks (up to
                     `max_retry_after`, default 300; more fails the source)
    max_pages        safety limit (default 10000)
    date_format, decimal, thousands   as for files

Any other 4xx fails the source at once: retrying a 401 or a 404 cannot help.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import pandas as pd
import requests

from .base import (
    Rejection,
    SourceBatch,
    SourceError,
    check_columns,
    empty_records,
    rows_to_batch,
)

if TYPE_CHECKING:
    from sync_worker.config import SourceConfig

_logger = logging.getLogger(__name__)

USER_AGENT = "trainlink-sync-worker"


def url_for_logs(url: str) -> str:
    """The URL without its query string, which may carry an API key."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="", fragment=""))


def dig(body: Any, path: str) -> Any:
    """body["a"]["b"] for path "a.b"; the body itself for ""."""
    for key in filter(None, (path or "").split(".")):
        if not isinstance(body, dict) or key not in body:
            raise KeyError(key)
        body = body[key]
    return body


class RestSource:
    def __init__(self, config: SourceConfig):
        options = config.options
        if not options.get("url"):
            raise SourceError(f"source {config.name!r}: option `url` is required")
        self.config = config
        self.name = config.name
        self.employee_key_type = config.employee_key_type
        self.url = options["url"]
        self.pagination = options.get("pagination", "next")
        if self.pagination not in ("next", "page", "none"):
            raise SourceError(
                f"source {self.name!r}: pagination must be next, page or none, "
                f"not {self.pagination!r}"
            )
        self.records_path = options.get("records_path", "data")
        self.timeout = float(options.get("timeout", 30))
        self.max_retries = int(options.get("max_retries", 5))
        self.backoff = float(options.get("backoff", 1.0))
        self.max_backoff = float(options.get("max_backoff", 60))
        self.max_retry_after = float(options.get("max_retry_after", 300))
        self.max_pages = int(options.get("max_pages", 10000))
        self.sleep = time.sleep  # replaced in unit tests

    # ----------------------------------------------------------- HTTP --

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        session.headers["Accept"] = "application/json"
        session.headers.update(self.config.options.get("headers") or {})
        token_env = self.config.options.get("token_env")
        if token_env:
            token = os.environ.get(token_env)
            if not token:
                raise SourceError(
                    f"source {self.name!r}: environment variable {token_env} is not set"
                )
            session.headers["Authorization"] = f"Bearer {token}"
        return session

    def get_json(
        self, session: requests.Session, url: str, params: dict | None = None
    ) -> Any:
        """One GET with a timeout, retried on 5xx, 429 and connection errors
        with exponential backoff; SourceError on any other 4xx, or when the
        retries are used up."""
        where = url_for_logs(url)
        for attempt in range(self.max_retries + 1):
            wait = min(self.backoff * 2**attempt, self.max_backoff)
            try:
                response = session.get(url, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                status = response.status_code
                if status < 400:
                    try:
                        return response.json()
                    except ValueError:
                        raise SourceError(
                            f"source {self.name!r}: {where} did not answer JSON "
                            f"(HTTP {status}, {response.headers.get('Content-Type')})"
                        ) from None
                problem = f"HTTP {status} {response.reason}"
                if status != 429 and status < 500:
                    raise SourceError(
                        f"source {self.name!r}: {where}: {problem}: "
                        f"{response.text[:200].strip()}"
                    )
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None:
                    if retry_after > self.max_retry_after:
                        raise SourceError(
                            f"source {self.name!r}: {where}: {problem}, asks to "
                            f"retry after {retry_after:.0f} s (limit "
                            f"{self.max_retry_after:.0f} s, option max_retry_after)"
                        )
                    wait = retry_after
            if attempt == self.max_retries:
                raise SourceError(
                    f"source {self.name!r}: {where}: {problem}, "
                    f"gave up after {attempt + 1} attempts"
                )
            _logger.warning(
                "source=%s url=%s problem=%r attempt=%d retry_in=%.1fs",
                self.name,
                where,
                problem,
                attempt + 1,
                wait,
            )
            self.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    def pages(self, start: date, end: date):
        """(page number, items) for every page of the range."""
        options = self.config.options
        params = dict(options.get("params") or {})
        for key, day in (("start_param", start), ("end_param", end)):
            name = options.get(key, key.split("_")[0])
            if name:
                params[name] = day.isoformat()
        page_size = int(options.get("page_size", 100))
        if self.pagination == "page":
            params[options.get("limit_param", "limit")] = page_size
        page_param = options.get("page_param", "page")
        page_number = int(options.get("first_page", 1))
        url: str | None = self.url
        seen: set[str] = set()
        with self._session() as session:
            for count in range(1, self.max_pages + 1):
                if self.pagination == "page":
                    params[page_param] = page_number
                body = self.get_json(session, url, params)
                try:
                    items = dig(body, self.records_path)
                except KeyError:
                    raise SourceError(
                        f"source {self.name!r}: no {self.records_path!r} in the "
                        f"answer of {url_for_logs(url)} (option records_path)"
                    ) from None
                if not isinstance(items, list):
                    raise SourceError(
                        f"source {self.name!r}: {self.records_path!r} is not a list "
                        f"in the answer of {url_for_logs(url)}"
                    )
                yield count, items
                if self.pagination == "none":
                    return
                if self.pagination == "page":
                    if len(items) < page_size:
                        return
                    page_number += 1
                    continue
                try:
                    link = dig(body, options.get("next_path", "next"))
                except KeyError:
                    link = None
                if not link:
                    return
                # The next link carries the query (cursor, filters) itself.
                url, params = urljoin(url, link), None
                if url in seen:
                    raise SourceError(
                        f"source {self.name!r}: the next link loops back to a page "
                        "already read"
                    )
                seen.add(url)
        raise SourceError(
            f"source {self.name!r}: more than {self.max_pages} pages (option max_pages)"
        )

    # ----------------------------------------------------------- read --

    def read(self, start: date, end: date) -> SourceBatch:
        items: list[dict] = []
        locations: list[str] = []
        rejected: list[Rejection] = []
        page_count = 0
        for page_count, page in self.pages(start, end):
            for position, item in enumerate(page, start=1):
                where = f"page {page_count} item {position}"
                if isinstance(item, dict):
                    items.append(item)
                    locations.append(where)
                else:
                    reason = f"{where}: not a JSON object: {item!r:.80}"
                    rejected.append(Rejection(self.name, None, reason))
        _logger.info(
            "source=%s url=%s pages=%d items=%d",
            self.name,
            url_for_logs(self.url),
            page_count,
            len(items),
        )
        if not items:
            return SourceBatch(records=empty_records(), rejected=rejected)
        frame = pd.json_normalize(items)
        where = f"the answer of {url_for_logs(self.url)}"
        check_columns(self.config, frame.columns, where)
        batch = rows_to_batch(self.config, frame, locations, start, end)
        batch.rejected[:0] = rejected
        return batch


def _retry_after(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
