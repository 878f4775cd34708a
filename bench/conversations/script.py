"""The conversation set as data: personas, their facts and how they answer each question.

The YAML files of this folder are read as they are: a conversation names a ``style`` of
styles.yml (default answers for each kind of question), overrides some ``answers``, and lists
its ``deviations`` (what it says instead at the n-th time a given question is asked). No Rasa
import and no server here: tests/bench/ checks the set with these functions alone.
"""

from __future__ import annotations

import copy
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
STYLES_FILE = HERE / "styles.yml"

# Every kind of question the driver recognises (bench/conversations/questions.py).
KINDS = (
    "menu",
    "start",
    "country",
    "country_confirm",
    "company_id",
    "invitation_code",
    "email",
    "email_confirm",
    "email_suggestion",
    "password",
    "terms",
    "first_name",
    "last_name",
    "phone",
    "job_title",
    "summary",
    "correction_menu",
    "which_is_wrong",
    "advisor_offer",
    "handoff_contact",
    "language_offer",
    "cancel_confirm",
    "activation_help",
    "unknown",
)
# The questions of the registration itself (a re-ask of one of them after it was answered and
# not corrected means an answer was lost).
FIELD_KINDS = (
    "country",
    "company_id",
    "invitation_code",
    "email",
    "password",
    "terms",
    "first_name",
    "last_name",
    "phone",
    "job_title",
)
FACTS = (
    "country",
    "country_name",
    "company_id",
    "code",
    "email",
    "password",
    "first_name",
    "last_name",
    "phone",
    "job_title",
)
OUTCOMES_EXPECTED = ("completed", "advisor")
ON_STUCK = ("restart", "advisor", "leave")
GOALS = ("account", "activation_email")
# What a supplier types to start again in a new conversation, by the language they write in.
RESTART_OPENING = {
    "fr": "Bonjour, je voudrais créer mon compte",
    "en": "Hello, I'd like to create my account",
}
# What a supplier checks in the summary (the phone may be laid out another way).
SUMMARY_CHECKED = ("email", "first_name", "last_name", "job_title")


class ScriptError(ValueError):
    """A conversation file that does not follow the format (named file and conversation)."""


@dataclass(frozen=True)
class Click:
    """Click the button that means ``target`` (yes, no, or words of its title), else type."""

    target: str
    fallback: str


Answer = str | Click


@dataclass(frozen=True)
class Deviation:
    at: str
    nth: int
    say: Answer
    facts: dict[str, Any] = field(default_factory=dict)
    corrects: tuple[str, ...] = ()


@dataclass
class Conversation:
    id: str
    category: str
    language: str  # the page's language (session metadata)
    speaks: str  # the language the persona writes in (its style's)
    description: str
    facts: dict[str, Any]
    opening: str
    answers: dict[str, list[Answer]]
    deviations: list[Deviation]
    summary_wrong: dict[str, str]
    invitation_link: bool = False
    setup: str | None = None
    goal: str = "account"
    expected: str = "completed"
    on_stuck: str = "restart"
    after_handoff: str | None = None
    restart_opening: str = ""

    def deviation(self, kind: str, nth: int) -> Deviation | None:
        for deviation in self.deviations:
            if deviation.at == kind and deviation.nth == nth:
                return deviation
        return None

    def default_answer(self, kind: str, nth: int) -> Answer | None:
        """The style's (or the conversation's own) answer to the ``nth`` asking of ``kind``."""
        choices = self.answers.get(kind)
        if not choices:
            return None
        return choices[min(nth, len(choices)) - 1]


def _answer(value: Any, where: str) -> Answer:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) <= {"click", "type"} and "click" in value:
        target = value["click"]
        if isinstance(target, bool):  # YAML reads a bare yes / no as a boolean
            target = "yes" if target else "no"
        return Click(str(target), str(value.get("type") or ""))
    raise ScriptError(f"{where}: an answer is a text or {{click: ..., type: ...}}, not {value!r}")


def _answers(raw: dict, where: str) -> dict[str, list[Answer]]:
    answers = {}
    for kind, value in (raw or {}).items():
        if kind not in KINDS:
            raise ScriptError(f"{where}: unknown kind of question {kind!r}")
        values = value if isinstance(value, list) else [value]
        answers[kind] = [_answer(v, f"{where}.{kind}") for v in values]
    return answers


