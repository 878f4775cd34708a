"""The analysts' report: where suppliers drop off, what goes wrong, what they ask.

Figures per period (day or ISO week of the conversation's first event) and language, plus
totals, computed from :mod:`bot.analytics.conversations` summaries. Three renderings: plain text
(the terminal), CSV (one figure per row, for a spreadsheet) and one self-contained HTML file with
charts drawn by matplotlib as inline SVG (no script, no font or image fetched from anywhere).

Definitions (the same in docs/analytics.md and docs/analytics.sql):

- messages per conversation: user messages (what suppliers typed or clicked), mean;
- duration: first to last event of the conversation, median;
- funnel: conversations that reached at least each step; drop-off = those that reached the
  previous step but not this one;
- containment: sessions without a handoff / sessions; escalation: sessions with a handoff /
  sessions;
- abandonment: conversations where the registration started, no account was created and
  nobody was handed to a human / conversations where the registration started;
- fallback rate: user messages answered by the two-stage fallback / user messages;
- response time: from each user message to the next bot message, p50 and p95 by the
  nearest-rank method (an observed value, never an interpolation);
- helpfulness of a topic: "yes" / ("yes" + "no") answers to "did this answer help?" after its
  answers; feedback rate: those answers / the times the question was asked;
- resolution rate: conversations with at least one answer where, after the first answer, the
  supplier neither said an answer did not help nor was handed to a human / conversations with
  at least one answer; confirmed resolution: the same, with at least one "yes".
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.analytics.conversations import OUTCOMES, STEP_LABELS, STEPS, ConversationSummary
from bot.analytics.recorded import HELPFUL, NOT_HELPFUL
from bot.privacy.redaction import redact_text

ALL = "all"
TOP = 10  # rows in the "most frequent" lists
PERIODS = ("day", "week")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p % of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _median(values: list[float]) -> float | None:
    return percentile(values, 50)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def period_of(moment: datetime, period: str) -> str:
    if period == "day":
        return moment.date().isoformat()
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _normalise_message(text: str) -> str:
    # Stored texts are redacted at the source; this second pass is for rows written before
    # the redacting store was in place (or by another tool).
    return " ".join(redact_text(text).split()).lower()


@dataclass
class Figures:
    """The figures of one group of conversations (a period and a language, or a total)."""

    conversations: int = 0
    sessions: int = 0
    sessions_with_handoff: int = 0
    user_messages: int = 0
    durations: list[float] = field(default_factory=list)
    funnel: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    invitation_checks: Counter = field(default_factory=Counter)
    password_failures: Counter = field(default_factory=Counter)
    not_understood: Counter = field(default_factory=Counter)
    faq_topics: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)
    feedback_asked: Counter = field(default_factory=Counter)
    feedback: Counter = field(default_factory=Counter)  # (topic, "yes" | "no")
    answered: int = 0  # conversations with at least one answer
    resolved: int = 0
    confirmed_resolved: int = 0
    response_times: list[float] = field(default_factory=list)

    _COUNTERS = (
        "funnel",
        "outcomes",
        "invitation_checks",
        "password_failures",
        "not_understood",
        "faq_topics",
        "answers",
        "feedback_asked",
    )
    _TALLIES = (
        "conversations",
        "sessions",
        "sessions_with_handoff",
        "user_messages",
        "answered",
        "resolved",
        "confirmed_resolved",
    )

    def merge(self, other: Figures) -> None:
        """Add another group's figures (e.g. one day's) to these."""
        for name in self._TALLIES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in self._COUNTERS:
            getattr(self, name).update(getattr(other, name))
        self.feedback.update(other.feedback)
        self.durations.extend(other.durations)
        self.response_times.extend(other.response_times)

    def to_json(self) -> str:
        """The figures as JSON (the console keeps one day's this way); times to the ms."""
        data: dict = {name: getattr(self, name) for name in self._TALLIES}
        data.update({name: dict(getattr(self, name)) for name in self._COUNTERS})
        data["feedback"] = [[topic, said, n] for (topic, said), n in self.feedback.items()]
        data["durations"] = [round(v, 3) for v in self.durations]
        data["response_times"] = [round(v, 3) for v in self.response_times]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Figures:
        data = json.loads(text)
        figures = cls(**{name: data.get(name, 0) for name in cls._TALLIES})
        for name in cls._COUNTERS:
            getattr(figures, name).update(data.get(name) or {})
        figures.feedback.update({(t, said): n for t, said, n in data.get("feedback") or []})
        figures.durations = list(data.get("durations") or [])
        figures.response_times = list(data.get("response_times") or [])
        return figures

    def add(self, summary: ConversationSummary) -> None:
        self.conversations += 1
        self.sessions += summary.sessions
        self.sessions_with_handoff += summary.sessions_with_handoff
        self.user_messages += summary.user_messages
        self.durations.append(summary.duration_seconds)
        for step in STEPS:
            if summary.reached(step):
                self.funnel[step] += 1
        self.outcomes[summary.outcome] += 1
        self.invitation_checks.update(summary.invitation_checks)
        self.password_failures.update(summary.password_failures)
        self.not_understood.update(_normalise_message(t) for t in summary.not_understood)
        self.faq_topics.update(summary.faq_topics)
        self.answers.update(summary.answers)
        self.feedback_asked.update(summary.feedback_asked)
        self.feedback.update(summary.feedback)
        self.answered += summary.answered
        self.resolved += summary.resolved
        self.confirmed_resolved += summary.confirmed_resolved
        self.response_times.extend(summary.response_times)

    @property
    def messages_per_conversation(self) -> float | None:
        return _rate(self.user_messages, self.conversations)

    @property
    def median_duration(self) -> float | None:
        return _median(self.durations)

    def drop_off(self, step: str) -> int:
        """Conversations that reached the step before ``step`` but not ``step``."""
        index = STEPS.index(step)
        if index == 0:
            return 0
        return self.funnel[STEPS[index - 1]] - self.funnel[step]

    @property
    def containment_rate(self) -> float | None:
        return _rate(self.sessions - self.sessions_with_handoff, self.sessions)

    @property
    def escalation_rate(self) -> float | None:
        return _rate(self.sessions_with_handoff, self.sessions)

    @property
    def abandonment_rate(self) -> float | None:
        return _rate(self.outcomes["abandoned"], self.funnel["started"])

    @property
    def fallback_rate(self) -> float | None:
        return _rate(sum(self.not_understood.values()), self.user_messages)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.resolved, self.answered)

    @property
    def confirmed_resolution_rate(self) -> float | None:
        return _rate(self.confirmed_resolved, self.answered)

    def helpfulness(self, topic: str) -> float | None:
        """ "Yes" / ("yes" + "no") for the answers of ``topic``."""
        yes, no = self.feedback[(topic, HELPFUL)], self.feedback[(topic, NOT_HELPFUL)]
        return _rate(yes, yes + no)

    def answer_rows(self) -> list[tuple[str, int, int, int, int, float | None]]:
        """Per topic answered, most answered first: answers, asked, yes, no, helpfulness."""
        return [
            (
                topic,
                count,
                self.feedback_asked[topic],
                self.feedback[(topic, HELPFUL)],
                self.feedback[(topic, NOT_HELPFUL)],
                self.helpfulness(topic),
            )
            for topic, count in _ranked(self.answers)
        ]

    @property
    def response_p50(self) -> float | None:
        return percentile(self.response_times, 50)

    @property
    def response_p95(self) -> float | None:
        return percentile(self.response_times, 95)

    def rows(self) -> list[tuple[str, str, float | int | None]]:
        """Every figure as (section, name, value): the CSV rows and the text report's lines."""
        rows: list[tuple[str, str, float | int | None]] = [
            ("activity", "conversations", self.conversations),
            ("activity", "sessions", self.sessions),
            ("activity", "user_messages", self.user_messages),
            ("activity", "messages_per_conversation", self.messages_per_conversation),
            ("activity", "median_duration_seconds", self.median_duration),
        ]
        for step in STEPS:
            rows.append(("funnel", step, self.funnel[step]))
            if step != STEPS[0]:
                rows.append(("drop_off", step, self.drop_off(step)))
        rows += [("outcome", name, self.outcomes[name]) for name in OUTCOMES]
        rows += [
            ("rate", "containment", self.containment_rate),
            ("rate", "escalation", self.escalation_rate),
            ("rate", "abandonment", self.abandonment_rate),
            ("rate", "fallback", self.fallback_rate),
            ("rate", "resolution", self.resolution_rate),
            ("rate", "confirmed_resolution", self.confirmed_resolution_rate),
            ("resolution", "conversations_answered", self.answered),
            ("resolution", "conversations_resolved", self.resolved),
        ]
        for name in ("mismatch", "expired", "used", "locked"):
            rows.append(("invitation_check", name, self.invitation_checks[name]))
        rows += [("password_rule_failure", k, n) for k, n in _ranked(self.password_failures)]
        rows += [("faq_topic", k, n) for k, n in _ranked(self.faq_topics)[:TOP]]
        for topic, answers, asked, yes, no, helpfulness in self.answer_rows():
            rows += [
                ("answers", topic, answers),
                ("feedback_asked", topic, asked),
                ("helpful", topic, yes),
                ("not_helpful", topic, no),
                ("helpfulness", topic, helpfulness),
            ]
        rows += [("not_understood", k, n) for k, n in _ranked(self.not_understood)[:TOP]]
        rows += [
            ("response_time", "p50_seconds", self.response_p50),
            ("response_time", "p95_seconds", self.response_p95),
        ]
        return rows


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


