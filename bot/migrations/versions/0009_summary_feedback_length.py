"""conversation summaries: the feedback column holds "not_helpful" (11 characters)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversation_summaries', schema=None) as batch_op:
        batch_op.alter_column(
            'feedback', existing_type=sa.String(length=10), type_=sa.String(length=16)
        )


def downgrade() -> None:
    with op.batch_alter_table('conversation_summaries', schema=None) as batch_op:
        batch_op.alter_column(
            'feedback', existing_type=sa.String(length=16), type_=sa.String(length=10)
        )
