"""The ERP's own records (kinds odoo_sales, odoo_production).

The mapping is tested at unit level with a recording transport; the last test
reads real sale orders and manufacturing orders from a real Odoo 18 with
sale and mrp installed in a fresh database (skipped when no Odoo 18 is found,
or when its addons lack sale or mrp).
"""

from __future__ import annotations

import secrets
import subprocess
from datetime import date

import pytest
from conftest import find_odoo_bin, free_port, new_db_name, start_odoo, stop_odoo
from conftest_sources import reasons, records_as_tuples, source_config

from sync_worker.odoo import (
    ErpAccessError,
    ErpClient,
    ErpFault,
    ErpUnavailable,
    RetryPolicy,
    XmlRpcTransport,
)
from sync_worker.sources import SourceError, build_source
from sync_worker.sources.odoo_records import OdooRecordsSource

MARCH = (date(2024, 3, 1), date(2024, 3, 31))


class RecordingTransport:
    """search_read answers from `tables` (model -> rows, filtered on "id in"
    only); every call is recorded."""

    def __init__(self, tables):
        self.tables = tables
        self.calls = []

    def search_read(self, model, domain, fields, limit=None):
        self.calls.append((model, domain, fields))
        rows = self.tables[model]
        for name, operator, value in domain:
            if name == "id" and operator == "in":
                rows = [row for row in rows if row["id"] in value]
        return [{"id": row["id"], **{f: row[f] for f in fields}} for row in rows]

    def call(self, model, method, *args, **kwargs):
        raise AssertionError("the source only reads")


def odoo_source(kind, tables, **fields):
    transport = RecordingTransport(tables)
    source = build_source(source_config(kind, **fields), ErpClient(transport))
    return source, transport


USERS = [
    {"id": 6, "login": "li.na"},
    {"id": 7, "login": "zhang.min"},
    {"id": 8, "login": False},  # a user without a login cannot be matched
]


def test_sales_defaults_map_salesperson_login_date_and_amount():
    orders = [
        {
            "id": 1,
            "date_order": "2024-03-04 09:30:00",
            "amount_total": 345.0,
            "user_id": [6, "Li Na"],
        },
        {
            "id": 2,
            "date_order": "2024-03-31 23:59:59",
            "amount_total": 100,
            "user_id": [7, "Zhang Min"],
        },
        # Read for the time zone margin, but in April (UTC): left out.
        {
            "id": 3,
            "date_order": "2024-04-01 00:00:00",
            "amount_total": 1,
            "user_id": [6, "Li Na"],
        },
        # No salesperson, and a salesperson without a login: rejected.
        {
            "id": 4,
            "date_order": "2024-03-05 10:00:00",
            "amount_total": 9,
            "user_id": False,
        },
        {
            "id": 5,
            "date_order": "2024-03-05 10:00:00",
            "amount_total": 9,
            "user_id": [8, "Old Account"],
        },
    ]
    source, transport = odoo_source(
        "odoo_sales",
        {"sale.order": orders, "res.users": USERS},
        employee_key_type="login",
    )
    batch = source.read(*MARCH)
    assert records_as_tuples(batch) == [
        ("sale.order,1", "li.na", date(2024, 3, 4), 345.0, "SALES_REV"),
        ("sale.order,2", "zhang.min", date(2024, 3, 31), 100.0, "SALES_REV"),
    ]
    assert reasons(batch) == [
        "sale.order id 4: no user_id (missing employee key)",
        "sale.order id 5: user_id 'Old Account' (id 8) has no login or cannot be read",
    ]
    (model, domain, fields), (user_model, user_domain, user_fields) = transport.calls
    assert model == "sale.order"
    assert domain == [
        ["state", "=", "sale"],
        ["date_order", ">=", "2024-02-29"],
        ["date_order", "<", "2024-04-02"],
    ]
    assert fields == ["date_order", "amount_total", "user_id"]
    # One read of the salespeople, archived ones included.
    assert user_model == "res.users" and user_fields == ["login"]
    assert user_domain == [["id", "in", [6, 7, 8]], ["active", "in", [True, False]]]


def test_datetimes_are_dated_in_the_configured_time_zone():
    orders = [
        # 20:00 UTC on March 31 is April 1 in Shanghai: out of March.
        {
            "id": 1,
            "date_order": "2024-03-31 20:00:00",
            "amount_total": 5,
            "user_id": [6, "Li Na"],
        },
        # 17:00 UTC on February 29 is March 1 in Shanghai: in.
        {
            "id": 2,
            "date_order": "2024-02-29 17:00:00",
            "amount_total": 7,
            "user_id": [6, "Li Na"],
        },
    ]
    source, _ = odoo_source(
        "odoo_sales",
        {"sale.order": orders, "res.users": USERS},
        options={"tz": "Asia/Shanghai"},
    )
    batch = source.read(*MARCH)
    assert records_as_tuples(batch) == [
        ("sale.order,2", "li.na", date(2024, 3, 1), 7.0, "SALES_REV")
    ]
    assert batch.rejected == []


