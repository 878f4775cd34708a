"""The tables of the onboarding database.

The unique constraints are the real guard against duplicates: whatever the application code
does, two accounts cannot share an email and one invitation cannot open two accounts, even
when two requests race.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
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
    # A code is a credential until used: only its SHA-256 is kept (of the normalised code,
    # see invitations.py), and its first 4 symbols so that operators can tell codes apart.
    code_hash = Column(String(64), nullable=False, unique=True)
    code_prefix = Column(String(4), nullable=False)
    customer = Column(String(200), nullable=False)
    country = Column(String(2), nullable=False)
    company_id = Column(String(32), nullable=False)  # normalised, see identifiers.py
    supplier_email = Column(String(320))
    issued_at: datetime = Column(UTCDateTime, nullable=False)
    used_at: datetime | None = Column(UTCDateTime)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_invitations_company", "country", "company_id"),)

    # The code in clear, on the object create_invitation returns only (never stored): what the
    # command line prints once and the invitation email carries.
    code: str | None = None


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
    # The address the supplier confirmed in the form: the web app's password check (which
    # receives the password from the widget, never through Rasa) refuses one that contains it.
    confirmed_email = Column(String(320))
    updated_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class MailRequest(Base):
    """One request that a limit counts: a resend asked in a conversation or for an address,
    an "account already exists" mail to an address (bot/registration/limits.py).

    Keys are SHA-256 hashes (of the conversation id or the address): the table says how often,
    not who. Rows older than the window are deleted by the outbox sender's housekeeping.
    """

    __tablename__ = "mail_requests"

    id = Column(Integer, primary_key=True)
    scope = Column(String(20), nullable=False)
    key = Column(String(64), nullable=False)
    requested_at: datetime = Column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_mail_requests_scope_key", "scope", "key", "requested_at"),)


class ActivationRequest(Base):
    """ "I did not get the activation email" from a conversation that did not create the
    account: the address typed, queued for the outbox sender.

    The conversation answers the same for every address at once; the sender looks the address
    up later and sends what applies (bot/registration/activation_requests.py), then deletes the
    row: neither the answer nor its timing depends on whether the address has an account.
    """

    __tablename__ = "activation_requests"

    id = Column(Integer, primary_key=True)
    email = Column(String(320), nullable=False)
    language = Column(String(2), nullable=False)
    requested_at: datetime = Column(UTCDateTime, nullable=False)


class Ticket(Base):
    """A handoff to a human: what support needs, and nothing secret."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    language = Column(String(2), nullable=False)
    reason = Column(String(40), nullable=False)
    step = Column(String(40), nullable=False)
    summary = Column(Text, nullable=False)
    # Indexed: the handoff limits count the site's tickets of the last hour.
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # How support can reach the supplier: the address they left, in full (the conversation
    # logs keep it masked); None when they declined.
    contact_email = Column(String(320))
    # What the registration had reached, as JSON fields (bot/registration/tickets.py Progress).
    details = Column(Text)
    # The browser's address as the web app names it (an HMAC, never the address): the handoff
    # limit per client and day. None when the message did not come through the web app.
    client_reference = Column(String(64))

    __table_args__ = (
        Index("ix_tickets_client_reference_created_at", "client_reference", "created_at"),
    )


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


# --- The staff console (bot/staff/, bot/web/console/): support and analysts -------------------


class StaffAccount(Base):
    """A support agent or an analyst who signs in to /console/ (created with `python -m bot
    staff add`; nobody registers themselves)."""

    __tablename__ = "staff_accounts"

    id = Column(Integer, primary_key=True)
    email = Column(String(320), nullable=False, unique=True)
    role = Column(String(10), nullable=False)  # support | analyst
    password_hash = Column(String(200), nullable=False)  # argon2id
    # Raised by sign-out and by a new password: every session signed before is refused.
    session_epoch = Column(Integer, nullable=False, default=0)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)
    last_sign_in_at: datetime | None = Column(UTCDateTime)


class TicketState(Base):
    """Where support is with a ticket; a ticket without a row is open. A table of its own, so
    that the ticket's own columns (the handoff's) and the workflow's evolve separately."""

    __tablename__ = "ticket_states"

    ticket_pk = Column(Integer, ForeignKey("tickets.id"), primary_key=True)
    status = Column(String(12), nullable=False)  # open | in_progress | closed
    updated_at: datetime = Column(UTCDateTime, nullable=False)
    updated_by = Column(String(320), nullable=False)

    __table_args__ = (Index("ix_ticket_states_status", "status"),)


class TicketActivity(Base):
    """A ticket's history: internal notes and status changes, by whom and when."""

    __tablename__ = "ticket_activity"

    id = Column(Integer, primary_key=True)
    ticket_pk = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    at: datetime = Column(UTCDateTime, nullable=False)
    staff_email = Column(String(320), nullable=False)
    kind = Column(String(10), nullable=False)  # note | status
    text = Column(Text, nullable=False)  # the note, or the new status