@dataclass
class Report:
    """The figures per (period, language), ``("all", language)`` and ``("all", "all")``.

    ``since`` and ``until`` are the first and last days shown (both included).
    """

    period: str
    since: datetime | None
    until: datetime | None
    language: str | None
    groups: dict[tuple[str, str], Figures]

    @property
    def total(self) -> Figures:
        return self.groups[(ALL, ALL)]

    def periods(self) -> list[str]:
        return sorted({p for p, _ in self.groups if p != ALL})

    def languages(self) -> list[str]:
        return sorted({lang for _, lang in self.groups if lang != ALL})


def build_report(
    summaries: Iterable[ConversationSummary],
    *,
    period: str = "week",
    since: datetime | None = None,
    until: datetime | None = None,
    language: str | None = None,
) -> Report:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    groups: dict[tuple[str, str], Figures] = defaultdict(Figures)
    groups[(ALL, ALL)]  # a report of nothing still has its totals
    for summary in summaries:
        key = period_of(summary.started_at, period)
        for group in ((key, summary.language), (ALL, summary.language), (ALL, ALL)):
            groups[group].add(summary)
    return Report(period, since, until, language, dict(groups))


def build_report_from_days(
    days: Iterable[tuple[datetime, str, Figures]],
    *,
    period: str = "week",
    since: datetime | None = None,
    until: datetime | None = None,
    language: str | None = None,
) -> Report:
    """The same report from figures already grouped by day and language (a conversation
    belongs to the day of its first event, and its week is that day's)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    groups: dict[tuple[str, str], Figures] = defaultdict(Figures)
    groups[(ALL, ALL)]
    for day, day_language, figures in days:
        key = period_of(day, period)
        for group in ((key, day_language), (ALL, day_language), (ALL, ALL)):
            groups[group].merge(figures)
    for figures in groups.values():
        # Sorted once here: every percentile then reads an ordered list (sorting it again in
        # percentile() is linear on ordered input).
        figures.response_times.sort()
        figures.durations.sort()
    return Report(period, since, until, language, dict(groups))


# --- Renderings -----------------------------------------------------------------------------


def _fmt(section: str, value: float | int | None) -> str:
    if value is None:
        return "-"
    if section in ("rate", "helpfulness"):
        return f"{value * 100:.1f} %"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _scope(report: Report) -> str:
    parts = [
        f"from {report.since:%Y-%m-%d}" if report.since else "from the first conversation",
        f"to {report.until:%Y-%m-%d} (included)" if report.until else "to the last one",
        f"language: {report.language or 'all'}",
        f"periods: {report.period}",
    ]
    return ", ".join(parts)


def render_text(report: Report) -> str:
    total = report.total
    out = io.StringIO()
    out.write("Onboarding assistant: conversations report\n")
    out.write(_scope(report) + "\n\n")
    if not total.conversations:
        out.write("No conversation in this period.\n")
        return out.getvalue()
    out.write(f"Conversations: {total.conversations}   sessions: {total.sessions}\n")
    out.write(
        f"User messages per conversation: {_fmt('', total.messages_per_conversation)}   "
        f"median duration: {_fmt('', total.median_duration)} s\n\n"
    )
    out.write("Registration funnel              reached  drop-off\n")
    for step in STEPS:
        drop = "" if step == STEPS[0] else str(total.drop_off(step))
        out.write(f"  {STEP_LABELS[step]:<30} {total.funnel[step]:>7}  {drop:>8}\n")
    out.write("\nOutcomes: " + ", ".join(f"{o} {total.outcomes[o]}" for o in OUTCOMES) + "\n")
    out.write(
        f"Containment {_fmt('rate', total.containment_rate)}, "
        f"escalation {_fmt('rate', total.escalation_rate)}, "
        f"abandonment {_fmt('rate', total.abandonment_rate)}, "
        f"fallback {_fmt('rate', total.fallback_rate)}\n"
    )
    out.write(
        "Invitation checks failed: "
        + ", ".join(
            f"{n} {total.invitation_checks[n]}" for n in ("mismatch", "expired", "used", "locked")
        )
        + "\n"
    )
    failures = _ranked(total.password_failures)
    out.write(
        "Password rules not met: "
        + (", ".join(f"{k} {n}" for k, n in failures) if failures else "none")
        + "\n"
    )
    out.write(
        f"Response time: p50 {_fmt('', total.response_p50)} s, "
        f"p95 {_fmt('', total.response_p95)} s\n"
    )
    out.write("\nTop questions (FAQ topics)\n")
    for key, count in _ranked(total.faq_topics)[:TOP] or [("none", 0)]:
        out.write(f"  {count:>5}  {key}\n")
    out.write(
        f"\nAnswers: resolution {_fmt('rate', total.resolution_rate)} "
        f"({total.resolved} of {total.answered} conversations with an answer), "
        f"confirmed {_fmt('rate', total.confirmed_resolution_rate)}\n"
    )
    out.write(f"  {'topic':<40}{'answers':>8}{'asked':>7}{'yes':>5}{'no':>5}{'helpful':>9}\n")
    for topic, answers, asked, yes, no, helpfulness in total.answer_rows()[:TOP] or []:
        out.write(
            f"  {topic:<40}{answers:>8}{asked:>7}{yes:>5}{no:>5}"
            f"{_fmt('helpfulness', helpfulness):>9}\n"
        )
    out.write("\nMost frequent messages not understood\n")
    for text, count in _ranked(total.not_understood)[:TOP] or [("none", 0)]:
        out.write(f"  {count:>5}  {text}\n")
    out.write("\nPer period and language\n")
    out.write(
        f"  {'period':<12}{'lang':<6}{'conv.':>6}{'started':>9}{'created':>9}"
        f"{'activated':>11}{'escal.':>8}{'fallback':>10}\n"
    )
    for (period, language), figures in sorted(report.groups.items()):
        if period == ALL:
            continue
        out.write(
            f"  {period:<12}{language:<6}{figures.conversations:>6}"
            f"{figures.funnel['started']:>9}{figures.funnel['account_created']:>9}"
            f"{figures.funnel['account_activated']:>11}"
            f"{_fmt('rate', figures.escalation_rate):>8}{_fmt('rate', figures.fallback_rate):>10}\n"
        )
    return out.getvalue()


def render_csv(report: Report) -> str:
    """One figure per row: period, language, section, name, value (rates as fractions)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "language", "section", "name", "value"])
    for (period, language), figures in sorted(report.groups.items()):
        for section, name, value in figures.rows():
            if isinstance(value, float):
                value = round(value, 4)
            writer.writerow([period, language, section, name, "" if value is None else value])
    return out.getvalue()


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    text = buffer.getvalue()
    # Keep the <svg> element only: the XML prolog and DOCTYPE have no place inside HTML.
    return text[text.index("<svg") :]