def test_production_with_options_employee_badge_and_kpi_per_row():
    productions = [
        {
            "id": 10,
            "date_finished": "2024-03-10 08:00:00",
            "qty_produced": 120.0,
            "x_operator_id": [3, "Liu Yang"],
            "x_kpi": "OUTPUT_PER_HOUR",
        },
        {
            "id": 11,
            "date_finished": "2024-03-11",  # a date field works too
            "qty_produced": 0.0,
            "x_operator_id": [3, "Liu Yang"],
            "x_kpi": False,  # no KPI code: rejected
        },
    ]
    source, transport = odoo_source(
        "odoo_production",
        {
            "mrp.production": productions,
            "hr.employee": [{"id": 3, "barcode": "TL2002"}],
        },
        kpi_column="x_kpi",
        columns={"value": "ignored: ERP kinds map fields with options"},
        options={
            "domain": [["state", "=", "done"], ["workcenter_id", "=", 2]],
            "employee_field": "x_operator_id",
            "employee_model": "hr.employee",
            "employee_model_field": "barcode",
        },
    )
    batch = source.read(*MARCH)
    assert records_as_tuples(batch) == [
        ("mrp.production,10", "TL2002", date(2024, 3, 10), 120.0, "OUTPUT_PER_HOUR")
    ]
    assert reasons(batch) == ["mrp.production id 11: missing KPI code"]
    model, domain, fields = transport.calls[0]
    assert model == "mrp.production"
    assert domain[:2] == [["state", "=", "done"], ["workcenter_id", "=", 2]]
    assert fields == ["date_finished", "qty_produced", "x_operator_id", "x_kpi"]
    assert transport.calls[1][0] == "hr.employee"


def test_a_text_employee_field_is_the_key_itself():
    orders = [
        {
            "id": 1,
            "date_order": "2024-03-04 10:00:00",
            "amount_total": 1,
            "x_badge": "TL1002",
        },
        {
            "id": 2,
            "date_order": "2024-03-04 10:00:00",
            "amount_total": 1,
            "x_badge": False,
        },
    ]
    source, transport = odoo_source(
        "odoo_sales", {"sale.order": orders}, options={"employee_field": "x_badge"}
    )
    batch = source.read(*MARCH)
    assert list(batch.records["employee_key"]) == ["TL1002"]
    assert reasons(batch) == ["sale.order id 2: no x_badge (missing employee key)"]
    assert len(transport.calls) == 1  # no user lookup


def test_no_record_means_no_user_lookup():
    source, transport = odoo_source("odoo_sales", {"sale.order": []})
    batch = source.read(*MARCH)
    assert batch.records.empty and batch.rejected == []
    assert len(transport.calls) == 1


def test_errors():
    config = source_config("odoo_sales")
    with pytest.raises(SourceError, match="needs the ERP client"):
        build_source(config)

    class Failing(RecordingTransport):
        def search_read(self, model, domain, fields, limit=None):
            raise self.error

    transport = Failing({})
    source = build_source(config, ErpClient(transport))
    transport.error = ErpAccessError("You are not allowed to access 'Sales Order'")
    with pytest.raises(SourceError, match="user needs read access to sale.order"):
        source.read(*MARCH)
    transport.error = ErpFault("Invalid field sale.order.x_badge in leaf")
    with pytest.raises(SourceError, match="cannot read sale.order: Invalid field"):
        source.read(*MARCH)
    # The ERP being down is not this source's fault: the transport's error.
    transport.error = ErpUnavailable("gave up after 5 attempts")
    with pytest.raises(ErpUnavailable):
        source.read(*MARCH)
    with pytest.raises(SourceError, match="unknown time zone 'Mars/Base'"):
        OdooRecordsSource(
            source_config("odoo_sales", options={"tz": "Mars/Base"}), ErpClient(None)
        )


# ------------------------------------------------------------ real Odoo --


