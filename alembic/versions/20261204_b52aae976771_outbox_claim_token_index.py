"""outbox: an index on the claim token

The dispatcher reads back what it claimed, and the SMS numbers among it, by its claim token; without an index
each claim read the whole outbox twice, which keeps every notice ever sent. Only rows being sent hold a token,
so the index is partial and stays small.

Revision ID: b52aae976771
Revises: 5b0e9d3c7a21
Create Date: 2026-12-04 21:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b52aae976771'
down_revision: str | None = '5b0e9d3c7a21'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_outboxitem_claim_token',
        'outboxitem',
        ['claim_token'],
        unique=False,
        postgresql_where=sa.text('claim_token IS NOT NULL'),
        sqlite_where=sa.text('claim_token IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_outboxitem_claim_token', table_name='outboxitem')
