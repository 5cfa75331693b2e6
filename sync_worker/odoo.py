"""The only module that talks to the ERP (Odoo 18 with trainlink_performance).

Two interchangeable transports behind one small interface (`call`,
`search_read`): XML-RPC from the standard library (the default) and JSON-RPC
through odoorpc. Both put a timeout on every call, retry what may pass
(connection errors, timeouts, HTTP 5xx and 429) with exponential backoff up to a
number of attempts, and fail at once on what will not (other HTTP 4xx, bad
credentials, errors raised by Odoo itself).

`ErpClient` speaks the add-on's sync API on top of a transport: batches, the
compact row form, summaries accumulated over batches.
"""

from __future__ import annotations

import http.client
import logging
import math
import time
import xmlrpc.client
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from sync_worker import log_event

if TYPE_CHECKING:
    from sync_worker.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

KPI_MODEL = "trainlink.kpi"
KPI_VALUE_MODEL = "trainlink.kpi.value"
CONTRIBUTION_MODEL = "trainlink.contribution"
ATTENDANCE_MODEL = "trainlink.attendance"
SYNC_RUN_MODEL = "trainlink.sync.run"
LOCK_MODEL = "trainlink.sync.lock"
# Largest batch the sync API takes in one call (trainlink.kpi.value MAX_BATCH).
MAX_BATCH_SIZE = 5000
# Odoo's XML-RPC fault codes (odoo/addons/base/controllers/rpc.py).
FAULT_ACCESS_DENIED = 3
FAULT_ACCESS_ERROR = 4


# ------------------------------------------------------------------ errors --


class ErpError(Exception):
    """Any failure to get an answer from the ERP."""


class ErpUnavailable(ErpError):
    """The ERP could not be reached or stayed overloaded through every retry
    (connection error, timeout, HTTP 5xx or 429)."""


class AuthenticationError(ErpError):
    """The ERP refused the login (wrong database, login or password)."""


class ErpRequestError(ErpError):
    """The ERP refused the request itself (HTTP 4xx other than 429, or an
    answer that is not RPC at all: wrong URL, a proxy's error page)."""


class ErpFault(ErpError):
    """Odoo ran the call and raised an error (never retried: it would again)."""

    def __init__(self, message: str, code: int | str | None = None):
        super().__init__(message)
        self.code = code


class ErpAccessError(ErpFault):
    """Odoo refused the call for lack of rights: is the user in the sync group?"""


# --------------------------------------------------------------- transport --


class Transport(Protocol):
    def call(self, model: str, method: str, *args, **kwargs): ...

    def search_read(
        self, model: str, domain: list, fields: list[str], limit: int | None = None
    ) -> list[dict]: ...


@dataclass
class RetryPolicy:
    """How often and how patiently a transport retries a call that may pass."""

    max_attempts: int = 4
    backoff: float = 1.0  # seconds before the 2nd attempt, doubled after each
    max_backoff: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        wait = self.backoff * 2 ** (attempt - 1)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.max_backoff)


@dataclass
class _Failure:
    """What a transport makes of an exception."""

    error: ErpError
    retry: bool = False
    retry_after: float | None = None


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def _status_failure(status: int, reason: str, where: str, retry_after=None):
    message = f"HTTP {status} {reason} from {where}".replace("  ", " ")
    if is_retryable_status(status):
        return _Failure(ErpUnavailable(message), True, retry_after)
    if status in (401, 403):
        return _Failure(AuthenticationError(message))
    return _Failure(ErpRequestError(message))


