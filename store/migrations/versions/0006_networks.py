"""networks: entities (keyed hashes only), post-entity links, network membership and summaries

Posts that share a phone, a handle, a wallet, an author or a near-duplicate cluster are linked into
networks (cases). ``entities`` holds each shared value as a keyed hash, never the value;
``post_entities`` the links; ``network_members`` which network each linked post is in;
``networks`` one summary row per network of two or more posts.

Revision ID: 0006_networks
Revises: 0005_review_security
Create Date: 2026-12-05 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_networks"
down_revision: str | None = "0005_review_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("authors", sa.Integer(), nullable=False),
        sa.Column("common", sa.Boolean(), nullable=False),
        sa.Column("common_reason", sa.String(length=20), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value_hash", name="uq_entities_kind_value"),
    )
    op.create_table(
        "post_entities",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"]),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("post_id", "entity_id"),
    )
    op.create_index("ix_post_entities_entity_id", "post_entities", ["entity_id"], unique=False)
    op.create_table(
        "network_members",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("post_id"),
    )
    op.create_index("ix_network_members_network_id", "network_members", ["network_id"], unique=False)
    op.create_table(
        "networks",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("authors", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("platforms", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("entity_kinds", sa.JSON(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_networks_size", "networks", ["size"], unique=False)
    op.create_index("ix_networks_risk", "networks", ["risk"], unique=False)
    op.create_index("ix_networks_last_seen", "networks", ["last_seen"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_networks_last_seen", table_name="networks")
    op.drop_index("ix_networks_risk", table_name="networks")
    op.drop_index("ix_networks_size", table_name="networks")
    op.drop_table("networks")
    op.drop_index("ix_network_members_network_id", table_name="network_members")
    op.drop_table("network_members")
    op.drop_index("ix_post_entities_entity_id", table_name="post_entities")
    op.drop_table("post_entities")
    op.drop_table("entities")