def _charts(report: Report) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")  # no display: the charts are only written into the file
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    total = report.total
    charts: dict[str, str] = {}

    figure, axes = plt.subplots(figsize=(7, 3.2))
    labels = [STEP_LABELS[s] for s in STEPS]
    values = [total.funnel[s] for s in STEPS]
    axes.barh(labels[::-1], values[::-1], color="#2b6cb0")
    for y, value in enumerate(values[::-1]):
        axes.text(value, y, f" {value}", va="center")
    axes.set_xlabel("conversations")
    axes.set_title("Registration funnel")
    charts["funnel"] = _svg(figure)

    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3))
    left.bar(list(OUTCOMES), [total.outcomes[o] for o in OUTCOMES], color="#38a169")
    left.set_title("Conversation outcomes")
    left.tick_params(axis="x", labelrotation=20)
    checks = ("mismatch", "expired", "used", "locked")
    right.bar(list(checks), [total.invitation_checks[c] for c in checks], color="#dd6b20")
    right.set_title("Invitation checks failed")
    charts["outcomes"] = _svg(figure)

    periods = report.periods()
    top = [key for key, _ in _ranked(total.faq_topics)[:5]]
    if periods and top:
        figure, axes = plt.subplots(figsize=(8, 3.2))
        for key in top:
            counts = [
                sum(f.faq_topics[key] for (p, lang), f in report.groups.items() if p == period)
                for period in periods
            ]
            axes.plot(periods, counts, marker="o", label=key.split("/", 1)[-1])
        axes.set_title("Top questions over time")
        axes.set_ylabel("questions")
        axes.legend(fontsize="small")
        charts["topics"] = _svg(figure)
    return charts


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1a202c}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #cbd5e0;padding:.25rem .6rem;text-align:right}
td:first-child,th:first-child{text-align:left}
.chart svg{max-width:100%;height:auto}
"""


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS, inline SVG charts, no external resource."""
    total = report.total
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Onboarding assistant: conversations report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Onboarding assistant: conversations report</h1>",
        f"<p>{html.escape(_scope(report))}</p>",
    ]
    if not total.conversations:
        parts.append("<p>No conversation in this period.</p></body></html>")
        return "\n".join(parts)
    charts = _charts(report)
    parts.append("<h2>Activity</h2>")
    parts.append(
        _table(
            ["figure", "value"],
            [
                ["conversations", total.conversations],
                ["sessions", total.sessions],
                ["user messages per conversation", _fmt("", total.messages_per_conversation)],
                ["median duration (s)", _fmt("", total.median_duration)],
                ["containment", _fmt("rate", total.containment_rate)],
                ["escalation", _fmt("rate", total.escalation_rate)],
                ["abandonment", _fmt("rate", total.abandonment_rate)],
                ["fallback", _fmt("rate", total.fallback_rate)],
                ["response time p50 (s)", _fmt("", total.response_p50)],
                ["response time p95 (s)", _fmt("", total.response_p95)],
            ],
        )
    )
    parts.append("<h2>Where suppliers drop off</h2>")
    parts.append(f'<div class="chart" id="chart-funnel">{charts["funnel"]}</div>')
    parts.append(
        _table(
            ["step", "reached", "drop-off"],
            [
                [STEP_LABELS[s], total.funnel[s], "" if s == STEPS[0] else total.drop_off(s)]
                for s in STEPS
            ],
        )
    )
    parts.append("<h2>Outcomes</h2>")
    parts.append(f'<div class="chart" id="chart-outcomes">{charts["outcomes"]}</div>')
    parts.append(
        _table(
            ["password rule not met", "times"], [list(r) for r in _ranked(total.password_failures)]
        )
    )
    parts.append("<h2>Top questions</h2>")
    if "topics" in charts:
        parts.append(f'<div class="chart" id="chart-topics">{charts["topics"]}</div>')
    parts.append(_table(["FAQ topic", "times"], [list(r) for r in _ranked(total.faq_topics)[:TOP]]))
    parts.append("<h2>Answers and feedback</h2>")
    parts.append(
        f"<p>Resolution {_fmt('rate', total.resolution_rate)} ({total.resolved} of "
        f"{total.answered} conversations with an answer), confirmed "
        f"{_fmt('rate', total.confirmed_resolution_rate)}. Definitions: docs/analytics.md.</p>"
    )
    parts.append(
        _table(
            ["topic", "answers", "feedback asked", "yes", "no", "helpful"],
            [
                [topic, answers, asked, yes, no, _fmt("helpfulness", helpfulness)]
                for topic, answers, asked, yes, no, helpfulness in total.answer_rows()
            ],
        )
    )
    parts.append("<h2>Messages not understood</h2>")
    parts.append(
        _table(
            ["message (redacted)", "times"], [list(r) for r in _ranked(total.not_understood)[:TOP]]
        )
    )
    parts.append("<h2>Per period and language</h2>")
    rows = []
    for (period, language), figures in sorted(report.groups.items()):
        if period == ALL:
            continue
        rows.append(
            [
                period,
                language,
                figures.conversations,
                figures.funnel["started"],
                figures.funnel["account_created"],
                figures.funnel["account_activated"],
                _fmt("rate", figures.escalation_rate),
                _fmt("rate", figures.fallback_rate),
            ]
        )
    parts.append(
        _table(
            [
                "period",
                "language",
                "conversations",
                "started",
                "created",
                "activated",
                "escalation",
                "fallback",
            ],
            rows,
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)


RENDERERS = {"text": render_text, "csv": render_csv, "html": render_html}
