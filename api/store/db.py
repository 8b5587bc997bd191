"""The database connection: a SQLAlchemy engine (SQLite by default, with WAL and foreign keys
on; any SQLAlchemy URL such as ``postgresql+psycopg://...`` works) and in-process Alembic
migrations. The schema is :mod:`api.tables`; the migrations are in ``api/migrations``.

SQLite transactions: a write transaction (a session begun with ``s.begin()``, the
migrations) starts with ``BEGIN IMMEDIATE``, taking the database's write lock before its first
read, so the read-check-write of a write (an ``If-Match`` check, a claim confirmation) is
atomic across processes (``serve --workers N``): a second writer waits (busy timeout) and then
reads what the first committed. SQLite ignores ``SELECT ... FOR UPDATE``, and Python's
``sqlite3`` would otherwise begin a transaction only at its first write, after the reads.
Other sessions (reads) start with a plain ``BEGIN``: in WAL mode they never wait for a writer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Select, create_engine, event, func, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

MIGRATIONS = Path(__file__).parent.parent / "migrations"

#: the connection execution option that makes SQLite begin with ``BEGIN IMMEDIATE``
WRITE = "partner_search_write"


class StoreSession(Session):
    """A session whose explicit :meth:`begin` marks a write transaction (see the module
    docstring): the connection is taken at once, with :data:`WRITE` set."""

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested)
        if not nested:
            self.connection(execution_options={WRITE: True})
        return transaction


#: what every per-kind store opens its sessions with (one per call: thread-safe)
Sessions = sessionmaker[StoreSession]


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine; for SQLite: WAL, ``synchronous=FULL``, foreign keys and a busy
    timeout on every connection, and the database folder created if missing."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, json_serializer=_json, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # no implicit transactions from sqlite3: the "begin" hook below emits BEGIN
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            write = connection.get_execution_options().get(WRITE, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, json_serializer=_json, pool_pre_ping=True)


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration of ``api/migrations``; with ``url``, for offline SQL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic, in-process)."""
    config = alembic_config()
    with engine.connect() as connection, connection.execution_options(**{WRITE: True}).begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def count(session: Session, stmt: Select[Any]) -> int:
    """How many rows ``stmt`` selects (before any offset or limit)."""
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
