"""The ERP transports and ErpClient, against a real local HTTP server
(conftest.FakeOdoo) that answers like Odoo's XML-RPC endpoints or fails as
scripted: retries, timeouts, fail-fast cases, batching, the compact form."""

from __future__ import annotations

import json
import socket
import threading
import xmlrpc.client
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from sync_worker.odoo import (
    AuthenticationError,
    ErpAccessError,
    ErpClient,
    ErpFault,
    ErpRequestError,
    ErpUnavailable,
    JsonRpcTransport,
    RetryPolicy,
    UpsertSummary,
    XmlRpcTransport,
    plain,
)


class Sleeps(list):
    """A RetryPolicy.sleep that records the waits instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


def transport(url, sleeps=None, attempts=4, timeout=5.0, password="secret"):
    retry = RetryPolicy(max_attempts=attempts, backoff=0.5, max_backoff=4.0)
    retry.sleep = sleeps if sleeps is not None else Sleeps()
    return XmlRpcTransport(url, "db", "sync", password, timeout=timeout, retry=retry)


def object_requests(fake):
    return [r for r in fake.requests if r[0] == "/xmlrpc/2/object"]


def answer(value):
    return lambda args, kwargs: value


# ------------------------------------------------------------- retries --


def test_5xx_and_429_are_retried_with_exponential_backoff(fake_odoo):
    fake_odoo.methods[("res.partner", "search")] = answer([1, 2])
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps)
    erp.login()
    fake_odoo.script = [500, 429, 502]

    assert erp.call("res.partner", "search", []) == [1, 2]

    assert len(object_requests(fake_odoo)) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_retry_after_of_a_429_is_honoured_up_to_the_cap(fake_odoo):
    fake_odoo.methods[("res.partner", "search")] = answer([])
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps)
    erp.login()
    fake_odoo.script = [(429, 3), (429, 60)]

    erp.call("res.partner", "search", [])

    assert sleeps == [3.0, 4.0]  # asked 3 s; asked 60 s, capped at max_backoff


def test_gives_up_after_max_attempts(fake_odoo):
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps, attempts=3)
    erp.login()
    fake_odoo.script = [503, 503, 503, 503]

    with pytest.raises(ErpUnavailable, match="HTTP 503.*gave up after 3 attempts"):
        erp.call("res.partner", "search", [])

    assert len(object_requests(fake_odoo)) == 3
    assert sleeps == [0.5, 1.0]


def test_login_is_retried_too(fake_odoo):
    fake_odoo.script = [503]
    erp = transport(fake_odoo.url)
    assert erp.login() == 7
    assert len(fake_odoo.requests) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ErpRequestError),
        (404, ErpRequestError),
        (405, ErpRequestError),
        (401, AuthenticationError),
        (403, AuthenticationError),
    ],
)
def test_other_4xx_fail_at_once(fake_odoo, status, error):
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps)
    erp.login()
    fake_odoo.script = [status]

    with pytest.raises(error, match=f"HTTP {status}"):
        erp.call("res.partner", "search", [])

    assert len(object_requests(fake_odoo)) == 1
    assert sleeps == []


def test_bad_credentials_fail_at_once(fake_odoo):
    fake_odoo.authenticate = lambda db, login, password: False
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps)

    with pytest.raises(AuthenticationError, match="wrong login or password"):
        erp.call("res.partner", "search", [])

    assert len(fake_odoo.requests) == 1
    assert sleeps == []


def test_login_fault_such_as_unknown_database_is_an_authentication_error(fake_odoo):
    fake_odoo.script = [("fault", 1, 'Traceback...\nKeyError: "db"')]
    with pytest.raises(AuthenticationError, match='KeyError: "db"'):
        transport(fake_odoo.url).login()
    assert len(fake_odoo.requests) == 1


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (1, ErpFault),
        (2, ErpFault),
        (3, AuthenticationError),
        (4, ErpAccessError),
    ],
)
def test_odoo_faults_are_not_retried(fake_odoo, code, error):
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps)
    erp.login()
    fake_odoo.script = [
        ("fault", code, "Traceback (most recent call last):\n...\nBoom")
    ]

    with pytest.raises(error, match="Boom") as raised:
        erp.call("res.partner", "search", [])

    assert "Traceback" not in str(raised.value)  # the last line, not the trace
    assert len(object_requests(fake_odoo)) == 1
    assert sleeps == []


def test_an_answer_that_is_not_xmlrpc_fails_at_once(fake_odoo):
    erp = transport(fake_odoo.url)
    erp.login()
    fake_odoo.script = [("html",)]
    with pytest.raises(ErpRequestError, match="did not answer XML-RPC"):
        erp.call("res.partner", "search", [])
    assert len(object_requests(fake_odoo)) == 1


def test_connection_refused_is_retried_then_reported_unavailable():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    erp = transport(f"http://127.0.0.1:{port}", sleeps, attempts=3)

    with pytest.raises(ErpUnavailable, match="cannot reach .*gave up after 3"):
        erp.login()

    assert sleeps == [0.5, 1.0]


def test_every_call_has_a_timeout(fake_odoo):
    fake_odoo.methods[("res.partner", "search")] = answer([3])
    sleeps = Sleeps()
    erp = transport(fake_odoo.url, sleeps, attempts=2, timeout=0.3)
    erp.login()
    fake_odoo.script = [("sleep", 1.5), ("sleep", 1.5)]

    with pytest.raises(ErpUnavailable, match="timed out"):
        erp.call("res.partner", "search", [])
    assert sleeps == [0.5]

    fake_odoo.script = [("sleep", 1.5)]  # a timeout, then an answer in time
    assert erp.call("res.partner", "search", []) == [3]


def test_logs_in_once_and_never_logs_the_password(fake_odoo, caplog):
    fake_odoo.methods[("res.partner", "search")] = answer([])
    erp = transport(fake_odoo.url, password="s3cret-pw")
    fake_odoo.script = [None, 503]  # login fine, then one retried call
    caplog.set_level("DEBUG")

    erp.call("res.partner", "search", [])
    erp.call("res.partner", "search", [])

    assert [r[1] for r in fake_odoo.requests].count("authenticate") == 1
    assert "erp_retry" in caplog.text
    assert "s3cret-pw" not in caplog.text
    assert "s3cret-pw" not in repr(erp)


def test_none_is_never_sent_over_xmlrpc(fake_odoo):
    fake_odoo.methods[("m", "f")] = answer(True)
    erp = transport(fake_odoo.url)

    erp.call("m", "f", None, {"a": None, "b": [None, np.int64(3)]}, key=None)

    body = fake_odoo.bodies[-1].decode()
    assert "<nil/>" not in body
    args, kwargs = fake_odoo.calls("m", "f")[0]
    assert args == [False, {"a": False, "b": [False, 3]}]
    assert kwargs == {"key": False}


def test_plain_turns_pandas_and_numpy_values_into_xmlrpc_values():
    import pandas as pd

    assert plain(
        {
            "id": np.int64(4),
            "value": np.float64(2.5),
            "day": date(2024, 5, 1),
            "ts": pd.Timestamp("2024-05-31 10:00"),
            "na": pd.NA,
            "nat": pd.NaT,
            "none": None,
            "tuple": (1, "a"),
        }
    ) == {
        "id": 4,
        "value": 2.5,
        "day": "2024-05-01",
        "ts": "2024-05-31",
        "na": False,
        "nat": False,
        "none": False,
        "tuple": [1, "a"],
    }
    assert type(plain(np.int64(4))) is int


# ----------------------------------------------------------- ErpClient --


def test_upsert_sends_batches_in_the_compact_form_and_adds_up_the_answers(
    fake_odoo,
):
    def api_upsert(args, kwargs):
        payload, run_id = args
        rows = payload["rows"]
        rejected = [
            {"row": index, "external_key": row[1], "reason": "bad"}
            for index, row in enumerate(rows)
            if row[1] == "k3"
        ]
        return {
            "read": len(rows),
            "created": len(rows) - len(rejected),
            "updated": 0,
            "unchanged": 0,
            "rejected": rejected,
        }

    fake_odoo.methods[("trainlink.kpi.value", "api_upsert")] = api_upsert
    erp = ErpClient(transport(fake_odoo.url), batch_size=2)
    rows = [
        {"source": "s", "external_key": f"k{i}", "value": float(i), "period_type": None}
        for i in range(5)
    ]

    progress = []
    erp.progress = lambda *args: progress.append(args)
    summary = erp.upsert_kpi_values(rows, run_id=12)

    assert [args[1:] for args in progress] == [(1, 3, 2, 5), (2, 3, 4, 5), (3, 3, 5, 5)]
    calls = fake_odoo.calls("trainlink.kpi.value", "api_upsert")
    assert len(calls) == 3
    (payload, run_id), _ = calls[0]
    assert run_id == 12
    assert payload == {
        "columns": ["source", "external_key", "value", "period_type"],
        "rows": [["s", "k0", 0.0, False], ["s", "k1", 1.0, False]],
    }
    assert [len(call[0][0]["rows"]) for call in calls] == [2, 2, 1]
    assert summary == UpsertSummary(
        read=5,
        created=4,
        rejected=[{"row": 3, "external_key": "k3", "reason": "bad"}],
    )


def test_a_failing_batch_leaves_the_callers_summary_with_what_was_written(
    fake_odoo,
):
    fake_odoo.methods[("trainlink.kpi.value", "api_upsert")] = lambda args, kw: {
        "read": len(args[0]["rows"]),
        "created": len(args[0]["rows"]),
        "updated": 0,
        "unchanged": 0,
        "rejected": [],
    }
    # Batch 3 of 3 fails: Odoo answers "not found" (never retried).
    fake_odoo.script = [None, None, None, 404]
    erp = ErpClient(transport(fake_odoo.url), batch_size=2)
    rows = [{"source": "s", "external_key": f"k{i}", "value": 1.0} for i in range(5)]
    summary = UpsertSummary()

    with pytest.raises(ErpRequestError):
        erp.upsert_kpi_values(rows, run_id=12, summary=summary)

    assert (summary.read, summary.created) == (4, 4)


def test_upsert_without_a_run_sends_false_and_no_rows_sends_nothing(fake_odoo):
    fake_odoo.methods[("trainlink.contribution", "api_upsert")] = answer(
        {"read": 1, "created": 0, "updated": 1, "unchanged": 0, "rejected": []}
    )
    erp = ErpClient(transport(fake_odoo.url))

    assert erp.upsert_contributions([], None) == UpsertSummary()
    assert fake_odoo.calls("trainlink.contribution") == []

    summary = erp.upsert_contributions([{"attendance_id": 1}], None)
    assert summary.updated == 1
    (_, run_id), _ = fake_odoo.calls("trainlink.contribution", "api_upsert")[0]
    assert run_id is False


def test_batch_size_is_bounded_by_the_api_limit():
    with pytest.raises(ValueError):
        ErpClient(object(), batch_size=5001)
    with pytest.raises(ValueError):
        ErpClient(object(), batch_size=0)


def test_match_employees_maps_each_distinct_key_to_an_id_or_a_reason(fake_odoo):
    def api_match(args, kwargs):
        (keys,) = args
        return [
            {
                "row": index,
                "employee_id": 40 + index if key["barcode"] != "X" else False,
                "reason": False if key["barcode"] != "X" else "no employee matches",
            }
            for index, key in enumerate(keys)
        ]

    fake_odoo.methods[("trainlink.kpi.value", "api_match_employees")] = api_match
    erp = ErpClient(transport(fake_odoo.url), batch_size=2)

    matches = erp.match_employees("barcode", ["A", "B", "A", "X", ""])

    assert matches == {
        "A": 40,
        "B": 41,
        "X": "no employee matches",
        "": ("empty employee key"),
    }
    sent = [args[0] for args, _ in fake_odoo.calls("trainlink.kpi.value")]
    assert sent == [[{"barcode": "A"}, {"barcode": "B"}], [{"barcode": "X"}]]


def test_read_kpis_by_code(fake_odoo):
    fake_odoo.methods[("trainlink.kpi", "api_read_kpis")] = answer(
        [
            {
                "id": 3,
                "code": "SALES_REV",
                "direction": "higher",
                "aggregation": "sum",
                "source_kind": "sales",
                "company_id": 1,
                "unit_value": 1.0,
            }
        ]
    )
    kpis = ErpClient(transport(fake_odoo.url)).read_kpis()
    assert list(kpis) == ["SALES_REV"]
    assert kpis["SALES_REV"].id == 3
    assert kpis["SALES_REV"].aggregation == "sum"


def test_runs_are_opened_and_closed_without_sending_none(fake_odoo):
    fake_odoo.methods[("trainlink.sync.run", "api_start")] = answer(9)
    fake_odoo.methods[("trainlink.sync.run", "api_finish")] = answer({"ok": True})
    erp = ErpClient(transport(fake_odoo.url))

    run_id = erp.start_run("sales")
    erp.finish_run(run_id)
    erp.finish_run(run_id, "it broke")
    erp.finish_run(run_id, None, [], 1980)

    finishes = [args for args, _ in fake_odoo.calls("trainlink.sync.run", "api_finish")]
    # The count of trainings left alone goes only when there is one: an
    # add-on older than it takes three arguments.
    assert finishes == [[9, False], [9, "it broke"], [9, False, [], 1980]]


def test_read_completed_and_comparison_groups_in_batches(fake_odoo):
    fake_odoo.methods[("trainlink.attendance", "api_read_completed")] = (
        lambda args, kwargs: [{"attendance_id": 5, "since": args}]
    )
    group = {"basis": "department", "employee_ids": [1, 2]}
    fake_odoo.methods[("trainlink.attendance", "api_comparison_groups")] = (
        lambda args, kwargs: [
            {"ok": True, "min_peers": 5, "groups": [group]}
            if attendance_id == 5
            else {"ok": False, "reason": f"unknown attendance {attendance_id}"}
            for attendance_id in args[0]
        ]
    )
    erp = ErpClient(transport(fake_odoo.url), batch_size=2)

    assert erp.read_completed(date(2024, 1, 1)) == [
        {"attendance_id": 5, "since": ["2024-01-01"]}
    ]
    assert erp.read_completed() == [{"attendance_id": 5, "since": []}]
    assert erp.comparison_groups([5, 6, 7]) == {
        5: {"min_peers": 5, "groups": [group]},
        6: {"reason": "unknown attendance 6"},
        7: {"reason": "unknown attendance 7"},
    }
    calls = fake_odoo.calls("trainlink.attendance", "api_comparison_groups")
    assert [args for args, _ in calls] == [[[5, 6]], [[7]]], "batch_size per call"


def test_compact_comparison_groups_ask_for_the_digests_only(fake_odoo):
    group = {"basis": "department", "employee_ids": [1, 2]}
    digests = {"groups_digest": "g1", "inputs": "6:42", "measured_kpis": ["REV"]}

    def answer(args, kwargs):
        compact = kwargs.get("context", {}).get("trainlink_compact")
        return [
            {"ok": True, "min_peers": 5, **({} if compact else {"groups": [group]})}
            | digests
            for _attendance_id in args[0]
        ]

    fake_odoo.methods[("trainlink.attendance", "api_comparison_groups")] = answer
    erp = ErpClient(transport(fake_odoo.url))

    assert erp.comparison_groups([5], compact=True) == {5: {"min_peers": 5} | digests}
    assert erp.comparison_groups([5]) == {
        5: {"min_peers": 5, "groups": [group]} | digests
    }
    calls = fake_odoo.calls("trainlink.attendance", "api_comparison_groups")
    assert [kwargs for _args, kwargs in calls] == [
        {"context": {"trainlink_compact": True}},
        {},
    ]


def test_an_add_on_without_digests_answers_the_groups_whatever_is_asked(fake_odoo):
    group = {"basis": "department", "employee_ids": [1, 2]}
    fake_odoo.methods[("trainlink.attendance", "api_comparison_groups")] = (
        lambda args, kwargs: [{"ok": True, "min_peers": 5, "groups": [group]}]
    )
    erp = ErpClient(transport(fake_odoo.url))
    assert erp.comparison_groups([5], compact=True) == {
        5: {"min_peers": 5, "groups": [group]}
    }


def test_read_kpi_values_pages_by_id(fake_odoo):
    stored = [
        {
            "id": i,
            "employee_id": [10 + i % 2, "Someone"],
            "kpi_id": [3, "Sales"],
            "period_start": f"2024-0{1 + i % 9}-01",
            "value": float(i),
        }
        for i in range(1, 6)
    ]

    def api_read_values(args, kwargs):
        employees, kpis, since, period_type, after, limit = args
        assert (employees, kpis, since, period_type) == (
            [10, 11],
            [3],
            "2024-01-01",
            "month",
        )
        return [row for row in stored if row["id"] > after][:limit]

    fake_odoo.methods[("trainlink.kpi.value", "api_read_values")] = api_read_values
    erp = ErpClient(transport(fake_odoo.url), batch_size=2)

    values = erp.read_kpi_values([10, 11], [3], date(2024, 1, 1))

    assert len(values) == 5
    assert values[0] == {
        "employee_id": 11,
        "kpi_id": 3,
        "period_start": date(2024, 2, 1),
        "value": 1.0,
    }
    assert len(fake_odoo.calls("trainlink.kpi.value", "api_read_values")) == 3
    assert erp.read_kpi_values([], [3], date(2024, 1, 1)) == []


class ScriptedTransport:
    """A Transport answering from a dict (model, method) -> function, which
    records the order of calls and of `before_batch` in `log`."""

    def __init__(self, methods, log):
        self.methods, self.log = methods, log

    def call(self, model, method, *args, **kwargs):
        self.log.append(method)
        return self.methods[(model, method)](*args)


def test_before_batch_runs_before_each_batch_sent_or_read_and_no_other_call():
    log = []
    upserted = {"read": 2, "created": 2, "updated": 0, "unchanged": 0}
    transport = ScriptedTransport(
        {
            ("trainlink.kpi.value", "api_upsert"): lambda *args: upserted,
            ("trainlink.kpi.value", "api_match_employees"): lambda keys: [
                {"employee_id": 1} for _ in keys
            ],
            ("trainlink.attendance", "api_comparison_groups"): lambda ids: [
                {"ok": False, "reason": "none"} for _ in ids
            ],
            ("trainlink.kpi.value", "api_read_values"): lambda *args: [],
            ("trainlink.sync.lock", "api_renew"): lambda *args: {"ok": True},
            ("trainlink.sync.run", "api_start"): lambda source: 9,
        },
        log,
    )
    erp = ErpClient(transport, batch_size=2)
    erp.before_batch = lambda: log.append("before_batch")

    erp.upsert_kpi_values([{"external_key": f"k{i}"} for i in range(4)], 9)
    erp.match_employees("barcode", ["A", "B", "C"])
    erp.comparison_groups([5])
    erp.read_kpi_values([1], [3], date(2024, 1, 1))
    erp.renew_lock("token", 900)
    erp.start_run("sales")

    assert log == [
        *["before_batch", "api_upsert"] * 2,
        *["before_batch", "api_match_employees"] * 2,
        *["before_batch", "api_comparison_groups"],
        *["before_batch", "api_read_values"],
        "api_renew",
        "api_start",
    ]


def test_before_batch_raising_stops_an_upsert_with_what_was_written_counted():
    sent = []
    upserted = {"read": 2, "created": 2, "updated": 0, "unchanged": 0}
    transport = ScriptedTransport(
        {("trainlink.kpi.value", "api_upsert"): lambda *args: upserted}, sent
    )
    erp = ErpClient(transport, batch_size=2)
    batches = iter([None, ErpFault("the run lost the ERP's lock")])

    def before_batch():
        error = next(batches)
        if error:
            raise error

    erp.before_batch = before_batch
    summary = UpsertSummary()

    with pytest.raises(ErpFault, match="lost the ERP's lock"):
        erp.upsert_kpi_values([{"external_key": f"k{i}"} for i in range(4)], 9, summary)

    assert sent == ["api_upsert"], "the second batch was not sent"
    assert (summary.read, summary.created) == (2, 2)


# ---------------------------------------------------- JSON-RPC (odoorpc) --


class FakeJsonOdoo(BaseHTTPRequestHandler):
    """Just enough of Odoo's JSON-RPC for odoorpc: version, login, calls."""

    script: list = []
    requests: list = []
    password = "secret"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body["params"]))
        step = type(self).script.pop(0) if type(self).script else None
        if isinstance(step, int):
            self.send_response(step)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        params = body["params"]
        if self.path.endswith("version_info"):
            result = {"server_version": "18.0", "server_version_info": [18, 0]}
        elif params.get("service") == "common":
            result = 2 if params["args"][2] == self.password else False
        elif params["args"][3:5] == ["res.users", "context_get"]:
            result = {"lang": "en_US"}
        elif params["args"][3:5] == ["trainlink.kpi", "api_read_kpis"]:
            result = []
        else:
            error = {
                "code": 200,
                "message": "Odoo Server Error",
                "data": {"name": "odoo.exceptions.AccessError", "message": "No."},
            }
            return self._send({"jsonrpc": "2.0", "id": body["id"], "error": error})
        self._send({"jsonrpc": "2.0", "id": body["id"], "result": result})

    def _send(self, answer):
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def json_odoo():
    FakeJsonOdoo.script, FakeJsonOdoo.requests = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeJsonOdoo)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def json_transport(url, password="secret", sleeps=None):
    retry = RetryPolicy(max_attempts=3, backoff=0.5)
    retry.sleep = sleeps if sleeps is not None else Sleeps()
    return JsonRpcTransport(url, "db", "sync", password, timeout=5, retry=retry)


