"""handoff tickets keep the supplier's contact address and the registration's progress

Revision ID: 0006
Revises: 0004 (the lead re-chains 0005, 0006 and 0007 at merge)
Create Date: 2026-12-06 04:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('details', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('details')
        batch_op.drop_column('contact_email')
