"""Conversation review: the analysts' filtered list of conversations, their tags and reviewed
state. The list reads the conversation index (bot/analytics/conversation_index.py), never the
events, so it stays fast on a large store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import ConversationReview, ConversationSummary, ConversationTopic

# The tags an analyst gives a conversation (the console words them in each language).
TAGS = ("wrong_answer", "missing_topic", "not_understood", "should_hand_off", "good")


@dataclass(frozen=True)
class ReviewFilters:
    since: datetime | None = None  # first day, included
    until: datetime | None = None  # last day, included
    language: str | None = None
    outcome: str | None = None
    step: str | None = None
    topic: str | None = None  # faq/<key>
    feedback: str | None = None  # helpful | not_helpful | mixed | none
    fallback: bool | None = None  # at least one message not understood
    reviewed: bool | None = None
    tag: str | None = None


@dataclass(frozen=True)
class ListedConversation:
    summary: ConversationSummary
    reviewed: bool
    tags: list[str]


def _conditions(filters: ReviewFilters) -> list:
    row = ConversationSummary
    conditions = []
    if filters.since is not None:
        conditions.append(row.started_at >= filters.since)
    if filters.until is not None:
        conditions.append(row.started_at < filters.until + timedelta(days=1))
    for name in ("language", "outcome", "step"):
        value = getattr(filters, name)
        if value:
            conditions.append(getattr(row, name) == value)
    if filters.feedback == "none":
        conditions.append(row.feedback.is_(None))
    elif filters.feedback:
        conditions.append(row.feedback == filters.feedback)
    if filters.fallback is not None:
        conditions.append(row.fallbacks > 0 if filters.fallback else row.fallbacks == 0)
    if filters.topic:
        conditions.append(
            exists().where(
                ConversationTopic.conversation_id == row.conversation_id,
                ConversationTopic.topic == filters.topic,
            )
        )
    reviewed = ConversationReview.reviewed_at.is_not(None)
    if filters.reviewed is True:
        conditions.append(reviewed)
    elif filters.reviewed is False:
        conditions.append(ConversationReview.reviewed_at.is_(None))
    if filters.tag:
        # Tags are stored space-separated: pad both sides so "good" never matches "goods".
        conditions.append((" " + ConversationReview.tags + " ").contains(f" {filters.tag} "))
    return conditions


def review_list(
    session: Session, filters: ReviewFilters, *, offset: int = 0, limit: int = 50
) -> tuple[list[ListedConversation], int]:
    """Conversations matching ``filters``, newest first, and how many match in all."""
    joined = and_(ConversationReview.conversation_id == ConversationSummary.conversation_id)
    conditions = _conditions(filters)
    query = (
        select(ConversationSummary, ConversationReview.reviewed_at, ConversationReview.tags)
        .outerjoin(ConversationReview, joined)
        .where(*conditions)
        .order_by(ConversationSummary.started_at.desc(), ConversationSummary.conversation_id)
        .offset(offset)
        .limit(limit)
    )
    counted = (
        select(func.count())
        .select_from(ConversationSummary)
        .outerjoin(ConversationReview, joined)
        .where(*conditions)
    )
    rows = [
        ListedConversation(summary, reviewed_at is not None, (tags or "").split())
        for summary, reviewed_at, tags in session.execute(query)
    ]
    return rows, session.scalar(counted)


def topics(session: Session) -> list[str]:
    """The FAQ topics conversations asked about (the topic filter's choices)."""
    return list(session.scalars(select(ConversationTopic.topic).distinct().order_by("topic")))


def by_reference(session: Session, conversation_reference: str) -> ConversationSummary | None:
    return session.scalar(
        select(ConversationSummary).where(
            ConversationSummary.reference == conversation_reference.strip().upper()
        )
    )


def review_of(session: Session, conversation_id: str) -> ConversationReview | None:
    return session.get(ConversationReview, conversation_id)


def save_review(
    session: Session,
    conversation_id: str,
    *,
    tags: list[str],
    reviewed: bool,
    staff_email: str,
) -> ConversationReview:
    """Set the conversation's tags (unknown names are ignored) and its reviewed state."""
    now = utcnow()
    review = review_of(session, conversation_id)
    if review is None:
        review = ConversationReview(conversation_id=conversation_id)
        session.add(review)
    review.tags = " ".join(tag for tag in TAGS if tag in set(tags))
    if reviewed and review.reviewed_at is None:
        review.reviewed_at, review.reviewed_by = now, staff_email
    elif not reviewed:
        review.reviewed_at = review.reviewed_by = None
    review.updated_at, review.updated_by = now, staff_email
    session.flush()
    return review