def test_jsonrpc_transport_retries_5xx_and_calls(json_odoo):
    sleeps = Sleeps()
    FakeJsonOdoo.script = [503]
    erp = ErpClient(json_transport(json_odoo, sleeps=sleeps))

    assert erp.read_kpis() == {}
    assert sleeps == [0.5]

    FakeJsonOdoo.script = [429]
    assert erp.read_kpis() == {}
    assert sleeps == [0.5, 0.5]


def test_jsonrpc_transport_fails_fast(json_odoo):
    with pytest.raises(AuthenticationError, match="Wrong login"):
        json_transport(json_odoo, password="wrong").login()

    erp = json_transport(json_odoo)
    with pytest.raises(ErpAccessError, match="No."):
        erp.call("trainlink.kpi.value", "api_upsert", [])
    FakeJsonOdoo.script = [404]
    with pytest.raises(ErpRequestError, match="HTTP 404"):
        erp.call("trainlink.kpi", "api_read_kpis")


def test_jsonrpc_transport_refuses_a_url_path():
    with pytest.raises(ValueError, match="URL path"):
        JsonRpcTransport("http://erp.example.com/odoo", "db", "u", "p")


def test_xmlrpc_fault_helper_keeps_the_code(fake_odoo):
    erp = transport(fake_odoo.url)
    erp.login()
    fake_odoo.script = [("fault", 2, "You cannot do that")]
    with pytest.raises(ErpFault) as raised:
        erp.call("x", "y")
    assert raised.value.code == 2
    assert isinstance(raised.value.__cause__, xmlrpc.client.Fault)
