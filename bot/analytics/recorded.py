"""What a conversation records for the report, under names that do not change with the wording.

The actions set these slots (declared in domain.yml, ``influence_conversation: false``, set by
no user text) and :mod:`bot.analytics.conversations` counts their events: a figure never
depends on how the assistant phrases a reply. None of them holds a secret: rule names, outcome
names and step names only, never a password, a hash or an invitation code.

- ``registration_steps``: the steps reached in this session, in order; an action adds a step
  the first time it is reached, so that re-validating an answer records nothing new;
- ``invitation_check``: the outcome of each invitation check (an
  :class:`~bot.registration.invitations.InvitationStatus` value), followed by ``locked`` when
  that check locked the checks, or ``locked`` alone when the checks were already locked;
- ``password_rules_unmet``: for each refused password, the
  :class:`~bot.checks.passwords.PasswordRule` values it did not meet;
- ``answered_topic``: each question the assistant answered: ``[topic]`` (``faq/<key>``), or
  ``[topic, "feedback_asked"]`` when "did this answer help?" followed the answer;
- ``answer_feedback``: each "did this answer help?" answered: ``[topic, "yes"|"no"]``.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.registration.invitations import InvitationStatus

REGISTRATION_STEPS = "registration_steps"
INVITATION_CHECK = "invitation_check"
PASSWORD_RULES_UNMET = "password_rules_unmet"  # noqa: S105 - a slot name
ANSWERED_TOPIC = "answered_topic"
ANSWER_FEEDBACK = "answer_feedback"
RECORDED_SLOTS = (
    REGISTRATION_STEPS,
    INVITATION_CHECK,
    PASSWORD_RULES_UNMET,
    ANSWERED_TOPIC,
    ANSWER_FEEDBACK,
)

# The steps an action records ("started" is the form's own activation event).
COMPANY_IDENTIFIED = "company_identified"
INVITATION_VALID = "invitation_valid"
ACCOUNT_DETAILS = "account_details"
CONTACT_DETAILS = "contact_details"
ACCOUNT_CREATED = "account_created"
RECORDED_STEPS = (
    COMPANY_IDENTIFIED,
    INVITATION_VALID,
    ACCOUNT_DETAILS,
    CONTACT_DETAILS,
    ACCOUNT_CREATED,
)

LOCKED = "locked"  # the invitation check outcome when checks are locked for this conversation
INVITATION_OUTCOMES = (*(status.value for status in InvitationStatus), LOCKED)

FEEDBACK_ASKED = "feedback_asked"  # the second name of an answered_topic record, if asked
# What a supplier said to "did this answer help?" (the second name of an answer_feedback record).
HELPFUL = "yes"
NOT_HELPFUL = "no"


def steps_with(recorded: Iterable[str] | None, *steps: str) -> list[str] | None:
    """``recorded`` followed by those of ``steps`` it lacks; ``None`` when nothing is new."""
    so_far = list(recorded or [])
    new = [step for step in dict.fromkeys(steps) if step not in so_far]
    return so_far + new if new else None
