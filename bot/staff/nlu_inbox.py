"""The training-data inbox: messages the assistant did not understand (added by the
conversation index) or that an analyst sent from a conversation under review, waiting for the
right intent or FAQ topic, or a dismissal. Accepted ones export as Rasa NLU YAML, ready to be
reviewed and added to ``data/nlu/``.

Texts are the redacted ones of the tracker store: a password answer is stored as ``[masqué]``
and never enters the inbox (nor the export).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import NluInboxEntry
from bot.privacy.redaction import REDACTED, redact_text
from bot.responses import load_domain

# Intents that are not written by people: the NLU's own fallback, and payload-only intents.
_NOT_TRAINABLE = {"nlu_fallback", "password_given"}
MAX_TEXT_CHARS = 1000


class InboxStatus(str, Enum):
    NEW = "new"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


def intent_choices() -> list[str]:
    """The intents and retrieval sub-intents (``faq/<topic>``) an entry may be given, from the
    domain and the responses of the training data."""
    domain = load_domain()
    responses = domain.get("responses") or {}
    names = [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []]
    retrieval = {name.split("/", 1)[0][len("utter_") :] for name in responses if "/" in name}
    choices = [n for n in names if n not in _NOT_TRAINABLE and n not in retrieval]
    for name in sorted(responses):
        if "/" in name and name.startswith("utter_"):
            choices.append(name[len("utter_") :])
    return choices


def clean_text(text: str) -> str | None:
    """The text as it may enter the inbox: redacted, on one line; None if nothing is left or
    it was a masked answer."""
    printable = "".join(c if c.isprintable() else " " for c in redact_text(text))
    cleaned = " ".join(printable.split())[:MAX_TEXT_CHARS]
    if not cleaned or REDACTED in cleaned:
        return None
    return cleaned


def add_from_review(
    session: Session,
    conversation_id: str,
    text: str,
    language: str,
    *,
    understood_as: str | None = None,
    confidence: float | None = None,
) -> bool:
    """Send a message of a reviewed conversation to the inbox (once); False if refused."""
    cleaned = clean_text(text)
    if cleaned is None:
        return False
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[dialect]
    session.execute(
        insert(NluInboxEntry)
        .values(
            conversation_id=conversation_id,
            text=cleaned,
            language=language,
            source="review",
            understood_as=understood_as,
            confidence=confidence,
            status=InboxStatus.NEW.value,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["conversation_id", "text"])
    )
    return True


def entries(
    session: Session, status: InboxStatus, *, offset: int = 0, limit: int = 50
) -> tuple[list[NluInboxEntry], int]:
    condition = NluInboxEntry.status == status.value
    total = session.scalar(select(func.count(NluInboxEntry.id)).where(condition))
    rows = session.scalars(
        select(NluInboxEntry)
        .where(condition)
        .order_by(NluInboxEntry.created_at.desc(), NluInboxEntry.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def decide(
    session: Session, entry_id: int, staff_email: str, *, intent: str | None
) -> NluInboxEntry | None:
    """Accept the entry as an example of ``intent``, or dismiss it (``intent=None``)."""
    entry = session.get(NluInboxEntry, entry_id)
    if entry is None:
        return None
    if intent is not None and intent not in intent_choices():
        raise ValueError(f"unknown intent {intent!r}")
    entry.status = (InboxStatus.ACCEPTED if intent else InboxStatus.DISMISSED).value
    entry.intent = intent
    entry.decided_by, entry.decided_at = staff_email, utcnow()
    return entry


@dataclass(frozen=True)
class Export:
    yaml: str
    examples: int


def _example(text: str) -> str:
    # Rasa reads "[text](entity)" and "[text]{...}" inside an example as an entity annotation:
    # square brackets become round ones, so the text is only ever text.
    return text.replace("[", "(").replace("]", ")")


def export_yaml(session: Session) -> Export:
    """The accepted entries as a Rasa 3 NLU file, grouped by intent, duplicates removed."""
    by_intent: dict[str, list[str]] = {}
    accepted = session.scalars(
        select(NluInboxEntry)
        .where(NluInboxEntry.status == InboxStatus.ACCEPTED.value)
        .order_by(NluInboxEntry.intent, NluInboxEntry.id)
    )
    for entry in accepted:
        cleaned = clean_text(entry.text)
        if cleaned is None or not entry.intent:
            continue
        examples = by_intent.setdefault(entry.intent, [])
        if _example(cleaned) not in examples:
            examples.append(_example(cleaned))
    lines = [
        "# Training examples accepted in the console's inbox (python -m bot nlu-inbox export).",
        "# Review them, then move each under its intent in data/nlu/.",
        'version: "3.1"',
        "",
        "nlu:" if by_intent else "nlu: []",
    ]
    for intent, examples in by_intent.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in examples)
    return Export("\n".join(lines) + "\n", sum(len(e) for e in by_intent.values()))
