"""Summarise an NLU cross-validation run: `python -m bot.analytics.quality RESULTS_DIR`.

Prints intent macro-F1, response-selection macro-F1 and the weakest intents, for the README's
quality section. Reads the JSON reports that `rasa test nlu --cross-validation` writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGET = 0.95


def summarise(results: Path) -> str:
    lines = []
    for report_name, title in (
        ("intent_report.json", "Intent"),
        ("response_selection_report.json", "Response selection (FAQ, chitchat)"),
        ("DIETClassifier_report.json", "Entities (DIET)"),
    ):
        path = results / report_name
        if not path.exists():
            continue
        report = json.loads(path.read_text())
        macro = report.get("macro avg", {}).get("f1-score")
        if macro is None:
            continue
        lines.append(
            f"{title}: macro-F1 {macro:.3f}" + (" (target 0.95)" if title == "Intent" else "")
        )
        weakest = sorted(
            (v["f1-score"], k)
            for k, v in report.items()
            if isinstance(v, dict)
            and "f1-score" in v
            and k not in {"macro avg", "weighted avg", "micro avg"}
        )[:3]
        lines.append("  weakest: " + ", ".join(f"{k} {f:.2f}" for f, k in weakest))
    return "\n".join(lines) or f"no reports found in {results}"


if __name__ == "__main__":
    print(summarise(Path(sys.argv[1] if len(sys.argv) > 1 else "var/results/cross-validation")))
