"""staff console: staff accounts, ticket workflow, conversation index, reviews, training inbox, access log

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-06 02:10:30.348356
"""

import sqlalchemy as sa
from alembic import op

import bot.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('conversation_days',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'language', name=op.f('pk_conversation_days'))
    )
    op.create_table('conversation_index_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('activations_checked_at', bot.db.UTCDateTime(), nullable=True),
    sa.Column('updated_at', bot.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_index_state'))
    )
    op.create_table('conversation_reviews',
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('reviewed_at', bot.db.UTCDateTime(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=320), nullable=True),
    sa.Column('tags', sa.String(length=500), nullable=False),
    sa.Column('updated_at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=320), nullable=False),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_conversation_reviews'))
    )
    with op.batch_alter_table('conversation_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_reviews_reviewed_at', ['reviewed_at'], unique=False)

    op.create_table('conversation_summaries',
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('started_at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('user_messages', sa.Integer(), nullable=False),
    sa.Column('fallbacks', sa.Integer(), nullable=False),
    sa.Column('handoffs', sa.Integer(), nullable=False),
    sa.Column('feedback', sa.String(length=10), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_conversation_summaries')),
    sa.UniqueConstraint('reference', name=op.f('uq_conversation_summaries_reference'))
    )
    with op.batch_alter_table('conversation_summaries', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_summaries_day_language', ['day', 'language'], unique=False)
        batch_op.create_index('ix_conversation_summaries_email', ['email'], unique=False)
        batch_op.create_index('ix_conversation_summaries_language_started', ['language', 'started_at'], unique=False)
        batch_op.create_index('ix_conversation_summaries_outcome_started', ['outcome', 'started_at'], unique=False)
        batch_op.create_index('ix_conversation_summaries_started_at', ['started_at'], unique=False)
        batch_op.create_index('ix_conversation_summaries_step_started', ['step', 'started_at'], unique=False)

    op.create_table('conversation_topics',
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('conversation_id', 'topic', name=op.f('pk_conversation_topics'))
    )
    with op.batch_alter_table('conversation_topics', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_topics_topic', ['topic', 'conversation_id'], unique=False)

    op.create_table('nlu_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('understood_as', sa.String(length=100), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('intent', sa.String(length=100), nullable=True),
    sa.Column('decided_by', sa.String(length=320), nullable=True),
    sa.Column('decided_at', bot.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', bot.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nlu_inbox')),
    sa.UniqueConstraint('conversation_id', 'text', name='uq_nlu_inbox_message')
    )
    with op.batch_alter_table('nlu_inbox', schema=None) as batch_op:
        batch_op.create_index('ix_nlu_inbox_status_created', ['status', 'created_at'], unique=False)

    op.create_table('staff_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('staff_email', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=320), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_access_log'))
    )
    with op.batch_alter_table('staff_access_log', schema=None) as batch_op:
        batch_op.create_index('ix_staff_access_log_at', ['at'], unique=False)

    op.create_table('staff_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('last_sign_in_at', bot.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_accounts_email'))
    )
    op.create_table('ticket_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_pk', sa.Integer(), nullable=False),
    sa.Column('at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('staff_email', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_pk'], ['tickets.id'], name=op.f('fk_ticket_activity_ticket_pk_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_activity'))
    )
    with op.batch_alter_table('ticket_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_activity_ticket_pk'), ['ticket_pk'], unique=False)

    op.create_table('ticket_states',
    sa.Column('ticket_pk', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('updated_at', bot.db.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=320), nullable=False),
    sa.ForeignKeyConstraint(['ticket_pk'], ['tickets.id'], name=op.f('fk_ticket_states_ticket_pk_tickets')),
    sa.PrimaryKeyConstraint('ticket_pk', name=op.f('pk_ticket_states'))
    )
    with op.batch_alter_table('ticket_states', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_states_status', ['status'], unique=False)




def downgrade() -> None:
    
    with op.batch_alter_table('ticket_states', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_states_status')

    op.drop_table('ticket_states')
    with op.batch_alter_table('ticket_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_activity_ticket_pk'))

    op.drop_table('ticket_activity')
    op.drop_table('staff_accounts')
    with op.batch_alter_table('staff_access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_access_log_at')

    op.drop_table('staff_access_log')
    with op.batch_alter_table('nlu_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_nlu_inbox_status_created')

    op.drop_table('nlu_inbox')
    with op.batch_alter_table('conversation_topics', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_topics_topic')

    op.drop_table('conversation_topics')
    with op.batch_alter_table('conversation_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_summaries_step_started')
        batch_op.drop_index('ix_conversation_summaries_started_at')
        batch_op.drop_index('ix_conversation_summaries_outcome_started')
        batch_op.drop_index('ix_conversation_summaries_language_started')
        batch_op.drop_index('ix_conversation_summaries_email')
        batch_op.drop_index('ix_conversation_summaries_day_language')

    op.drop_table('conversation_summaries')
    with op.batch_alter_table('conversation_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_reviews_reviewed_at')

    op.drop_table('conversation_reviews')
    op.drop_table('conversation_index_state')
    op.drop_table('conversation_days')

