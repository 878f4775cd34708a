"""Persisted limits on invitation checks (bot/registration/limits.py), on a real SQLite file
and on a real PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.db import utcnow
from bot.models import InvitationCheckSlot
from bot.registration import limits
from bot.registration.invitations import InvitationStatus, create_invitation
from tests.conftest import use_database

ACME = CompanyId("FR", "732829320")
ACME_CODE = "ACMEFR0000000001"
OTHER = CompanyId("FR", "542107651")
OTHER_CODE = "BETAFR0000000002"
# Companies whose check digit holds and for which ACME_CODE was not issued.
VALID_SIRENS = ["542107651", "552100554", "552032534", "443061841", "383474814", "356000000"]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch) -> Iterator[str]:
    """The limits must hold on both backends the product supports: the race especially, where
    SQLite serialises every writer and PostgreSQL does not."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'onboarding.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    yield from use_database(url, monkeypatch)


@pytest.fixture
def invitations(database):
    with db.session_scope() as session:
        create_invitation(session, ACME, "ACME", code=ACME_CODE)
        create_invitation(session, OTHER, "Beta", code=OTHER_CODE)
    return database


@pytest.fixture
def lookups(monkeypatch):
    """Every lookup of an invitation code that the limits let through."""
    seen: list[str] = []
    real = limits.verify_invitation

    def counting(session, company_id, code, **kwargs):
        seen.append(code)
        return real(session, company_id, code, **kwargs)

    monkeypatch.setattr(limits, "verify_invitation", counting)
    return seen


def check(company_id: CompanyId, code: str, now=None) -> limits.LimitedCheck:
    with db.session_scope() as session:
        return limits.verify_invitation_limited(session, company_id, code, now=now)


def wrong_code(n: int) -> str:
    return f"ZZZZ{n:012d}"


def test_random_codes_against_one_company_get_the_locks_answer_after_five(invitations):
    results = [check(ACME, wrong_code(n)) for n in range(8)]

    assert [r.check.status for r in results[:5]] == [InvitationStatus.MISMATCH] * 5
    assert all(r.locked for r in results[5:])


def test_the_right_code_still_passes_once_others_locked_the_company(invitations):
    """Company IDs are public: five random codes against one must not lock its supplier out
    (an outside tester did, for an hour, and could again every hour)."""
    for n in range(5):
        check(ACME, wrong_code(n))

    assert check(ACME, wrong_code(9)).locked
    assert check(ACME, ACME_CODE).check.status is InvitationStatus.VALID
    assert check(OTHER, OTHER_CODE).check.status is InvitationStatus.VALID
    with db.session_scope() as session:
        assert limits.failed_checks(session, company_id=ACME) == 5


def test_one_code_against_many_companies_stops_after_five(invitations, lookups):
    companies = [CompanyId("FR", siren) for siren in VALID_SIRENS]
    results = [check(company, ACME_CODE) for company in companies]

    assert [r.locked for r in results] == [False] * 5 + [True] * (len(companies) - 5)
    assert len(lookups) == 5
    # The legitimate supplier is locked out too, for the window only.
    assert check(ACME, ACME_CODE).locked
    later = utcnow() + timedelta(minutes=61)
    assert check(ACME, ACME_CODE, now=later).check.status is InvitationStatus.VALID


def test_the_window_slides_each_failure_frees_its_slot_an_hour_later(invitations, lookups):
    start = utcnow()
    for minutes in (0, 10, 20, 30, 40):
        assert not check(ACME, wrong_code(minutes), now=start + timedelta(minutes=minutes)).locked
    assert check(ACME, wrong_code(99), now=start + timedelta(minutes=59)).locked
    # At 60 minutes only the first failure has aged out: one more check, then locked again.
    assert not check(ACME, wrong_code(100), now=start + timedelta(minutes=60, seconds=1)).locked
    assert check(ACME, wrong_code(101), now=start + timedelta(minutes=61)).locked
    with db.session_scope() as session:
        assert (
            limits.failed_checks(session, company_id=ACME, now=start + timedelta(minutes=61)) == 5
        )


def test_a_matching_pair_does_not_count_as_a_failure(invitations):
    for _ in range(10):
        assert check(ACME, ACME_CODE).check.status is InvitationStatus.VALID
    with db.session_scope() as session:
        assert limits.failed_checks(session, code=ACME_CODE) == 0
        assert limits.failed_checks(session, company_id=ACME) == 0


