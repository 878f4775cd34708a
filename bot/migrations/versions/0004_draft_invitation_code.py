"""registration drafts keep the invitation code (masked in the tracker store)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 03:40:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registration_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_code', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registration_drafts', schema=None) as batch_op:
        batch_op.drop_column('invitation_code')
