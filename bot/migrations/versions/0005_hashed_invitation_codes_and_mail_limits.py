"""invitation codes kept as hashes; mail request limits; queued activation requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 03:00:00.000000

Existing invitations get the SHA-256 of their (normalised) code and its first 4 symbols; the
codes in clear are dropped, and the copies of invitation emails already sent lose them too.
There is no way back: a downgrade cannot restore the codes (it refuses).
"""

import hashlib

import sqlalchemy as sa
from alembic import op

import bot.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MASKED = "[masqué une fois envoyé / masked once sent]"


def _formatted(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, 16, 4)) if len(code) == 16 else code


def upgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('code_prefix', sa.String(length=4), nullable=True))

    connection = op.get_bind()
    invitations = sa.table(
        'invitations',
        sa.column('id', sa.Integer),
        sa.column('code', sa.String),
        sa.column('code_hash', sa.String),
        sa.column('code_prefix', sa.String),
    )
    outbox = sa.table(
        'outbox',
        sa.column('id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('text_body', sa.Text),
        sa.column('html_body', sa.Text),
        sa.column('sent_at', sa.DateTime),
    )
    codes = connection.execute(sa.select(invitations.c.id, invitations.c.code)).all()
    for row in codes:
        # Stored codes are already normalised (bot/checks/invitation_codes.normalise_code).
        connection.execute(
            invitations.update()
            .where(invitations.c.id == row.id)
            .values(
                code_hash=hashlib.sha256(row.code.encode()).hexdigest(),
                code_prefix=row.code[:4],
            )
        )
    sent = connection.execute(
        sa.select(outbox.c.id, outbox.c.text_body, outbox.c.html_body).where(
            outbox.c.kind == 'invitation', outbox.c.sent_at.is_not(None)
        )
    ).all()
    for mail in sent:
        text, html = mail.text_body, mail.html_body
        for row in codes:
            for written in {row.code, _formatted(row.code)}:
                text, html = text.replace(written, MASKED), html.replace(written, MASKED)
        if (text, html) != (mail.text_body, mail.html_body):
            connection.execute(
                outbox.update().where(outbox.c.id == mail.id).values(text_body=text, html_body=html)
            )

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('code_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('code_prefix', existing_type=sa.String(length=4), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_invitations_code_hash'), ['code_hash'])
        batch_op.drop_constraint('uq_invitations_code', type_='unique')
        batch_op.drop_column('code')

    op.create_table('mail_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('requested_at', bot.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_requests'))
    )
    with op.batch_alter_table('mail_requests', schema=None) as batch_op:
        batch_op.create_index(
            'ix_mail_requests_scope_key', ['scope', 'key', 'requested_at'], unique=False
        )

    op.create_table('activation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('requested_at', bot.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_requests'))
    )


def downgrade() -> None:
    raise NotImplementedError(
        "invitation codes are kept as hashes since 0005: they cannot be restored"
    )
