"""registration drafts keep the confirmed email (the web app's password check reads it)

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-06 02:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0008'
# Written against 0004 like the other packages' migrations; re-chained at merge.
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registration_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_email', sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registration_drafts', schema=None) as batch_op:
        batch_op.drop_column('confirmed_email')
