"""Shared fixtures of the worker tests.

`odoo_server` (session scope) is a real Odoo 18 with trainlink_performance
installed in a fresh database and a portal-type sync user, served on a free
local port; tests that use it are marked `odoo` and skipped when no Odoo 18
is found (ODOO_BIN, else odoo-bin or odoo on PATH).

On a shared machine, TRAINLINK_TEST_DB_PREFIX names its databases (default
trainlink_wtest_) and TRAINLINK_TEST_PORTS ("8180-8189") the ports its
servers may listen on (default: any free one).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync_worker.odoo import RetryPolicy, XmlRpcTransport

REPO = Path(__file__).resolve().parents[2]
ADDON = "trainlink_performance"
SYNC_GROUP = ("trainlink_performance", "group_trainlink_sync")
NO_ODOO = (
    "no Odoo 18: set ODOO_BIN (or put odoo-bin or odoo on PATH) to run the "
    "end-to-end tests against a real Odoo"
)
INSTALL_TIMEOUT = int(os.environ.get("ODOO_RUN_TIMEOUT", "1800"))


def free_port() -> int:
    """A port nobody listens on: from TRAINLINK_TEST_PORTS when it is set,
    else any the system gives."""
    allotted = os.environ.get("TRAINLINK_TEST_PORTS")
    if not allotted:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    low, _, high = allotted.partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("", port))  # Odoo listens on every interface
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in TRAINLINK_TEST_PORTS={allotted}")


def new_db_name(kind: str = "") -> str:
    """A new database name, under TRAINLINK_TEST_DB_PREFIX."""
    prefix = os.environ.get("TRAINLINK_TEST_DB_PREFIX", "trainlink_wtest_")
    return f"{prefix}{kind}{secrets.token_hex(4)}"


def find_odoo_bin() -> str | None:
    """The Odoo 18 launcher: ODOO_BIN, else odoo-bin or odoo on PATH. An
    explicit ODOO_BIN that is not an Odoo 18 is an error, as in test.sh."""
    explicit = os.environ.get("ODOO_BIN")
    for name in [explicit] if explicit else ["odoo-bin", "odoo"]:
        path = shutil.which(name)
        version = (
            path
            and subprocess.run(
                [path, "--version"], capture_output=True, text=True, check=False
            ).stdout
        )
        if version and version.startswith("Odoo Server 18.0"):
            return path
    if explicit:
        pytest.fail(f"ODOO_BIN={explicit} is not an Odoo 18 launcher")
    return None


@dataclass
class OdooServer:
    url: str
    db: str
    sync_login: str
    sync_password: str
    log_path: Path
    odoo_bin: str
    options: list[str]  # addons path, data dir, database: for `odoo-bin shell`

    def admin(self) -> XmlRpcTransport:
        """An XML-RPC connection as the administrator (admin/admin)."""
        return XmlRpcTransport(
            self.url, self.db, "admin", "admin", retry=RetryPolicy(max_attempts=1)
        )

    def xmlid(self, module: str, name: str) -> int:
        found = self.admin().search_read(
            "ir.model.data",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return found[0]["res_id"]


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Odoo stopped at start:\n{_log_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"Odoo did not answer on {url} in 180 s:\n{_log_tail(log_path)}")


def _drop_database(db: str) -> None:
    subprocess.run(
        ["dropdb", "--if-exists", "--force", db],
        capture_output=True,
        check=False,
    )


def start_odoo(common: list[str], work: Path):
    """Serve the database `common` names on a free port, once it answers:
    (url, process, log path)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = work / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*common, f"--http-port={port}", "--workers=0"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    _wait_until_up(url, process, log_path)
    return url, process, log_path