@pytest.fixture(scope="module")
def sales_odoo(tmp_path_factory):
    """A real Odoo 18 serving a fresh database with sale and mrp (no demo
    data), as (url, db); the database is dropped afterwards."""
    odoo_bin = find_odoo_bin()
    if not odoo_bin:
        pytest.skip("no Odoo 18 (ODOO_BIN, odoo-bin or odoo on PATH)")
    work = tmp_path_factory.mktemp("odoo_erp_records")
    db = new_db_name("erp_")
    common = [
        odoo_bin,
        f"--data-dir={work / 'data'}",
        f"--database={db}",
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    process = None
    try:
        install = subprocess.run(
            [*common, f"--http-port={free_port()}", "--init=sale,mrp"]
            + ["--without-demo=all", "--stop-after-init"],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        output = install.stdout + install.stderr
        if "invalid module names" in output or "not installable" in output:
            pytest.skip("this Odoo has no sale or mrp add-on")
        if install.returncode:
            pytest.fail(f"installing sale and mrp failed:\n{output[-3000:]}")
        url, process, _log_path = start_odoo(common, work)
        yield url, db
    finally:
        stop_odoo(process, db)


def test_real_odoo_sale_orders_and_manufacturing_orders(sales_odoo):
    url, db = sales_odoo
    admin = XmlRpcTransport(
        url, db, "admin", "admin", retry=RetryPolicy(max_attempts=1)
    )

    def xmlid(module, name):
        found = admin.search_read(
            "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
        )
        return found[0]["res_id"]

    def salesperson(login):
        return admin.call(
            "res.users", "create", {"name": login.title(), "login": login}
        )

    li_na, zhang_min = salesperson("li.na"), salesperson("zhang.min")
    partner = admin.call("res.partner", "create", {"name": "Customer"})
    product = admin.call(
        "product.product", "create", {"name": "Widget", "type": "consu"}
    )

    def order(user_id, when, quantity, confirm=True):
        line = {"product_id": product, "product_uom_qty": quantity, "price_unit": 100}
        values = {"partner_id": partner, "order_line": [(0, 0, line)]}
        order_id = admin.call("sale.order", "create", {**values, "user_id": user_id})
        if confirm:
            admin.call("sale.order", "action_confirm", [order_id])
        # Confirming stamps the order with now: date it as the test needs.
        admin.call("sale.order", "write", [order_id], {"date_order": when})
        return order_id

    first = order(li_na, "2024-03-04 09:00:00", 2)
    second = order(zhang_min, "2024-03-20 15:00:00", 1)
    order(li_na, "2024-03-05 09:00:00", 5, confirm=False)  # a quotation: not read
    order(li_na, "2024-04-02 09:00:00", 1)  # April: not read
    nobody = order(False, "2024-03-06 09:00:00", 1)  # no salesperson: rejected

    production = admin.call(
        "mrp.production",
        "create",
        {"product_id": product, "product_qty": 12, "user_id": zhang_min},
    )
    admin.call("mrp.production", "action_confirm", [production])
    admin.call("mrp.production", "write", [production], {"qty_producing": 12})
    assert admin.call("mrp.production", "button_mark_done", [production]) is True
    admin.call(
        "mrp.production",
        "write",
        [production],
        {"date_finished": "2024-03-15 10:00:00"},
    )

    # The worker's ERP user: internal, with Sales (all documents) and
    # Manufacturing read rights, as the module docstring says.
    password = secrets.token_urlsafe(12)
    groups = [
        xmlid("base", "group_user"),
        xmlid("sales_team", "group_sale_salesman_all_leads"),
        xmlid("mrp", "group_mrp_user"),
    ]
    admin.call(
        "res.users",
        "create",
        {
            "name": "Worker",
            "login": "worker",
            "password": password,
            "groups_id": [(6, 0, groups)],
        },
    )
    erp = ErpClient(
        XmlRpcTransport(url, db, "worker", password, retry=RetryPolicy(max_attempts=1))
    )
    totals = {
        row["id"]: row["amount_total"]
        for row in admin.search_read("sale.order", [], ["amount_total"])
    }

    sales = build_source(
        source_config("odoo_sales", employee_key_type="login"), erp
    ).read(*MARCH)
    # Odoo returns the newest order first: compare in date order.
    assert sorted(records_as_tuples(sales), key=lambda record: record[2]) == [
        (f"sale.order,{first}", "li.na", date(2024, 3, 4), totals[first], "SALES_REV"),
        (
            f"sale.order,{second}",
            "zhang.min",
            date(2024, 3, 20),
            totals[second],
            "SALES_REV",
        ),
    ]
    assert reasons(sales) == [
        f"sale.order id {nobody}: no user_id (missing employee key)"
    ]

    output = build_source(
        source_config(
            "odoo_production", kpi_code="OUTPUT_PER_HOUR", employee_key_type="login"
        ),
        erp,
    ).read(*MARCH)
    assert records_as_tuples(output) == [
        (
            f"mrp.production,{production}",
            "zhang.min",
            date(2024, 3, 15),
            12.0,
            "OUTPUT_PER_HOUR",
        )
    ]
