"""A SQL query against MySQL/MariaDB (PyMySQL) or PostgreSQL (psycopg2).

Options (SourceConfig.options):
    dsn              mysql://user:password@host:3306/db (also mariadb://; a
                     socket with ?unix_socket=/run/mysqld/mysqld.sock) or
                     postgresql://user:password@host:5432/db (also postgres://;
                     postgresql:///db is the local socket, libpq rules)
    password_env     name of an environment variable holding the password, to
                     keep it out of the config file (it wins over the DSN's)
    query            the SELECT, with %(start)s and %(end)s parameters (dates,
                     both inclusive), e.g.
                     SELECT id, badge, day, amount FROM sales
                     WHERE day BETWEEN %(start)s AND %(end)s
    connect_timeout  seconds to wait for the connection (default 10)
    timeout          seconds a query may run (default 300)
    date_format, decimal, thousands   as for files, for text columns

The query's column names are the source's columns (map them with `columns`).
The session is read-only. The password is never logged: DSNs appear in logs
and errors as mysql://user:***@host/db.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd

from .base import (
    SourceBatch,
    SourceError,
    check_columns,
    empty_records,
    rows_to_batch,
)

if TYPE_CHECKING:
    from sync_worker.config import SourceConfig

_logger = logging.getLogger(__name__)

MYSQL_SCHEMES = ("mysql", "mariadb", "mysql+pymysql")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2")


def redact_dsn(dsn: str) -> str:
    """The DSN with its password (in the user part or a password=
    parameter) replaced by ***, fit for a log line."""
    parts = urlsplit(dsn)
    if parts.password is not None:
        user, _, host = parts.netloc.rpartition("@")
        username = user.partition(":")[0]
        dsn = dsn.replace(parts.netloc, f"{username}:***@{host}", 1)
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", dsn)


class SqlSource:
    def __init__(self, config: SourceConfig):
        options = config.options
        for required in ("dsn", "query"):
            if not options.get(required):
                raise SourceError(
                    f"source {config.name!r}: option `{required}` is required"
                )
        self.config = config
        self.name = config.name
        self.employee_key_type = config.employee_key_type
        dsn = options["dsn"]
        # Accept a pydantic SecretStr as well as a plain string.
        self._dsn = dsn.get_secret_value() if hasattr(dsn, "get_secret_value") else dsn
        self.dsn_for_logs = redact_dsn(self._dsn)
        scheme = urlsplit(self._dsn).scheme.lower()
        if scheme in MYSQL_SCHEMES:
            self.dialect = "mysql"
        elif scheme in POSTGRES_SCHEMES:
            self.dialect = "postgresql"
        else:
            raise SourceError(
                f"source {self.name!r}: DSN {self.dsn_for_logs!r} must start with "
                "mysql:// or postgresql://"
            )
        self.connect_timeout = int(options.get("connect_timeout", 10))
        self.timeout = int(options.get("timeout", 300))

    def _password(self) -> str | None:
        env = self.config.options.get("password_env")
        if env:
            if env not in os.environ:
                raise SourceError(
                    f"source {self.name!r}: environment variable {env} is not set"
                )
            return os.environ[env]
        password = urlsplit(self._dsn).password
        return unquote(password) if password is not None else None

    def connect(self):
        """A read-only DB-API connection; SourceError when the server does not
        answer or refuses (the message never holds the password)."""
        try:
            if self.dialect == "mysql":
                return self._connect_mysql()
            return self._connect_postgresql()
        except SourceError:
            raise
        except Exception as exc:  # each driver has its own error classes
            raise SourceError(
                f"source {self.name!r}: cannot connect to {self.dsn_for_logs}: "
                f"{self._scrub(exc)}"
            ) from None

    def _connect_mysql(self):
        import pymysql

        parts = urlsplit(self._dsn)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        kwargs: dict[str, Any] = {
            "user": unquote(parts.username or "") or None,
            "password": self._password() or "",
            "database": unquote(parts.path.lstrip("/")) or None,
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.timeout,
            "write_timeout": self.timeout,
            "charset": query.get("charset", "utf8mb4"),
        }
        if "unix_socket" in query:
            kwargs["unix_socket"] = query["unix_socket"]
        else:
            kwargs["host"] = parts.hostname or "localhost"
            kwargs["port"] = parts.port or 3306
        connection = pymysql.connect(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
        return connection

    def _connect_postgresql(self):
        import psycopg2

        kwargs: dict[str, Any] = {
            "connect_timeout": self.connect_timeout,
            "options": f"-c statement_timeout={self.timeout * 1000}",
        }
        if self.config.options.get("password_env"):
            kwargs["password"] = self._password()
        # libpq reads the URI itself (host, port, socket, sslmode, ...).
        dsn = self._dsn.replace("postgresql+psycopg2://", "postgresql://", 1)
        connection = psycopg2.connect(dsn, **kwargs)
        connection.set_session(readonly=True)
        return connection

    def _scrub(self, exc: Exception) -> str:
        """A driver's error message without any form of the password."""
        text = str(exc).strip()
        secrets = {urlsplit(self._dsn).password or ""}
        secrets.add(unquote(urlsplit(self._dsn).password or ""))
        secrets.add(os.environ.get(self.config.options.get("password_env") or "", ""))
        for secret in sorted(secrets - {""}, key=len, reverse=True):
            text = text.replace(secret, "***")
        return " ".join(text.split())  # one log line

    def read(self, start: date, end: date) -> SourceBatch:
        connection = self.connect()
        try:
            cursor = connection.cursor()
            try:
                parameters = {"start": start, "end": end}
                cursor.execute(self.config.options["query"], parameters)
            except Exception as exc:
                raise SourceError(
                    f"source {self.name!r}: query failed on {self.dsn_for_logs}: "
                    f"{self._scrub(exc)}"
                ) from None
            if cursor.description is None:
                raise SourceError(f"source {self.name!r}: the query returns no rows")
            columns = [description[0] for description in cursor.description]
            rows = cursor.fetchall()
        finally:
            connection.close()
        _logger.info(
            "source=%s dsn=%s start=%s end=%s rows=%d",
            self.name,
            self.dsn_for_logs,
            start,
            end,
            len(rows),
        )
        check_columns(self.config, columns, "the query result")
        if not rows:
            return SourceBatch(records=empty_records())
        frame = pd.DataFrame.from_records(list(rows), columns=columns)
        # DB-API rows have no line: the 1-based row of the result names them.
        locations = [f"row {number}" for number in range(1, len(rows) + 1)]
        return rows_to_batch(self.config, frame, locations, start, end)