def stop_odoo(process: subprocess.Popen | None, db: str) -> None:
    """Stop the server (when it was started) and drop its database."""
    if process is not None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    _drop_database(db)


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory):
    odoo_bin = find_odoo_bin()
    if not odoo_bin:
        if os.environ.get("TRAINLINK_REQUIRE_ODOO") == "1":
            pytest.fail(f"TRAINLINK_REQUIRE_ODOO=1 but {NO_ODOO}")
        pytest.skip(NO_ODOO)
    if (
        shutil.which("pg_isready")
        and subprocess.run(["pg_isready", "-q"], check=False).returncode
    ):
        pytest.skip("PostgreSQL does not answer (pg_isready): start it")
    work = tmp_path_factory.mktemp("odoo")
    db = new_db_name()
    addons_path = ",".join(
        filter(None, [str(REPO / "addons"), os.environ.get("ODOO_ADDONS_PATH")])
    )
    options = [
        f"--addons-path={addons_path}",
        f"--data-dir={work / 'data'}",
        f"--database={db}",
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    common = [odoo_bin, *options]
    install_log = work / "install.log"
    process = None
    try:
        with install_log.open("w") as log:
            installed = subprocess.run(
                [
                    *common,
                    f"--http-port={free_port()}",
                    f"--init={ADDON}",
                    "--without-demo=all",
                    "--stop-after-init",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        if installed.returncode:
            pytest.fail(f"installing {ADDON} failed:\n{_log_tail(install_log)}")
        url, process, server_log = start_odoo(common, work)
        server = OdooServer(
            url=url,
            db=db,
            sync_login="trainlink_sync",
            sync_password=secrets.token_urlsafe(16),
            log_path=server_log,
            odoo_bin=odoo_bin,
            options=options,
        )
        _create_sync_user(server)
        yield server
    finally:
        stop_odoo(process, db)


def _create_sync_user(server: OdooServer) -> int:
    """A portal-type technical user in the sync group, as the README says."""
    groups = [
        server.xmlid("base", "group_portal"),
        server.xmlid(*SYNC_GROUP),
    ]
    return server.admin().call(
        "res.users",
        "create",
        {
            "name": "TrainLink Sync",
            "login": server.sync_login,
            "password": server.sync_password,
            "groups_id": [(6, 0, groups)],
        },
    )


# ------------------------------------------- a scripted local XML-RPC Odoo --


class FakeOdoo:
    """A real HTTP server on 127.0.0.1 speaking Odoo's /xmlrpc/2 endpoints.

    `script` is consumed one entry per request before `methods` answer:
    an int is an HTTP error status (429 is sent with `Retry-After` when the
    entry is (429, seconds)), ("fault", code, text) an XML-RPC fault,
    ("sleep", seconds) an answer that comes too late, ("html",) a 200 that is
    not XML-RPC. `methods` maps (model, method) to a function of (args,
    kwargs); `authenticate` is a function of (db, login, password).
    """

    def __init__(self):
        import xmlrpc.client
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.script: list = []
        self.methods: dict = {}
        self.requests: list[tuple[str, str, tuple]] = []  # (path, method, params)
        self.bodies: list[bytes] = []
        self.uid = 7
        self.authenticate = lambda db, login, password: self.uid
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                params, method = xmlrpc.client.loads(body, use_builtin_types=True)
                fake.requests.append((self.path, method, params))
                fake.bodies.append(body)
                step = fake.script.pop(0) if fake.script else None
                if isinstance(step, int):
                    step = (step,)
                if step and isinstance(step[0], int):
                    self.send_response(step[0])
                    if len(step) > 1:
                        self.send_header("Retry-After", str(step[1]))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if step and step[0] == "sleep":
                    time.sleep(step[1])
                if step and step[0] == "html":
                    return self._send(b"<html>Bad gateway page</html>")
                try:
                    if step and step[0] == "fault":
                        raise xmlrpc.client.Fault(step[1], step[2])
                    result = fake.answer(method, params)
                    payload = xmlrpc.client.dumps(
                        (result,), methodresponse=True, allow_none=False
                    )
                except xmlrpc.client.Fault as fault:
                    payload = xmlrpc.client.dumps(fault, methodresponse=True)
                self._send(payload.encode())

            def _send(self, payload: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout tests)
                    pass

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, method, params):
        import xmlrpc.client

        if method == "authenticate":
            return self.authenticate(*params[:3]) or False
        if method == "execute_kw":
            db, uid, password, model, name, args, kwargs = params
            handler = self.methods.get((model, name))
            if handler is None:
                raise xmlrpc.client.Fault(1, f"no method {model}.{name}")
            return handler(args, kwargs)
        raise xmlrpc.client.Fault(1, f"unknown method {method}")

    def calls(self, model=None, name=None) -> list[tuple[list, dict]]:
        """(args, kwargs) of the execute_kw requests, optionally of one method."""
        return [
            (params[5], params[6])
            for path, method, params in self.requests
            if method == "execute_kw"
            and (model is None or params[3] == model)
            and (name is None or params[4] == name)
        ]


@pytest.fixture
def fake_odoo():
    import threading

    fake = FakeOdoo()
    thread = threading.Thread(
        target=fake.server.serve_forever, args=(0.05,), daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
        thread.join(5)
