"""feeds isolation: replayable, deduplicated quarantine; partner leases; post edits

Quarantine rows keep the whole raw payload compressed, where it came from, and a fingerprint that
is unique per source so reruns do not repeat rows. Sources get a lease (one ingest per partner at a
time). ``post_edits`` keeps later texts of a post whose id a partner re-sent with different text.

Revision ID: 0004_feeds_isolation
Revises: 0003_review
Create Date: 2026-12-05 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_feeds_isolation"
down_revision: str | None = "0003_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("raw_gz", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("raw_bytes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("raw_truncated", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("uq_quarantine_source_fingerprint", ["source", "fingerprint"], unique=True)
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "post_edits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("post_id", "content_hash", name="uq_post_edits_post_hash"),
    )
    with op.batch_alter_table("post_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_edits_post_id"), ["post_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_edits_post_id"))
    op.drop_table("post_edits")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index("uq_quarantine_source_fingerprint")
        batch_op.drop_column("replayed_at")
        batch_op.drop_column("raw_truncated")
        batch_op.drop_column("raw_bytes")
        batch_op.drop_column("raw_gz")
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("location")