def load_styles(path: Path = STYLES_FILE) -> tuple[dict[str, dict], dict[str, dict[str, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    styles = {
        name: {"language": style["language"], "answers": _answers(style["answers"], name)}
        for name, style in data["styles"].items()
    }
    return styles, data.get("summary_wrong") or {}


def _conversation(raw: dict, styles: dict, summary_wrong: dict, where: str) -> Conversation:
    where = f"{where}: {raw.get('id', '?')}"
    try:
        style = styles[raw["style"]]
        answers = copy.deepcopy(style["answers"])
        answers.update(_answers(raw.get("answers") or {}, where))
        facts = dict(raw["facts"])
        deviations = [
            Deviation(
                at=d["at"],
                nth=int(d.get("nth", 1)),
                say=_answer(d["say"], where),
                facts=dict(d.get("facts") or {}),
                corrects=tuple(d.get("corrects") or ()),
            )
            for d in raw.get("deviations") or []
        ]
        speaks = style["language"]
        conversation = Conversation(
            id=raw["id"],
            category=raw["category"],
            language=raw["language"],
            speaks=speaks,
            description=" ".join(str(raw.get("description", "")).split()),
            facts=facts,
            opening=" ".join(str(raw["opening"]).split()),
            answers=answers,
            deviations=deviations,
            summary_wrong=dict(summary_wrong.get(speaks) or {}),
            invitation_link=bool(raw.get("invitation_link", False)),
            setup=raw.get("setup"),
            goal=raw.get("goal", "account"),
            expected=raw.get("expected", "completed"),
            on_stuck=raw.get("on_stuck", "restart"),
            after_handoff=raw.get("after_handoff"),
            restart_opening=raw.get("restart_opening") or RESTART_OPENING[speaks],
        )
    except KeyError as missing:
        raise ScriptError(f"{where}: missing {missing}") from None
    _check(conversation, where)
    return conversation


def _check(conversation: Conversation, where: str) -> None:
    if set(conversation.facts) != set(FACTS):
        raise ScriptError(f"{where}: facts must be exactly {', '.join(FACTS)}")
    if conversation.language not in ("fr", "en"):
        raise ScriptError(f"{where}: language is fr or en")
    if conversation.expected not in OUTCOMES_EXPECTED:
        raise ScriptError(f"{where}: expected is one of {OUTCOMES_EXPECTED}")
    if conversation.on_stuck not in ON_STUCK:
        raise ScriptError(f"{where}: on_stuck is one of {ON_STUCK}")
    if conversation.goal not in GOALS:
        raise ScriptError(f"{where}: goal is one of {GOALS}")
    for deviation in conversation.deviations:
        if deviation.at not in KINDS:
            raise ScriptError(f"{where}: deviation at unknown kind {deviation.at!r}")
        if not set(deviation.facts) <= set(FACTS):
            raise ScriptError(f"{where}: deviation changes unknown facts {deviation.facts}")
        if not set(deviation.corrects) <= set(FIELD_KINDS):
            raise ScriptError(f"{where}: deviation corrects unknown fields {deviation.corrects}")
    if conversation.facts["job_title"] is None:
        for answer in conversation.answers.get("job_title", []):
            text = answer.fallback if isinstance(answer, Click) else answer
            if "{job_title}" in text:
                raise ScriptError(f"{where}: no job title, so answers.job_title must say what")
    # Every template must fill from the facts (a typo in a brace would otherwise be typed).
    for answer in [a for answers in conversation.answers.values() for a in answers] + [
        d.say for d in conversation.deviations
    ]:
        for text in (answer.fallback,) if isinstance(answer, Click) else (answer,):
            for _, name, _, _ in string.Formatter().parse(text):
                if name and name not in FACTS:
                    raise ScriptError(f"{where}: {{{name}}} is not a fact")


def load_conversations(folder: Path = HERE) -> list[Conversation]:
    """Every conversation of the YAML files in ``folder`` (styles.yml aside), in file order."""
    styles, summary_wrong = load_styles(folder / STYLES_FILE.name)
    conversations = []
    for path in sorted(folder.glob("*.yml")):
        if path.name == STYLES_FILE.name:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("conversations") or []:
            conversations.append(_conversation(raw, styles, summary_wrong, path.name))
    ids = [c.id for c in conversations]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ScriptError(f"conversation ids used twice: {sorted(duplicates)}")
    return conversations


def fill(text: str, facts: dict[str, Any]) -> str:
    """``text`` with the persona's facts in its braces (a missing fact reads as empty)."""
    values = {name: "" if value is None else value for name, value in facts.items()}
    return string.Formatter().vformat(text, (), values)


def folded(text: str) -> str:
    """Lower case without accents, for comparing what the assistant shows with the facts."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
