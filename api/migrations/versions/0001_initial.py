"""Initial schema: profiles, their ecosystems and contacts, partner requests, interests,
feedback and API keys.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 200
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_profiles_country", "profiles", ["country"])
    op.create_index("ix_profiles_kind", "profiles", ["kind"])
    op.create_table(
        "profile_ecosystems",
        sa.Column(
            "profile_id",
            sa.String(ID),
            sa.ForeignKey("profiles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("ecosystem", sa.String(40), primary_key=True),
    )
    op.create_index("ix_profile_ecosystems_ecosystem", "profile_ecosystems", ["ecosystem"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "profile_id",
            sa.String(ID),
            sa.ForeignKey("profiles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_index("ix_contacts_profile_id", "contacts", ["profile_id"])
    op.create_table(
        "partner_requests",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("requester_id", sa.String(ID), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_partner_requests_requester_id", "partner_requests", ["requester_id"])
    op.create_index("ix_partner_requests_expires_at", "partner_requests", ["expires_at"])
    op.create_table(
        "interests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.String(ID),
            sa.ForeignKey("partner_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "profile_id",
            sa.String(ID),
            sa.ForeignKey("profiles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("request_id", "profile_id", name="uq_interest_once"),
    )
    op.create_index("ix_interests_request_id", "interests", ["request_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("query_hash", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(ID), nullable=True),
        sa.Column("profile_id", sa.String(ID), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_feedback_query", "feedback", ["query_hash"])
    op.create_index("ix_feedback_profile_id", "feedback", ["profile_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("profile_id", sa.String(ID), nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"])


def downgrade() -> None:
    for table in (
        "api_keys",
        "feedback",
        "interests",
        "partner_requests",
        "contacts",
        "profile_ecosystems",
        "profiles",
    ):
        op.drop_table(table)
