"""The SQL source against a real MariaDB/MySQL and a real PostgreSQL.

Each test creates its own database trainlink_wtest_<random> (see
TRAINLINK_TEST_DB_PREFIX in conftest.py) and drops it.
The servers are found through (scripts/test.sh starts them and exports these):
    TRAINLINK_TEST_MYSQL_DSN  default mysql://root@127.0.0.1:3306/
    TRAINLINK_TEST_PG_DSN     default postgresql:///postgres (local socket,
                              the current OS user's role)
A server that does not answer skips its tests with the reason.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from datetime import date
from urllib.parse import urlsplit

import psycopg2
import pymysql
import pytest
from conftest import new_db_name
from conftest_sources import reasons, records_as_tuples, source_config

from sync_worker.sources import SourceError, build_source
from sync_worker.sources.sql import SqlSource, redact_dsn

MYSQL_DSN = os.environ.get("TRAINLINK_TEST_MYSQL_DSN", "mysql://root@127.0.0.1:3306/")
PG_DSN = os.environ.get("TRAINLINK_TEST_PG_DSN", "postgresql:///postgres")
YEAR = (date(2024, 1, 1), date(2024, 12, 31))
PASSWORD = "s3cret-Pw_" + secrets.token_hex(4)  # must never show up anywhere

SALES_ROWS = [
    (1, "TL1002", "2024-03-04", "1200.50", "1200.50"),
    (2, "TL1003", "2024-03-05", "800", "800"),
    (3, None, "2024-03-06", "100", "100"),  # no employee
    (4, "TL1002", "2024-03-06", None, None),  # no value
    (5, "TL1002", "2024-03-07", "50", "abc"),
    (6, "TL1002", "2023-12-31", "999", "999"),  # before the range
    (7, "TL1001", "2024-03-08", "70", "Infinity"),
]
TYPED_QUERY = (
    "SELECT id, badge, day, amount FROM sales "
    "WHERE day BETWEEN %(start)s AND %(end)s ORDER BY id"
)


def with_database(dsn: str, name: str) -> str:
    """The DSN with its database (the URL path) replaced."""
    base, _, query = dsn.partition("?")
    scheme, _, rest = base.partition("://")
    netloc = rest.split("/", 1)[0]
    return f"{scheme}://{netloc}/{name}" + (f"?{query}" if query else "")


def mysql_connect(dsn: str, database: str | None = None):
    parts = urlsplit(dsn)
    return pymysql.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=database,
        connect_timeout=3,
        autocommit=True,
    )


@pytest.fixture(params=["mysql", "postgresql"])
def database(request):
    """(dialect, DSN of a fresh database holding the sales table, run(sql))."""
    name = new_db_name()
    if request.param == "mysql":
        try:
            admin = mysql_connect(MYSQL_DSN)
        except pymysql.MySQLError as exc:
            pytest.skip(
                f"MariaDB/MySQL not reachable at {redact_dsn(MYSQL_DSN)} ({exc}); "
                "scripts/test.sh starts it, or set TRAINLINK_TEST_MYSQL_DSN"
            )
        admin.cursor().execute(f"CREATE DATABASE {name}")
        connection = mysql_connect(MYSQL_DSN, name)

        def drop():
            connection.close()
            admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
            admin.close()

    else:
        try:
            admin = psycopg2.connect(PG_DSN, connect_timeout=3)
        except psycopg2.Error as exc:
            pytest.skip(
                f"PostgreSQL not reachable at {redact_dsn(PG_DSN)} ({exc}); "
                "scripts/test.sh starts it, or set TRAINLINK_TEST_PG_DSN"
            )
        admin.autocommit = True
        admin.cursor().execute(f"CREATE DATABASE {name}")
        connection = psycopg2.connect(with_database(PG_DSN, name), connect_timeout=3)
        connection.autocommit = True

        def drop():
            connection.close()
            admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.close()

    def run(sql, params=()):
        # Always with parameters, so that both drivers read %% as %.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    run(
        "CREATE TABLE sales (id INTEGER PRIMARY KEY, badge VARCHAR(20), day DATE, "
        "amount DECIMAL(12, 2), amount_text VARCHAR(20))"
    )
    for row in SALES_ROWS:
        run("INSERT INTO sales VALUES (%s, %s, %s, %s, %s)", row)
    dsn = with_database(MYSQL_DSN if request.param == "mysql" else PG_DSN, name)
    try:
        yield request.param, dsn, run
    finally:
        drop()


def sql_source(dsn, query, **options):
    columns = {
        "record_id": "id",
        "employee_key": "badge",
        "date": "day",
        "value": "amount",
    }
    config = source_config(
        "sql", columns=columns, options={"dsn": dsn, "query": query, **options}
    )
    return build_source(config)


def test_typed_columns_good_rows_and_rejections(database):
    _dialect, dsn, _run = database
    batch = sql_source(dsn, TYPED_QUERY).read(*YEAR)
    # DECIMAL comes as Decimal, DATE as date, INTEGER ids become text keys;
    # the row before the range is not even selected by the query.
    assert records_as_tuples(batch) == [
        ("1", "TL1002", date(2024, 3, 4), 1200.5, "SALES_REV"),
        ("2", "TL1003", date(2024, 3, 5), 800.0, "SALES_REV"),
        ("5", "TL1002", date(2024, 3, 7), 50.0, "SALES_REV"),
        ("7", "TL1001", date(2024, 3, 8), 70.0, "SALES_REV"),
    ]
    # NULL employee and NULL amount: rejected, naming the row of the result.
    assert reasons(batch) == [
        "row 3: missing employee key (barcode)",
        "row 4: missing value",
    ]


def test_text_values_non_numeric_and_non_finite_are_rejected(database):
    _dialect, dsn, _run = database
    query = TYPED_QUERY.replace("amount FROM", "amount_text AS amount FROM")
    batch = sql_source(dsn, query).read(*YEAR)
    assert list(batch.records["record_id"]) == ["1", "2"]
    assert reasons(batch) == [
        "row 3: missing employee key (barcode)",
        "row 4: missing value",
        "row 5: non-numeric value 'abc'",
        "row 6: non-finite value 'Infinity'",
    ]


def test_the_range_is_passed_as_parameters(database):
    _dialect, dsn, _run = database
    batch = sql_source(dsn, TYPED_QUERY).read(date(2023, 12, 1), date(2024, 3, 4))
    assert list(batch.records["record_id"]) == ["1", "6"]
    assert batch.rejected == []


def test_session_is_read_only(database):
    _dialect, dsn, run = database
    query = "DELETE FROM sales WHERE day BETWEEN %(start)s AND %(end)s"
    with pytest.raises(SourceError, match="query failed"):
        sql_source(dsn, query).read(*YEAR)
    # Nothing was deleted.
    assert len(sql_source(dsn, TYPED_QUERY).read(*YEAR).records) == 4


def test_query_timeout(database):
    dialect, dsn, _run = database
    sleep = "SELECT SLEEP(5)" if dialect == "mysql" else "SELECT pg_sleep(5)"
    started = time.monotonic()
    with pytest.raises(SourceError, match="query failed"):
        sql_source(dsn, sleep, timeout=1).read(*YEAR)
    assert time.monotonic() - started < 4


def test_mapped_column_absent_fails_even_without_rows(database):
    _dialect, dsn, _run = database
    query = "SELECT id, badge, day AS sold_on, amount FROM sales WHERE 1 = 0"
    with pytest.raises(SourceError, match=r"'day' \(for date\)"):
        sql_source(dsn, query).read(*YEAR)


@pytest.fixture
def reader(database):
    """A user of the test database with a password and SELECT on sales, as
    (DSN without the password, its name); dropped afterwards."""
    dialect, dsn, run = database
    user = f"tl_wtest_{secrets.token_hex(3)}"
    parts = urlsplit(dsn)
    if dialect == "mysql":
        # "_" is a wildcard in a GRANT's database name: escaped, it names just
        # this database (all a test account may be allowed to grant).
        escaped = parts.path.strip("/").replace("_", "\\_")
        create = [
            (f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (PASSWORD,)),
            (f"GRANT SELECT ON `{escaped}`.* TO '{user}'@'%%'", ()),
        ]
        drop = [f"DROP USER IF EXISTS '{user}'@'%%'"]
        host, port = parts.hostname or "127.0.0.1", parts.port or 3306
    else:
        can_create_roles = run(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles "
            "WHERE rolname = current_user"
        )[0][0]
        if not can_create_roles:
            pytest.skip("the PostgreSQL role of the tests cannot create roles")
        create = [
            (f"CREATE ROLE {user} LOGIN PASSWORD %s", (PASSWORD,)),
            (f"GRANT SELECT ON sales TO {user}", ()),
        ]
        drop = [f"REVOKE ALL ON sales FROM {user}", f"DROP ROLE {user}"]
        # Password authentication is over TCP (the socket uses peer auth).
        host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        for sql, params in create:
            run(sql, params)
        yield f"{parts.scheme}://{user}@{host}:{port}{parts.path}", user
    finally:
        for sql in drop:
            try:
                run(sql)
            except Exception:  # created only in part
                pass


def test_password_from_environment_and_never_in_errors_or_logs(
    reader, monkeypatch, caplog
):
    """A user with a password reads through password_env; a failed connection
    says why with a message (and logs) that hold no password."""
    dsn, user = reader
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TL_WTEST_DB_PASSWORD", PASSWORD)
    source = sql_source(dsn, TYPED_QUERY, password_env="TL_WTEST_DB_PASSWORD")
    assert len(source.read(*YEAR).records) == 4

    # A wrong password, and a database that does not exist: this fails
    # whether the server checks passwords or trusts local connections.
    bad_dsn = dsn.replace(f"{user}@", f"{user}:wrong-{PASSWORD}@") + "_nope"
    with pytest.raises(SourceError) as error:
        sql_source(bad_dsn, TYPED_QUERY).read(*YEAR)
    message = str(error.value)
    assert f"{user}:***@" in message and "_nope" in message
    assert PASSWORD not in message and PASSWORD not in caplog.text


# ------------------------------------------------ no server needed --


@pytest.mark.parametrize("scheme", ["mysql", "postgresql"])
def test_unreachable_server_is_a_clear_error_without_the_password(scheme, caplog):
    # Port 1 on the loopback refuses at once.
    dsn = f"{scheme}://reader:{PASSWORD}@127.0.0.1:1/sales"
    source = sql_source(dsn, TYPED_QUERY, connect_timeout=2)
    with pytest.raises(SourceError) as error:
        source.read(*YEAR)
    message = str(error.value)
    assert f"cannot connect to {scheme}://reader:***@127.0.0.1:1/sales" in message
    assert PASSWORD not in message and PASSWORD not in caplog.text


def test_dsn_scheme_chooses_the_driver():
    assert sql_source("mariadb://u@h/db", "SELECT 1").dialect == "mysql"
    assert sql_source("postgres://u@h/db", "SELECT 1").dialect == "postgresql"
    with pytest.raises(SourceError, match="must start with mysql:// or postgresql://"):
        sql_source("sqlite:///tmp/x.db", "SELECT 1")
    with pytest.raises(SourceError, match="option `query` is required"):
        SqlSource(source_config("sql", options={"dsn": "mysql://u@h/db"}))


def test_redact_dsn():
    assert redact_dsn("mysql://u:p%40ss@db.example:3307/sales?x=1") == (
        "mysql://u:***@db.example:3307/sales?x=1"
    )
    assert redact_dsn("postgresql:///postgres") == "postgresql:///postgres"
    assert redact_dsn("postgresql://h/db?sslmode=require&password=x%26y") == (
        "postgresql://h/db?sslmode=require&password=***"
    )
