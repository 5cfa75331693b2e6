"""The XML-RPC client the scripts of this directory share.

Standard library only, so every script runs with a bare ``python3``. Import it
from a script of this directory after putting the directory on the path::

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from odoo_rpc import OdooClient  # noqa: E402
"""

import sys
import xmlrpc.client
from urllib.parse import urlsplit

VALUE_MODEL = "trainlink.kpi.value"
SYNC_GROUP = "trainlink_performance.group_trainlink_sync"
# Context that finds archived records too, so that reruns reuse them.
ALL_RECORDS = {"active_test": False}
# What a failed call raises: the server's fault, or the network's error.
RPC_ERRORS = (OSError, xmlrpc.client.Error)


class SetupError(Exception):
    """The script cannot start its work (login, missing add-on): exit status 2."""


def transport(url, timeout):
    """An XML-RPC transport for url whose every call gives up after timeout s."""
    https = urlsplit(url).scheme == "https"
    base = xmlrpc.client.SafeTransport if https else xmlrpc.client.Transport

    class TimeoutTransport(base):
        def make_connection(self, host):
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection

    return TimeoutTransport()


class OdooClient:
    """One authenticated XML-RPC user of one database."""

    def __init__(self, url, db, login, password, timeout):
        self.url = url
        self.timeout = timeout
        self.db = db
        self.login = login
        self._password = password
        common = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/common", transport=transport(url, timeout)
        )
        try:
            self.uid = common.authenticate(db, login, password, {})
        except RPC_ERRORS as error:
            raise SetupError(
                f"cannot log in to {db} at {url}: {describe_error(error)}"
            ) from error
        if not self.uid:
            raise SetupError(f"login {login!r} refused by database {db} at {url}")
        self._object = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object",
            transport=transport(url, timeout),
            allow_none=True,
        )

    def call(self, model, method, *args, **kwargs):
        return self._object.execute_kw(
            self.db, self.uid, self._password, model, method, list(args), kwargs
        )

    def ref(self, xml_id, model=None):
        """The id of the record named by ``module.name``, or None."""
        module, name = xml_id.split(".", 1)
        domain = [("module", "=", module), ("name", "=", name)]
        if model:
            domain.append(("model", "=", model))
        found = self.call("ir.model.data", "search_read", domain, ["res_id"])
        return found[0]["res_id"] if found else None

    def company_id(self):
        """The id of the current company of this user."""
        user = self.call("res.users", "read", [self.uid], ["company_id"])[0]
        return user["company_id"][0]


def ensure_sync_user(admin, login, name, company_id, password):
    """Create or update the sync worker's technical user: internal + sync
    group, in one company, with the given password. Returns (id, created)."""
    sync_group = admin.ref(SYNC_GROUP, "res.groups")
    if not sync_group:
        raise SetupError(f"group {SYNC_GROUP} not found: is the add-on installed?")
    internal = admin.ref("base.group_user", "res.groups")
    vals = {
        "name": name,
        "login": login,
        "password": password,
        "active": True,
        "company_id": company_id,
        "company_ids": [(6, 0, [company_id])],
        # Set up like the sync user of the add-on's tests: internal + sync.
        "groups_id": [(6, 0, [internal, sync_group])],
    }
    found = admin.call(
        "res.users", "search", [("login", "=", login)], context=ALL_RECORDS
    )
    if found:
        admin.call("res.users", "write", found, vals)
        return found[0], False
    return admin.call("res.users", "create", vals), True


def describe_error(error):
    """An RPC error in one line: a Fault carries the server's whole traceback."""
    if isinstance(error, xmlrpc.client.Fault):
        lines = str(error.faultString).strip().splitlines()
        return lines[-1] if lines else f"fault {error.faultCode}"
    return str(error)


def progress(message):
    """A progress line on stderr, so stdout keeps only the report."""
    print(f"  .. {message}", file=sys.stderr, flush=True)