class ConversationSummary(Base):
    """One row per conversation of the tracker store, kept up to date by
    bot/analytics/conversation_index.py: what the console lists and filters without reading
    the events. ``details`` holds what the report's figures need (JSON)."""

    __tablename__ = "conversation_summaries"

    conversation_id = Column(String(255), primary_key=True)  # Rasa's sender_id
    reference = Column(String(20), nullable=False, unique=True)  # shown instead of the id
    started_at: datetime = Column(UTCDateTime, nullable=False)
    ended_at: datetime = Column(UTCDateTime, nullable=False)
    day = Column(String(10), nullable=False)  # started_at's UTC day, YYYY-MM-DD
    language = Column(String(8), nullable=False)
    outcome = Column(String(20), nullable=False)
    step = Column(String(20), nullable=False)
    user_messages = Column(Integer, nullable=False)
    fallbacks = Column(Integer, nullable=False)
    handoffs = Column(Integer, nullable=False)
    feedback = Column(String(16))  # helpful | not_helpful | mixed, when the supplier said
    email = Column(String(320))  # the supplier's address, as the conversation gave it
    event_count = Column(Integer, nullable=False)
    details = Column(Text, nullable=False)

    __table_args__ = (
        Index("ix_conversation_summaries_started_at", "started_at"),
        Index("ix_conversation_summaries_day_language", "day", "language"),
        Index("ix_conversation_summaries_language_started", "language", "started_at"),
        Index("ix_conversation_summaries_outcome_started", "outcome", "started_at"),
        Index("ix_conversation_summaries_step_started", "step", "started_at"),
        Index("ix_conversation_summaries_email", "email"),
    )


class ConversationTopic(Base):
    """The FAQ topics a conversation asked about (for the review list's topic filter)."""

    __tablename__ = "conversation_topics"

    conversation_id = Column(String(255), primary_key=True)
    topic = Column(String(100), primary_key=True)

    __table_args__ = (Index("ix_conversation_topics_topic", "topic", "conversation_id"),)


class ConversationDay(Base):
    """The report's figures of one day and language (bot/analytics/report.py ``Figures``,
    JSON), rebuilt from the summaries whenever one of that day changes: the live report merges
    days instead of reading every conversation."""

    __tablename__ = "conversation_days"

    day = Column(String(10), primary_key=True)
    language = Column(String(8), primary_key=True)
    figures = Column(Text, nullable=False)


class ConversationIndexState(Base):
    """How far the index has read the tracker store's events (their ``id``)."""

    __tablename__ = "conversation_index_state"

    id = Column(Integer, primary_key=True)
    last_event_id = Column(Integer, nullable=False, default=0)
    # Accounts activated after this time are not yet in the summaries' funnel.
    activations_checked_at: datetime | None = Column(UTCDateTime)
    updated_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)


class ConversationReview(Base):
    """An analyst's review of a conversation: reviewed or not, and the tags given."""

    __tablename__ = "conversation_reviews"

    conversation_id = Column(String(255), primary_key=True)
    reviewed_at: datetime | None = Column(UTCDateTime)
    reviewed_by = Column(String(320))
    tags = Column(String(500), nullable=False, default="")  # space-separated tag names
    updated_at: datetime = Column(UTCDateTime, nullable=False)
    updated_by = Column(String(320), nullable=False)

    __table_args__ = (Index("ix_conversation_reviews_reviewed_at", "reviewed_at"),)


class NluInboxEntry(Base):
    """A message the assistant did not understand, or that an analyst flagged, waiting for
    the right intent (accepted: exported as training data) or a dismissal. Redacted text."""

    __tablename__ = "nlu_inbox"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    text = Column(Text, nullable=False)
    language = Column(String(8), nullable=False)
    source = Column(String(10), nullable=False)  # fallback | review
    understood_as = Column(String(100))  # the intent the assistant read
    confidence = Column(Float)
    status = Column(String(10), nullable=False, default="new")  # new | accepted | dismissed
    intent = Column(String(100))  # assigned: an intent or faq/<topic>
    decided_by = Column(String(320))
    decided_at: datetime | None = Column(UTCDateTime)
    created_at: datetime = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("conversation_id", "text", name="uq_nlu_inbox_message"),
        Index("ix_nlu_inbox_status_created", "status", "created_at"),
    )


class StaffAccess(Base):
    """Who opened what in the console: kept (purge does not touch it), shown to analysts."""

    __tablename__ = "staff_access_log"

    id = Column(Integer, primary_key=True)
    at: datetime = Column(UTCDateTime, nullable=False)
    staff_email = Column(String(320), nullable=False)
    action = Column(String(20), nullable=False)  # transcript | account | resend | export
    target = Column(String(320), nullable=False)  # a conversation or ticket reference, an email

    __table_args__ = (Index("ix_staff_access_log_at", "at"),)