def _retry_after(headers) -> float | None:
    """Seconds from a numeric Retry-After header, if the server sent one."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def fault_summary(text: str) -> str:
    """Odoo puts a whole traceback in a fault: its last line says what failed."""
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"


class _RetryingTransport:
    """Login on first use, a timeout on every call, retries with backoff."""

    url: str
    db: str
    login_name: str

    def __init__(self, retry: RetryPolicy | None = None):
        self.retry = retry or RetryPolicy()
        self.uid: int | None = None

    def _classify(self, error: Exception) -> _Failure | None:  # pragma: no cover
        raise NotImplementedError

    def _with_retries(self, what: str, func: Callable[[], T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                return func()
            except Exception as error:
                failure = self._classify(error)
                if failure is None:
                    raise
                if not failure.retry or attempt >= self.retry.max_attempts:
                    if failure.retry:
                        failure.error.args = (
                            f"{failure.error} (gave up after {attempt} attempts)",
                        )
                    raise failure.error from error
                wait = self.retry.delay(attempt, failure.retry_after)
                log_event(
                    log,
                    logging.WARNING,
                    "erp_retry",
                    call=what,
                    attempt=attempt,
                    max_attempts=self.retry.max_attempts,
                    wait_s=round(wait, 2),
                    error=str(failure.error),
                )
                self.retry.sleep(wait)

    def login(self) -> int:
        """Authenticate (once) and return the user id."""
        if self.uid is None:
            self.uid = self._with_retries("login", self._login)
            log_event(
                log,
                logging.INFO,
                "erp_login",
                url=self.url,
                db=self.db,
                login=self.login_name,
                uid=self.uid,
            )
        return self.uid

    def _login(self) -> int:  # pragma: no cover
        raise NotImplementedError

    def search_read(
        self, model: str, domain: list, fields: list[str], limit: int | None = None
    ) -> list[dict]:
        kwargs: dict[str, Any] = {"fields": list(fields)}
        if limit is not None:
            kwargs["limit"] = limit
        return self.call(model, "search_read", domain, **kwargs)


def _timeout_transport(url: str, timeout: float) -> xmlrpc.client.Transport:
    """An xmlrpc.client transport whose every request gives up after timeout s."""
    https = urlsplit(url).scheme == "https"
    base = xmlrpc.client.SafeTransport if https else xmlrpc.client.Transport

    class TimeoutTransport(base):
        def make_connection(self, host):
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection

    return TimeoutTransport()


class XmlRpcTransport(_RetryingTransport):
    """Odoo's /xmlrpc/2 endpoints, standard library only."""

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        password: Any,
        timeout: float = 30,
        retry: RetryPolicy | None = None,
    ):
        super().__init__(retry)
        self.url = url.rstrip("/")
        self.db = db
        self.login_name = login
        self._password = _secret(password)
        self.timeout = timeout
        self._common = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/common",
            transport=_timeout_transport(self.url, timeout),
        )
        self._object = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object",
            transport=_timeout_transport(self.url, timeout),
        )

    def __repr__(self) -> str:
        return (
            f"XmlRpcTransport({self.url!r}, db={self.db!r}, login={self.login_name!r})"
        )

    def _login(self) -> int:
        try:
            uid = self._common.authenticate(
                self.db, self.login_name, self._password, {}
            )
        except xmlrpc.client.Fault as fault:
            # An unknown database, for one, comes back as a fault.
            raise AuthenticationError(
                f"login to database {self.db!r} at {self.url} failed: "
                f"{fault_summary(fault.faultString)}"
            ) from None
        if not uid:
            raise AuthenticationError(
                f"login {self.login_name!r} refused by database {self.db!r} at "
                f"{self.url}: wrong login or password"
            )
        return uid

    def call(self, model: str, method: str, *args, **kwargs):
        uid = self.login()
        args, kwargs = plain(list(args)), plain(kwargs)
        return self._with_retries(
            f"{model}.{method}",
            lambda: self._object.execute_kw(
                self.db, uid, self._password, model, method, args, kwargs
            ),
        )

    def _classify(self, error: Exception) -> _Failure | None:
        if isinstance(error, AuthenticationError):
            return _Failure(error)
        if isinstance(error, xmlrpc.client.Fault):
            return _Failure(_fault_error(error.faultCode, error.faultString))
        if isinstance(error, xmlrpc.client.ProtocolError):
            return _status_failure(
                error.errcode, error.errmsg, error.url, _retry_after(error.headers)
            )
        if isinstance(error, ExpatError | xmlrpc.client.ResponseError):
            return _Failure(
                ErpRequestError(f"{self.url} did not answer XML-RPC ({error})")
            )
        if isinstance(error, OSError | http.client.HTTPException):
            return _Failure(
                ErpUnavailable(f"cannot reach {self.url}: {_describe(error)}"), True
            )
        return None


def _fault_error(code, text) -> ErpFault | AuthenticationError:
    message = fault_summary(text)
    if code == FAULT_ACCESS_DENIED:
        return AuthenticationError(f"access denied: {message}")
    if code == FAULT_ACCESS_ERROR:
        return ErpAccessError(message, code)
    return ErpFault(message, code)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, TimeoutError):
        return f"timed out ({text})"
    return text