def test_expired_and_used_invitations_do_not_count_either(invitations):
    with db.session_scope() as session:
        create_invitation(
            session, ACME, "ACME", code="OLDACME000000001", issued_at=utcnow() - timedelta(days=120)
        )
    for _ in range(7):
        assert check(ACME, "OLDACME000000001").check.status is InvitationStatus.EXPIRED
    assert check(ACME, ACME_CODE).check.status is InvitationStatus.VALID


def test_a_code_is_counted_whatever_its_spelling(invitations, lookups):
    spellings = [
        "zzzz-0000-0000-0001",
        "ZZZZ 0000 0000 0001",
        "zzzz000000000001",
        "ZZZZ-OOOO-0000-000l",
        "ZZZZ000000000001",
    ]
    for n, spelling in enumerate(spellings):
        company = CompanyId("FR", VALID_SIRENS[n])
        assert not check(company, spelling).locked
    assert check(ACME, "zzzz0000-0000-0001").locked


def test_guessed_codes_are_not_stored_in_clear(invitations):
    check(ACME, "K7M4-PQ2X-9RTB-3HWD")
    with db.session_scope() as session:
        keys = session.scalars(select(InvitationCheckSlot.key)).all()
    assert keys and not any("K7M4" in key or "732829320" in key for key in keys)


def test_expired_slots_are_deleted(invitations):
    start = utcnow()
    for n in range(5):
        check(ACME, wrong_code(n), now=start)
    check(OTHER, OTHER_CODE, now=start + timedelta(hours=2))
    with db.session_scope() as session:
        assert session.scalars(select(InvitationCheckSlot)).all() == []


def test_a_new_conversation_does_not_reset_the_count_even_after_a_restart(invitations):
    for n in range(5):
        check(ACME, wrong_code(n))
    db.dispose_engines()  # as if every process had restarted
    assert check(ACME, wrong_code(99)).locked


def test_concurrent_checks_never_pass_the_fifth(invitations):
    """20 threads (20 conversations) guess at once against one company: exactly 5 failures
    are answered as such, the others get the lock's answer."""
    barrier = threading.Barrier(20)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            barrier.wait()
            outcomes.append(check(ACME, wrong_code(n)).locked)
        except BaseException as error:  # reported below, with the thread's exception
            errors.append(error)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(False) == 5
    with db.session_scope() as session:
        assert limits.failed_checks(session, company_id=ACME) == 5


def test_the_limit_and_window_come_from_the_settings(invitations, monkeypatch, lookups):
    from bot.settings import reset_settings

    monkeypatch.setenv("INVITATION_CHECK_LIMIT", "2")
    monkeypatch.setenv("INVITATION_CHECK_WINDOW_MINUTES", "10")
    reset_settings()
    start = utcnow()
    assert [check(ACME, wrong_code(n), now=start).locked for n in range(3)] == [False, False, True]
    assert not check(ACME, wrong_code(9), now=start + timedelta(minutes=11)).locked


def retry_after(company_id: CompanyId, code: str, now) -> object:
    with db.session_scope() as session:
        return limits.retry_after(session, company_id, code, now=now)


def test_the_time_a_locked_check_can_be_tried_again_is_when_the_oldest_failure_leaves(
    invitations, lookups
):
    start = utcnow()
    for minutes in (0, 10, 20, 30, 40):
        check(ACME, wrong_code(minutes), now=start + timedelta(minutes=minutes))
    at = start + timedelta(minutes=45)

    free_at = retry_after(ACME, wrong_code(99), at)

    assert free_at == start + timedelta(minutes=60)
    assert check(ACME, wrong_code(98), now=free_at - timedelta(seconds=1)).locked
    assert check(ACME, wrong_code(99), now=free_at + timedelta(seconds=1)).check.status is (
        InvitationStatus.MISMATCH
    )


def test_nothing_to_wait_for_when_neither_the_code_nor_the_company_is_locked(invitations):
    for n in range(4):
        check(ACME, wrong_code(n))

    assert retry_after(ACME, ACME_CODE, utcnow()) is None
    assert retry_after(OTHER, OTHER_CODE, utcnow()) is None


def test_a_locked_code_makes_any_company_wait_for_it(invitations):
    start = utcnow()
    for n, siren in enumerate(VALID_SIRENS[:5]):
        check(CompanyId("FR", siren), ACME_CODE, now=start + timedelta(minutes=n))

    assert retry_after(ACME, ACME_CODE, start + timedelta(minutes=5)) == start + timedelta(
        minutes=60
    )
