"""persisted limits on invitation checks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import bot.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invitation_check_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('failed_at', bot.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_check_slots')),
    sa.UniqueConstraint('scope', 'key', 'slot', name='uq_invitation_check_slots_slot')
    )
    with op.batch_alter_table('invitation_check_slots', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_check_slots_failed_at', ['failed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invitation_check_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_check_slots_failed_at')

    op.drop_table('invitation_check_slots')
