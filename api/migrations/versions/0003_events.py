"""Matchmaking events (issue 18): ``events``, their ``event_participants`` and ``meetings``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 200
TS = sa.DateTime(timezone=True)


def _profile(name: str, **kwargs: bool) -> sa.Column:
    return sa.Column(name, sa.String(ID), sa.ForeignKey("profiles.id", ondelete="CASCADE"),
                     **kwargs)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=True),
        sa.Column("max_meetings", sa.Integer(), nullable=False),
        sa.Column("focus_countries", sa.JSON(), nullable=False),
        sa.Column("focus_ecosystems", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=True),
    )
    op.create_table(
        "event_participants",
        sa.Column("event_id", sa.String(ID), sa.ForeignKey("events.id", ondelete="CASCADE"),
                  primary_key=True),
        _profile("profile_id", primary_key=True),
        sa.Column("offer", sa.Text(), nullable=False),
        sa.Column("seek", sa.Text(), nullable=False),
        sa.Column("available", sa.JSON(), nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("must_meet", sa.JSON(), nullable=False),
        sa.Column("avoid", sa.JSON(), nullable=False),
        sa.Column("registered_at", TS, nullable=False),
    )
    op.create_index("ix_event_participants_profile_id", "event_participants", ["profile_id"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(ID), sa.ForeignKey("events.id", ondelete="CASCADE"),
                  nullable=False),
        _profile("from_id", nullable=False),
        _profile("to_id", nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("table", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    for column in ("event_id", "from_id", "to_id"):
        op.create_index(f"ix_meetings_{column}", "meetings", [column])


def downgrade() -> None:
    for column in ("event_id", "from_id", "to_id"):
        op.drop_index(f"ix_meetings_{column}", table_name="meetings")
    op.drop_table("meetings")
    op.drop_index("ix_event_participants_profile_id", table_name="event_participants")
    op.drop_table("event_participants")
    op.drop_table("events")
