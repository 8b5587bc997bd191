"""The change table: what every process serving the database reads to follow the others'
writes (:mod:`api.follow`), and what a saved index records it includes (:mod:`api.checkpoint`).

:func:`record` adds one row in the caller's transaction, as its last statement, so a change
row exists exactly when its write committed. ``seq`` must grow in commit order, or a
follower that has read seq 11 would never see a seq 10 committed after it:

- SQLite has one writer at a time, from a transaction's first write to its commit, so the
  order of inserts is the order of commits.
- PostgreSQL hands out sequence values at insert time, to concurrent transactions that may
  commit in another order; :func:`record` therefore takes an ``EXCLUSIVE`` lock on the table
  first (readers are not blocked), held for the last statement and the commit only.

Other databases are not supported by ``serve --workers N``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.store.db import Sessions
from api.tables import ChangeRow, utcnow

Entity = Literal["profile", "request"]
Op = Literal["upsert", "delete"]


@dataclass(frozen=True)
class Change:
    seq: int
    entity: str
    item_id: str
    op: str
    created_at: datetime


def record(s: Session, entity: Entity, item_id: str, op: Op) -> int:
    """Add the change row of a write in the caller's transaction ``s`` (call it last, just
    before the commit); returns its ``seq``."""
    s.flush()  # the write's own statements first: the lock below is then held briefly
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("LOCK TABLE changes IN EXCLUSIVE MODE"))
    row = ChangeRow(entity=entity, item_id=item_id, op=op, created_at=utcnow())
    s.add(row)
    s.flush()
    return row.seq


class ChangeStore:
    """Reads of the change table. Every method is one transaction."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions

    def after(self, seq: int, limit: int = 1000) -> list[Change]:
        """The changes after ``seq``, oldest first, at most ``limit``."""
        stmt = select(ChangeRow).where(ChangeRow.seq > seq).order_by(ChangeRow.seq).limit(limit)
        with self._sessions() as s:
            return [Change(r.seq, r.entity, r.item_id, r.op, r.created_at)
                    for r in s.scalars(stmt)]

    def last(self) -> int:
        """The newest change's seq (0 without any)."""
        with self._sessions() as s:
            return int(s.scalar(select(func.max(ChangeRow.seq))) or 0)

    def get(self, seq: int) -> Change | None:
        with self._sessions() as s:
            r = s.get(ChangeRow, seq)
            return None if r is None else Change(r.seq, r.entity, r.item_id, r.op, r.created_at)