class JsonRpcTransport(_RetryingTransport):
    """Odoo's /jsonrpc endpoint through odoorpc."""

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        password: Any,
        timeout: float = 30,
        retry: RetryPolicy | None = None,
    ):
        super().__init__(retry)
        parts = urlsplit(url)
        if parts.path not in ("", "/"):
            raise ValueError(
                f"odoo_url {url!r}: the jsonrpc transport (odoorpc) cannot use a "
                "URL path; use the xmlrpc transport"
            )
        self.url = url.rstrip("/")
        self.db = db
        self.login_name = login
        self._password = _secret(password)
        self.timeout = timeout
        https = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port or (443 if https else 80)
        self._protocol = "jsonrpc+ssl" if https else "jsonrpc"
        self._odoo = None

    def __repr__(self) -> str:
        return (
            f"JsonRpcTransport({self.url!r}, db={self.db!r}, login={self.login_name!r})"
        )

    def _login(self) -> int:
        import odoorpc

        odoo = odoorpc.ODOO(
            self._host, protocol=self._protocol, port=self._port, timeout=self.timeout
        )
        try:
            odoo.login(self.db, self.login_name, self._password)
        except odoorpc.error.RPCError as error:
            raise AuthenticationError(
                f"login {self.login_name!r} to database {self.db!r} at {self.url} "
                f"failed: {_rpc_error_message(error)}"
            ) from None
        self._odoo = odoo
        return odoo.env.uid

    def call(self, model: str, method: str, *args, **kwargs):
        self.login()
        args, kwargs = plain(list(args)), plain(kwargs)
        return self._with_retries(
            f"{model}.{method}",
            lambda: self._odoo.execute_kw(model, method, args, kwargs),
        )

    def _classify(self, error: Exception) -> _Failure | None:
        import urllib.error

        import odoorpc

        if isinstance(error, AuthenticationError):
            return _Failure(error)
        if isinstance(error, odoorpc.error.RPCError):
            name = str(((error.info or {}).get("data") or {}).get("name", ""))
            message = _rpc_error_message(error)
            if name.endswith("AccessDenied"):
                return _Failure(AuthenticationError(f"access denied: {message}"))
            if name.endswith("AccessError"):
                return _Failure(ErpAccessError(message, name))
            return _Failure(ErpFault(message, name or None))
        if isinstance(error, urllib.error.HTTPError):
            return _status_failure(
                error.code, str(error.reason), self.url, _retry_after(error.headers)
            )
        if isinstance(error, odoorpc.error.InternalError | ValueError):
            return _Failure(
                ErpRequestError(f"{self.url} did not answer JSON-RPC ({error})")
            )
        if isinstance(error, OSError | http.client.HTTPException):
            return _Failure(
                ErpUnavailable(f"cannot reach {self.url}: {_describe(error)}"), True
            )
        return None


def _rpc_error_message(error) -> str:
    info = getattr(error, "info", None) or {}
    data = info.get("data") or {}
    return fault_summary(data.get("message") or info.get("message") or str(error))


