"""The analysts' report on conversations whose true funnel is known (analytics_data.py)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from analytics_data import (  # noqa: F401 - fixtures
    ROOT,
    run_cli,
    scenarios,
    store_file_fixture,
    tracker_url_fixture,
    write_accounts,
    write_tracker_store,
)

from bot.analytics.conversations import STEPS, iter_summaries
from bot.analytics.report import build_report, percentile, render_csv, render_html, render_text
from bot.checks.passwords import PasswordRule


def report_of(tracker_url, database, **options):
    language = options.pop("language", None)
    summaries = iter_summaries(tracker_url, accounts_url=database, language=language)
    return build_report(summaries, language=language, **options)


def test_funnel_outcomes_and_rates_match_the_known_conversations(tracker_url, database):
    total = report_of(tracker_url, database).total
    assert total.conversations == 12
    assert total.sessions == 13
    assert total.user_messages == 104
    assert total.messages_per_conversation == 104 / 12
    assert [total.funnel[s] for s in STEPS] == [10, 9, 6, 5, 5, 4, 1]
    assert [total.drop_off(s) for s in STEPS[1:]] == [1, 3, 1, 0, 1, 3]
    assert dict(total.outcomes) == {
        "registered": 4,
        "escalated": 2,
        "abandoned": 4,
        "no_registration": 2,
    }
    assert total.containment_rate == 10 / 13
    assert total.escalation_rate == 3 / 13
    assert total.abandonment_rate == 4 / 10
    assert total.fallback_rate == 3 / 104
    assert {k: total.invitation_checks[k] for k in ("mismatch", "expired", "used", "locked")} == {
        "mismatch": 2,
        "expired": 1,
        "used": 1,
        "locked": 0,
    }
    assert dict(total.password_failures) == {
        "uppercase": 2,
        "digit": 2,
        "special": 1,
        "min_length": 1,
    }
    assert dict(total.faq_topics) == {"faq/password_rules": 2, "faq/free": 2}
    # 83 replies after 0.5 s, 16 after 2 s, 5 after 4 s: ranks 52 and 99 of 104.
    assert total.response_p50 == pytest.approx(0.5, abs=1e-3)
    assert total.response_p95 == pytest.approx(2.0, abs=1e-3)


def test_helpfulness_per_topic_and_resolution_match_the_known_conversations(tracker_url, database):
    report = report_of(tracker_url, database)
    total = report.total
    # topic, answers, "did this answer help?" asked, yes, no, helpfulness
    assert total.answer_rows() == [
        ("faq/free", 2, 1, 0, 1, 0.0),  # fr-questions (not asked: one pending), fr-two-sessions
        ("faq/password_rules", 2, 2, 1, 0, 1.0),  # fr-questions (ignored), en-questions
    ]
    # Answered: fr-questions (resolved), en-questions (resolved, "yes"), fr-two-sessions ("no",
    # then a human).
    assert (total.answered, total.resolved, total.confirmed_resolved) == (3, 2, 1)
    assert total.resolution_rate == 2 / 3
    assert total.confirmed_resolution_rate == 1 / 3
    assert report.groups[("all", "fr")].resolution_rate == 1 / 2
    assert report.groups[("all", "en")].resolution_rate == 1.0
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    figure = {(r["period"], r["language"], r["section"], r["name"]): r["value"] for r in rows}
    assert figure[("all", "all", "helpfulness", "faq/password_rules")] == "1.0"
    assert figure[("all", "all", "not_helpful", "faq/free")] == "1"
    assert figure[("all", "all", "rate", "resolution")] == str(round(2 / 3, 4))
    text = render_text(report)
    assert "resolution 66.7 % (2 of 3 conversations with an answer), confirmed 33.3 %" in text
    assert "Answers and feedback" in render_html(report)


def test_messages_not_understood_are_grouped_and_show_no_invitation_code(tracker_url, database):
    total = report_of(tracker_url, database).total
    assert total.not_understood["blabla truc"] == 2
    texts = list(total.not_understood)
    assert len(texts) == 2
    assert not any("0000-0001" in t or "fr000000" in t.replace("-", "") for t in texts)
    assert any(t.startswith("my code acme") for t in texts)


def test_a_message_answering_a_form_question_is_not_a_fallback(tracker_url, database):
    # Conversation en-pending's last name was unsure for the NLU but answered the form.
    summaries = {s.conversation_id: s for s in iter_summaries(tracker_url, accounts_url=database)}
    assert summaries["en-pending"].not_understood == []
    assert summaries["en-taken"].step == "account_created"  # nothing activated on a taken address
    assert summaries["fr-activated"].step == "account_activated"
    assert summaries["fr-two-sessions"].sessions == 2
    assert summaries["fr-two-sessions"].duration_seconds > 7200


def test_per_language_and_per_period(tracker_url, database):
    report = report_of(tracker_url, database, period="week")
    assert report.periods() == ["2026-W45", "2026-W46"]
    groups = report.groups
    assert groups[("all", "fr")].conversations == 7
    assert groups[("all", "en")].conversations == 5
    assert groups[("all", "fr")].funnel["started"] == 6
    assert groups[("all", "en")].funnel["started"] == 4
    assert groups[("2026-W45", "fr")].conversations == 3
    assert groups[("2026-W46", "en")].conversations == 3
    english = report_of(tracker_url, database, language="en").total
    assert english.conversations == 5
    assert english.funnel["account_created"] == 2
    assert english.funnel["account_activated"] == 0
    days = report_of(tracker_url, database, period="day")
    assert days.periods() == ["2026-11-02", "2026-11-09"]


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert percentile([3.0], 95) == 3.0
    assert percentile([], 50) is None


def test_csv_parses_with_one_figure_per_row(tracker_url, database):
    rows = list(csv.DictReader(io.StringIO(render_csv(report_of(tracker_url, database)))))
    figure = {(r["period"], r["language"], r["section"], r["name"]): r["value"] for r in rows}
    assert figure[("all", "all", "funnel", "account_created")] == "4"
    assert figure[("all", "all", "drop_off", "invitation_valid")] == "3"
    assert float(figure[("all", "all", "rate", "containment")]) == round(10 / 13, 4)
    assert figure[("all", "all", "faq_topic", "faq/free")] == "2"
    assert figure[("2026-W46", "fr", "activity", "conversations")] == "4"


def test_html_is_one_self_contained_file_with_the_charts(tracker_url, database):
    page = render_html(report_of(tracker_url, database))
    assert page.startswith("<!DOCTYPE html>")
    for chart in ("chart-funnel", "chart-outcomes", "chart-topics"):
        block = page.split(f'id="{chart}">', 1)[1]
        assert block.startswith("<svg")
    # Nothing to fetch: no script, no external stylesheet, image or font.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "account activated" in page and "faq/password_rules" in page


def test_text_report_names_the_steps_and_figures(tracker_url, database):
    text = render_text(report_of(tracker_url, database))
    assert "account created                      4         1" in text
    assert "Containment 76.9 %" in text
    assert "p95 2.0 s" in text


def test_an_empty_store_says_so(tmp_path, database):
    empty = f"sqlite:///{tmp_path / 'nothing.db'}"
    report = build_report(iter_summaries(empty, accounts_url=database))
    assert "No conversation in this period." in render_text(report)
    assert "No conversation in this period." in render_html(report)


def test_cli_report_writes_html_and_csv(tracker_url, tmp_path):
    target = tmp_path / "report.html"
    result = run_cli("report", "--format", "html", "--output", str(target), env_url=tracker_url)
    assert result.returncode == 0, result.stderr
    assert "<svg" in target.read_text(encoding="utf-8")
    result = run_cli("report", "--format", "csv", "--language", "fr", "--since", "2026-11-09")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    total = {r["name"]: r["value"] for r in rows if r["period"] == "all" and r["language"] == "all"}
    assert total["conversations"] == "4"  # French conversations of week 46
    result = run_cli("report", "--until", "2026-11-02")
    assert "Conversations: 5" in result.stdout  # the last day is included


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "--since", "2026-13-01"], "expected a date as YYYY-MM-DD"),
        (["report", "--format", "pdf"], "invalid choice"),
        (["report", "--language", "de"], "invalid choice"),
        (["report", "--since", "2026-11-10", "--until", "2026-11-01"], "--until must not be"),
        (["report", "--output", "/nonexistent/dir/report.html"], "cannot write"),
        (["purge", "--older-than", "soon"], "expected an age such as 90d"),
        (["purge", "--older-than", "0d"], "expected an age such as 90d"),
        (["erase"], "one of the arguments --email --conversation is required"),
        (["erase", "--email", "a@b.c", "--conversation", "x"], "not allowed with"),
        (["erase", "--email", "not-an-address"], "is not a valid email address"),
    ],
)
def test_analysts_commands_refuse_bad_arguments_in_one_clear_line(tracker_url, args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_report_on_an_unreachable_store_is_one_clear_line(database):
    result = run_cli("report", env_url="sqlite:////nonexistent/dir/conversations.db")
    assert result.returncode == 2
    assert "cannot read the conversation store" in result.stderr
    assert "Traceback" not in result.stderr


def test_documented_sql_views_give_the_same_funnel_on_sqlite(tracker_url, database):
    import sqlite3

    path = tracker_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    # As docs/analytics.sql says: SQLite reads the JSON text without PostgreSQL's cast.
    script = (ROOT / "docs" / "analytics.sql").read_text(encoding="utf-8")
    script = script.replace("CAST(e.data AS json)", "e.data")
    connection.executescript(script)
    connection.executescript(script)  # idempotent: the views are dropped and recreated
    rows = connection.execute(
        "SELECT language, conversations, started, company_identified, invitation_valid,"
        " account_details, contact_details, account_created, abandoned, escalated"
        " FROM onboarding_funnel ORDER BY language"
    ).fetchall()
    faq = connection.execute(
        "SELECT faq_topic, COUNT(*) FROM onboarding_messages WHERE faq_topic IS NOT NULL"
        " GROUP BY faq_topic ORDER BY faq_topic"
    ).fetchall()
    helpfulness = connection.execute(
        "SELECT topic, answers, feedback_asked, helpful, not_helpful"
        " FROM onboarding_topic_helpfulness ORDER BY answers DESC, topic"
    ).fetchall()
    resolution = connection.execute(
        "SELECT COUNT(*), SUM(resolved), SUM(confirmed) FROM onboarding_resolution"
    ).fetchone()
    recorded = connection.execute(
        "SELECT SUM(invitation_mismatches), SUM(invitation_expired), SUM(invitation_used),"
        " SUM(invitation_locked), SUM(passwords_refused), SUM(password_rule_min_length),"
        " SUM(password_rule_uppercase), SUM(password_rule_lowercase), SUM(password_rule_digit),"
        " SUM(password_rule_special), SUM(password_rule_not_common), SUM(password_rule_not_email),"
        " SUM(password_rule_an_address), SUM(password_rule_a_question)"
        " FROM onboarding_conversations"
    ).fetchone()
    connection.close()
    by_language = {row[0]: row[1:] for row in rows}
    report = report_of(tracker_url, database)
    for language in ("fr", "en"):
        figures = report.groups[("all", language)]
        assert by_language[language] == (
            figures.conversations,
            *(figures.funnel[s] for s in STEPS[:-1]),  # activation lives in the accounts DB
            figures.outcomes["abandoned"],
            figures.outcomes["escalated"],
        )
    assert sum(row[2] for row in rows) == 10  # started, as written by hand above
    assert faq == [("faq/free", 2), ("faq/password_rules", 2)]
    total = report.total
    assert helpfulness == [
        (topic, answers, asked, yes, no)
        for topic, answers, asked, yes, no, _ in total.answer_rows()
    ]
    assert resolution == (total.answered, total.resolved, total.confirmed_resolved)
    assert recorded == (
        *(total.invitation_checks[k] for k in ("mismatch", "expired", "used", "locked")),
        4,  # refusals in the scenarios: fr-activated 1, fr-password 2, fr-contact 1
        *(total.password_failures[rule.value] for rule in PasswordRule),
    )


def test_rewording_the_password_rules_changes_no_figure(tmp_path, database, session):
    """The refusal's text is the assistant's business: the report reads the recorded rules."""
    reworded = tmp_path / "reworded.db"
    url = write_tracker_store(
        reworded, scenarios(wording=lambda rule, language: f"Règle {len(rule)} ({language})")
    )
    original = tmp_path / "original.db"
    original_url = write_tracker_store(original, scenarios())
    write_accounts(session)
    session.commit()
    figures = report_of(url, database).total
    assert dict(figures.password_failures) == {
        "uppercase": 2,
        "digit": 2,
        "special": 1,
        "min_length": 1,
    }
    assert figures.rows() == report_of(original_url, database).total.rows()
    texts = [
        m.text
        for s in iter_summaries(url, accounts_url=database, keep_messages=True)
        for m in s.messages
        if m.response == "utter_password_not_accepted"
    ]
    assert texts and all("Règle" in t for t in texts)  # the new wording is what was stored
