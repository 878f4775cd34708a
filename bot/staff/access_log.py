"""Who opened what in the console, and when: kept (neither purge nor erase removes it) and
shown to analysts. Targets are references (conversation, ticket) or the supplier's address
for an account lookup; never a message, a password or a token."""

from __future__ import annotations

from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import StaffAccess


class AccessAction(str, Enum):
    TRANSCRIPT = "transcript"  # a conversation's transcript (review or ticket page)
    ACCOUNT = "account"  # an account looked up by email
    RESEND = "resend"  # an activation email resent on the supplier's behalf
    EXPORT = "export"  # the training inbox exported, the report downloaded


def record(session: Session, staff_email: str, action: AccessAction, target: str) -> None:
    session.add(
        StaffAccess(at=utcnow(), staff_email=staff_email, action=action.value, target=target[:320])
    )


def recent(session: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[StaffAccess], int]:
    total = session.scalar(select(func.count(StaffAccess.id)))
    rows = session.scalars(
        select(StaffAccess)
        .order_by(StaffAccess.at.desc(), StaffAccess.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total
