"""tickets: an index on created_at, for the site's tickets of the last hour (the handoff limits
of bot/registration/tickets.py count them before each new ticket)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 11:30:00.000000
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tickets_created_at', 'tickets', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_tickets_created_at', table_name='tickets')
