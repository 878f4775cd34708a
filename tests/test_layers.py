"""The layers of bot/ import only downward, and nothing in bot/ imports Rasa."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"
# What each package may import from bot/ besides itself (bot/__init__.py draws the same picture).
ALLOWED = {
    "checks": set(),
    "privacy": {"checks"},
    "registration": {"checks", "db", "models", "settings", "mail"},
    "mail": {"db", "models", "settings", "checks"},
    "analytics": {"checks", "privacy", "registration", "db", "models", "settings", "responses"},
    "staff": {"checks", "privacy", "registration", "db", "models", "settings", "responses"},
    "web": {
        "checks",
        "registration",
        "mail",
        "db",
        "models",
        "settings",
        "responses",
        "analytics",
        "staff",
    },
}


def _bot_imports(path: Path) -> set[str]:
    """The first part after ``bot.`` of every import in ``path`` (``bot.mail.outbox`` -> mail)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "bot" else [f"bot.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "bot" and len(parts) > 1:
                found.add(parts[1])
            if parts[0] in {"rasa", "rasa_sdk"}:
                found.add(parts[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(package):
    wrong = {
        f"{path.relative_to(PROJECT_ROOT)} imports bot.{name}"
        for path in (BOT / package).rglob("*.py")
        for name in _bot_imports(path) - ALLOWED[package] - {package}
    }
    assert not wrong


def test_nothing_in_bot_imports_rasa():
    assert not {
        str(path.relative_to(PROJECT_ROOT))
        for path in BOT.rglob("*.py")
        if _bot_imports(path) & {"rasa", "rasa_sdk"}
    }
