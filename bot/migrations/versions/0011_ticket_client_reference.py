"""tickets: the client's reference (an HMAC of the browser's address, set by the web app), for
the handoff limit per client address and day (bot/registration/tickets.py): a script opened one
ticket per new chat thread, each naming a stranger's address

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:10:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('client_reference', sa.String(64), nullable=True))
    op.create_index(
        'ix_tickets_client_reference_created_at', 'tickets', ['client_reference', 'created_at']
    )


def downgrade() -> None:
    op.drop_index('ix_tickets_client_reference_created_at', table_name='tickets')
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('client_reference')
