"""Activity provenance: the ``claims`` table, and provenance for activities stored before.

A stored activity without provenance is read as a curator's entry (the engine's default).
That is right for profiles seeded from the operator's data and never written since; but a
profile written through the API since may hold an owner's unchecked claim. So the activities
of every profile written after seeding (``version`` above 1, or created more than an hour
after the first profile: seeding is one transaction) become self-declared by that profile,
stamped with its last write, and their partners go to ``claims`` to be confirmed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from engine.attestation import Provenance, Source
from engine.profiles import Profile

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = 200
SEEDING = timedelta(hours=1)


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("profile_id", sa.String(ID),
                  sa.ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("activity_id", sa.String(ID), primary_key=True),
        sa.Column("partner_id", sa.String(ID), primary_key=True),
    )
    op.create_index("ix_claims_partner_id", "claims", ["partner_id"])
    if not op.get_context().as_sql:
        _stamp_written_profiles(op.get_bind())


def _stamp_written_profiles(bind: sa.Connection) -> None:
    profiles = sa.table(
        "profiles", sa.column("id", sa.String), sa.column("document", sa.JSON),
        sa.column("fingerprint", sa.String), sa.column("version", sa.Integer),
        sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime),
    )
    claims = sa.table("claims", sa.column("profile_id", sa.String),
                      sa.column("activity_id", sa.String), sa.column("partner_id", sa.String))
    first = bind.execute(sa.select(sa.func.min(profiles.c.created_at))).scalar()
    if first is None:
        return
    written = bind.execute(
        sa.select(profiles.c.id, profiles.c.document, profiles.c.updated_at).where(
            sa.or_(profiles.c.version > 1, profiles.c.created_at > first + SEEDING)
        )
    ).all()
    for profile_id, document, updated_at in written:
        activities = document.get("activities") or []
        if not any("provenance" not in a for a in activities):
            continue
        stamp = Provenance(Source.SELF, by=profile_id, at=updated_at.isoformat()).to_dict()
        document = {**document, "activities": [
            a if "provenance" in a else {**a, "provenance": stamp} for a in activities
        ]}
        profile = Profile.from_dict(document)
        bind.execute(
            profiles.update().where(profiles.c.id == profile_id)
            .values(document=document, fingerprint=profile.fingerprint())
        )
        rows = [{"profile_id": profile_id, "activity_id": a.id, "partner_id": p}
                for a in profile.activities if a.provenance.source is Source.SELF
                for p in a.partners]
        if rows:
            bind.execute(claims.insert(), rows)


def downgrade() -> None:
    op.drop_index("ix_claims_partner_id", table_name="claims")
    op.drop_table("claims")