def _secret(value: Any) -> str:
    """The plain text of a password given as str or pydantic SecretStr."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if getter else str(value)


def plain(value: Any) -> Any:
    """A value XML-RPC can marshal and Odoo reads as meant: None becomes False
    (XML-RPC has no None), numpy/pandas scalars become Python numbers, dates
    become YYYY-MM-DD strings, tuples become lists."""
    if value is None:
        return False
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if _is_missing(value):  # pandas NA / NaT
        return False
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return plain(item())
    return value


def _is_missing(value: Any) -> bool:
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def make_transport(settings: Settings, retry: RetryPolicy | None = None) -> Transport:
    kind = JsonRpcTransport if settings.odoo_transport == "jsonrpc" else XmlRpcTransport
    if retry is None:
        retry = RetryPolicy(
            max_attempts=settings.max_attempts, backoff=settings.backoff
        )
    return kind(
        settings.odoo_url,
        settings.odoo_db,
        settings.odoo_login,
        settings.odoo_password,
        timeout=settings.timeout,
        retry=retry,
    )


def connect(settings: Settings, retry: RetryPolicy | None = None) -> ErpClient:
    """An ErpClient for the configured ERP (login happens on the first call)."""
    return ErpClient(make_transport(settings, retry), batch_size=settings.batch_size)


# ------------------------------------------------------------------ client --


@dataclass
class KpiInfo:
    id: int
    code: str
    direction: str
    aggregation: str
    company_id: int
    unit_value: float


@dataclass
class UpsertSummary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)

    def add(self, result: dict, offset: int = 0) -> None:
        """Accumulate one upsert call's answer; `offset` turns the row numbers
        of a batch into positions in the whole list sent."""
        self.read += result.get("read", 0)
        self.created += result.get("created", 0)
        self.updated += result.get("updated", 0)
        self.unchanged += result.get("unchanged", 0)
        for rejection in result.get("rejected", []):
            rejection = dict(rejection)
            if isinstance(rejection.get("row"), int):
                rejection["row"] += offset
            self.rejected.append(rejection)

    @property
    def written(self) -> int:
        return self.created + self.updated


class ErpClient:
    """The add-on's sync API, over any Transport."""

    def __init__(self, transport: Transport, batch_size: int = 2000):
        if not 0 < batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_SIZE}")
        self.transport = transport
        self.batch_size = batch_size
        # Called after each upsert batch: (model, batch, batches, rows sent,
        # rows to send); the command line draws a progress bar with it.
        self.progress = None
        # Called before each batch sent or read (upsert, matching, comparison
        # groups, pages of values); the runner renews its lock's lease there
        # when due, and stops the call by raising when the lock is lost.
        self.before_batch = None

    def login(self) -> int | None:
        """Authenticate now rather than on the first call, when the transport can."""
        login = getattr(self.transport, "login", None)
        return login() if callable(login) else None

    def read_kpis(self) -> dict[str, KpiInfo]:
        """The KPIs of the sync user's companies, by code."""
        kpis = {}
        for row in self.transport.call(KPI_MODEL, "api_read_kpis"):
            company = row.get("company_id")
            if isinstance(company, list | tuple):
                company = company[0]
            info = KpiInfo(
                id=row["id"],
                code=row["code"],
                direction=row.get("direction") or "higher",
                aggregation=row.get("aggregation") or "sum",
                company_id=company or 0,
                unit_value=float(row.get("unit_value") or 0.0),
            )
            if info.code in kpis:
                log_event(
                    log,
                    logging.WARNING,
                    "kpi_code_in_several_companies",
                    code=info.code,
                    kept_company=kpis[info.code].company_id,
                )
                continue
            kpis[info.code] = info
        return kpis

    def match_employees(
        self, key_type: str, values: Iterable[str]
    ) -> dict[str, int | str]:
        """Each distinct value -> the matching employee id, or why none matched."""
        matches: dict[str, int | str] = {}
        pending = []
        for value in dict.fromkeys(values):
            if value is None or not str(value).strip():
                matches[value] = "empty employee key"
            else:
                pending.append(value)
        for batch in _chunks(pending, self.batch_size):
            self._next_batch()
            keys = [{key_type: str(value)} for value in batch]
            answer = self.transport.call(KPI_VALUE_MODEL, "api_match_employees", keys)
            for value, result in zip(batch, answer, strict=True):
                employee_id = result.get("employee_id")
                matches[value] = (
                    employee_id
                    if employee_id
                    else str(result.get("reason") or "no employee matches")
                )
        return matches

    def upsert_kpi_values(
        self, rows: list[dict], run_id: int | None, summary=None
    ) -> UpsertSummary:
        return self._upsert(KPI_VALUE_MODEL, rows, run_id, summary)

    def upsert_contributions(
        self, rows: list[dict], run_id: int | None, summary=None
    ) -> UpsertSummary:
        return self._upsert(CONTRIBUTION_MODEL, rows, run_id, summary)

    def _upsert(self, model: str, rows: list[dict], run_id: int | None, summary=None):
        """Send rows in batches of batch_size, in the compact form (column names
        once per call), and add up the answers into `summary` as they come: a
        caller that passes its own still knows what was written when a later
        batch fails."""
        summary = UpsertSummary() if summary is None else summary
        columns = list(dict.fromkeys(name for row in rows for name in row))
        batches = math.ceil(len(rows) / self.batch_size)
        for number, start in enumerate(range(0, len(rows), self.batch_size), 1):
            batch = rows[start : start + self.batch_size]
            self._next_batch()
            payload = {
                "columns": columns,
                "rows": [[plain(row.get(name)) for name in columns] for row in batch],
            }
            result = self.transport.call(model, "api_upsert", payload, run_id or False)
            summary.add(result, offset=start)
            if self.progress:
                self.progress(model, number, batches, start + len(batch), len(rows))
            if batches > 1:
                log_event(
                    log,
                    logging.INFO,
                    "upsert_progress",
                    model=model,
                    batch=f"{number}/{batches}",
                    rows=start + len(batch),
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                    rejected=len(summary.rejected),
                )
        return summary

    def read_completed(self, since: date | None = None) -> list[dict]:
        args = [since.isoformat()] if since else []
        return self.transport.call(ATTENDANCE_MODEL, "api_read_completed", *args)

    def comparison_groups(
        self, attendance_ids: list[int], compact: bool = False
    ) -> dict[int, dict]:
        """Each attendance -> its comparison groups, most specific basis
        first: {"min_peers": n, "groups": [{"basis", "employee_ids"}]}, or
        {"reason": why none} when the ERP has none; batch_size per call.
        With them, when the add-on tells them, what the measurement rests
        on: "groups_digest", "inputs" (a digest of the values measured) and
        "measured_kpis" (the codes of the KPIs already measured). `compact`
        asks for the digests without the groups (an add-on that does not
        know it sends the groups all the same)."""
        context = {"context": {"trainlink_compact": True}} if compact else {}
        answers = {}
        for batch in _chunks(list(attendance_ids), self.batch_size):
            self._next_batch()
            result = self.transport.call(
                ATTENDANCE_MODEL, "api_comparison_groups", batch, **context
            )
            for attendance_id, answer in zip(batch, result, strict=True):
                if answer.get("ok"):
                    answers[attendance_id] = {
                        "min_peers": int(answer.get("min_peers") or 1)
                    }
                    if "groups" in answer or not compact:
                        answers[attendance_id]["groups"] = list(
                            answer.get("groups") or []
                        )
                    if isinstance(answer.get("inputs"), str):
                        answers[attendance_id].update(
                            groups_digest=str(answer.get("groups_digest")),
                            inputs=answer["inputs"],
                            measured_kpis=[
                                str(code) for code in answer.get("measured_kpis") or []
                            ],
                        )
                else:
                    answers[attendance_id] = {
                        "reason": str(answer.get("reason") or "no comparison group")
                    }
        return answers

    def read_kpi_values(
        self,
        employee_ids: Iterable[int],
        kpi_ids: Iterable[int],
        since: date,
        period_type: str = "month",
    ) -> list[dict]:
        """Stored KPI values of these employees and KPIs from `since` on, as
        {employee_id, kpi_id, period_start (date), value}; read in pages."""
        employee_ids, kpi_ids = sorted(set(employee_ids)), sorted(set(kpi_ids))
        if not employee_ids or not kpi_ids:
            return []
        values = []
        # The API takes at most MAX_BATCH_SIZE ids per list and answers in
        # pages of batch_size values, in id order.
        for employees in _chunks(employee_ids, MAX_BATCH_SIZE):
            for kpis in _chunks(kpi_ids, MAX_BATCH_SIZE):
                last_id = 0
                while True:
                    self._next_batch()
                    page = self.transport.call(
                        KPI_VALUE_MODEL,
                        "api_read_values",
                        employees,
                        kpis,
                        since.isoformat(),
                        period_type,
                        last_id,
                        self.batch_size,
                    )
                    for row in page:
                        values.append(
                            {
                                "employee_id": _many2one_id(row["employee_id"]),
                                "kpi_id": _many2one_id(row["kpi_id"]),
                                "period_start": date.fromisoformat(row["period_start"]),
                                "value": float(row["value"]),
                            }
                        )
                    if len(page) < self.batch_size:
                        break
                    last_id = page[-1]["id"]
        return values

    def _next_batch(self) -> None:
        if self.before_batch:
            self.before_batch()

    def acquire_lock(self, holder: str, lease_seconds: int) -> dict:
        """{"ok": True, "token"} or, held by another worker, {"ok": False,
        "holder", "since", "until"}."""
        return self.transport.call(LOCK_MODEL, "api_acquire", holder, lease_seconds)

    def renew_lock(self, token: str, lease_seconds: int) -> bool:
        answer = self.transport.call(LOCK_MODEL, "api_renew", token, lease_seconds)
        return bool(answer.get("ok"))

    def release_lock(self, token: str) -> None:
        self.transport.call(LOCK_MODEL, "api_release", token)

    def start_run(self, source: str) -> int:
        return self.transport.call(SYNC_RUN_MODEL, "api_start", source)

    def finish_run(
        self,
        run_id: int,
        error: str | None = None,
        rejections: list | None = None,
        left_alone: int = 0,
    ) -> None:
        """Close the ERP's run log; `rejections` are the rows the worker itself
        refused (objects with record_id and reason), so IT sees them there;
        `left_alone` the trainings not measured again, their inputs unchanged
        (told only when there are some: only an add-on that tells the
        trainings' inputs leaves any alone, and only it takes the count)."""
        args = [run_id, error or False]
        if rejections or left_alone:
            args.append(
                [
                    {"record_id": r.record_id or False, "reason": r.reason}
                    for r in rejections or []
                ]
            )
        if left_alone:
            args.append(left_alone)
        answer = self.transport.call(SYNC_RUN_MODEL, "api_finish", *args)
        if isinstance(answer, dict) and not answer.get("ok", True):
            log_event(
                log,
                logging.WARNING,
                "finish_run_refused",
                erp_run_id=run_id,
                reason=answer.get("reason"),
            )


def _many2one_id(value) -> int:
    return value[0] if isinstance(value, list | tuple) else value


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
