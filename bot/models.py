"""The tables of the onboarding database.

The unique constraints are the real guard against duplicates: whatever the application code
does, two accounts cannot share an email and one invitation cannot open two accounts, even
when two requests race.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.sql.schema import Column

from bot.checks.language import DEFAULT_LANGUAGE
from bot.db import UTCDateTime, utcnow

# Named constraints so that Alembic migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)
Base = declarative_base(metadata=metadata)


class Invitation(Base):
    __tablename__ = "invitations"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)  # normalised, see invitations.py
    customer = Column(String(200), nullable=False)
    country = Column(String(2), nullable=False)
    company_id = Column(String(32), nullable=False)  # normalised, see identifiers.py
    supplier_email = Column(String(320))
    issued_at: datetime = Column(UTCDateTime, nullable=False)
    used_at: datetime | None = Column(UTCDateTime)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_invitations_company", "country", "company_id"),)


class Company(Base):
    __tablename__ = "companies"

    id = Column(Integer, primary_key=True)
    country = Column(String(2), nullable=False)
    company_id = Column(String(32), nullable=False)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("country", "company_id", name="uq_companies_identifier"),)


class Account(Base):
    __tablename__ = "accounts"

    id = Column(Integer, primary_key=True)
    email = Column(String(320), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)
    language = Column(String(2), nullable=False, default=DEFAULT_LANGUAGE)
    status = Column(String(10), nullable=False, default="pending")  # pending | active
    company_pk = Column(Integer, ForeignKey("companies.id"), nullable=False)
    # unique: one invitation opens at most one account, even under concurrency.
    invitation_pk = Column(Integer, ForeignKey("invitations.id"), nullable=False, unique=True)
    terms_accepted_at: datetime = Column(UTCDateTime, nullable=False)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)
    activated_at: datetime | None = Column(UTCDateTime)

    company = relationship("Company", lazy="joined")
    invitation = relationship("Invitation", lazy="joined")
    contact = relationship("Contact", uselist=False, back_populates="account", lazy="joined")


class Contact(Base):
    __tablename__ = "contacts"

    id = Column(Integer, primary_key=True)
    account_pk = Column(Integer, ForeignKey("accounts.id"), nullable=False, unique=True)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    phone = Column(String(32), nullable=False)  # E.164
    job_title = Column(String(100))

    account = relationship("Account", back_populates="contact")


class ActivationToken(Base):
    __tablename__ = "activation_tokens"

    id = Column(Integer, primary_key=True)
    account_pk = Column(Integer, ForeignKey("accounts.id"), nullable=False, index=True)
    # Only a SHA-256 of the token is kept: a database leak must not activate accounts.
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at: datetime = Column(UTCDateTime, nullable=False)
    expires_at: datetime = Column(UTCDateTime, nullable=False)
    used_at: datetime | None = Column(UTCDateTime)
    voided_at: datetime | None = Column(UTCDateTime)  # replaced by a newer token

    account = relationship("Account", lazy="joined")


class OutboxMail(Base):
    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    kind = Column(String(40), nullable=False)  # activation, account_exists, invitation, ...
    to_address = Column(String(320), nullable=False)
    subject = Column(String(300), nullable=False)
    text_body = Column(Text, nullable=False)
    html_body = Column(Text, nullable=False)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)
    # A sender claims a mail until this time so that two senders never send it twice.
    claimed_until: datetime | None = Column(UTCDateTime)
    sent_at: datetime | None = Column(UTCDateTime)
    last_error = Column(String(500))
    # A credential inside the body (activation token): kept only until the mail is sent,
    # then blanked from the stored bodies, so the outbox does not keep live tokens.
    secret = Column(String(200))

    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)


class RegistrationDraft(Base):
    """Server-side state of a registration in progress, keyed by conversation.

    The password hash waits here between the password question and account creation, so
    that no secret ever sits in a conversation slot (slots are written to the tracker store).
    """

    __tablename__ = "registration_drafts"

    conversation_id = Column(String(255), primary_key=True)
    password_hash = Column(String(200))
    account_pk = Column(Integer, ForeignKey("accounts.id"))
    # The address the registration was submitted with, whether it opened an account or hit an
    # existing one: a repeated confirmation or a resend then gets the same answer either way.
    submitted_email = Column(String(320))
    # When the address already had an account nothing was created; the registration (without
    # the address) waits here so that "correct my address" works exactly as for a real
    # account, revealing nothing. JSON; the password hash stays in password_hash.
    pending_registration = Column(Text)
    # The invitation code (normalised): the tracker store keeps only its first symbols
    # (bot/privacy/redaction.py), so later turns read the full code here.
    invitation_code = Column(String(32))
    updated_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Ticket(Base):
    """A handoff to a human: what support needs, and nothing secret."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    language = Column(String(2), nullable=False)
    reason = Column(String(40), nullable=False)
    step = Column(String(40), nullable=False)
    summary = Column(Text, nullable=False)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)
    # How support can reach the supplier: the address they left, in full (the conversation
    # logs keep it masked); None when they declined.
    contact_email = Column(String(320))
    # What the registration had reached, as JSON fields (bot/registration/tickets.py Progress).
    details = Column(Text)


class InvitationCheckSlot(Base):
    """One failed invitation check, for the persisted limits of bot/registration/limits.py.

    Each code and each company ID has at most ``limit`` numbered slots; a slot holds the time
    of a failed check and is free again an hour later. Claiming a slot is one conditional
    UPDATE (or an INSERT guarded by the unique constraint), so two concurrent conversations
    can never both take the last one, on SQLite as on PostgreSQL.
    """

    __tablename__ = "invitation_check_slots"

    id = Column(Integer, primary_key=True)
    scope = Column(String(10), nullable=False)  # "code" or "company"
    # SHA-256 of the code or company ID: guessed codes are not kept in clear.
    key = Column(String(64), nullable=False)
    slot = Column(Integer, nullable=False)
    failed_at: datetime = Column(UTCDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("scope", "key", "slot", name="uq_invitation_check_slots_slot"),
        Index("ix_invitation_check_slots_failed_at", "failed_at"),
    )
