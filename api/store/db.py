"""The database connection: a SQLAlchemy engine (SQLite by default, with WAL and foreign keys
on; any SQLAlchemy URL such as ``postgresql+psycopg://...`` works) and in-process Alembic
migrations. The schema is :mod:`api.tables`; the migrations are in ``api/migrations``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Select, create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent.parent / "migrations"

#: what every per-kind store opens its sessions with (one per call: thread-safe)
Sessions = sessionmaker[Session]


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
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

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
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def count(session: Session, stmt: Select[Any]) -> int:
    """How many rows ``stmt`` selects (before any offset or limit)."""
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
