"""author index: the item page lists the same author's other posts

Without it, every item page scanned the whole ``posts`` table for the author's other posts.

Revision ID: 0007_author_index
Revises: 0006_networks
Create Date: 2026-12-05 14:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_author_index"
down_revision: str | None = "0006_networks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_posts_author_hash", "posts", ["author_hash"])


def downgrade() -> None:
    op.drop_index("ix_posts_author_hash", table_name="posts")
