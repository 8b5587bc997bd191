"""The ``changes`` table: one row per committed profile or request write, in the write's own
transaction, so that every process serving the database (``serve --workers N``) applies the
writes of the others to its index, and a saved index can say which writes it includes.

A database migrated from 0003 has no rows yet: its first start verifies the index the old
way (the stored fingerprints) and records the point it reached (:mod:`api.checkpoint`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = 200


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(ID), nullable=False),
        sa.Column("op", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("changes")
