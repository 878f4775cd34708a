"""bot/privacy/logs.py: once installed, no log line of the process holds a password or a code.

Each test runs a fresh Python process: the installation is process-wide (the Rasa and action
servers install it at start-up), and would otherwise change the log records of other tests.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.factories import ROOT

PASSWORD = "Soleil-Vert-2026"
CODE = "K7M4-PQ2X-9RTB-3HWD"


def run(script: str) -> str:
    """What ``script`` writes to stderr, with the log redaction installed first."""
    prelude = textwrap.dedent(
        """
        import logging, sys, warnings
        from bot.privacy import logs
        logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s", stream=sys.stderr)
        logs.install()
        logs.install()  # twice: idempotent
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stderr


def test_a_password_or_a_code_in_a_log_message_or_its_arguments_is_masked():
    written = run(
        f"""
        log = logging.getLogger("rasa.core.processor")
        log.warning("Failed to parse arguments in line '/{PASSWORD}'.")
        log.info("message from %s: %s", "c0ffee", "mon code est {CODE.lower()}")
        """
    )
    assert PASSWORD not in written and "PQ2X" not in written.upper()
    assert "Failed to parse arguments in line '[masqué]'." in written
    assert "message from c0ffee: mon code est K7M4…" in written


def test_a_warning_quoting_the_message_goes_through_the_same_masking():
    # rasa.shared.utils.io.raise_warning: what Rasa says about "/<password>" it cannot read.
    written = run(f"warnings.warn(\"Failed to parse arguments in line '/{PASSWORD}'\")")
    assert PASSWORD not in written
    assert "[masqué]" in written


def test_the_text_of_an_exception_is_masked_too():
    written = run(
        f"""
        try:
            raise ValueError("bad value {PASSWORD}")
        except ValueError:
            logging.getLogger("rasa_sdk.executor").exception("action failed")
        """
    )
    assert "ValueError: bad value [masqué]" in written
    assert PASSWORD not in written


def test_the_file_event_brokers_lines_stay_as_written():
    # Rasa's file broker logs each event as a JSON line, already redacted by the tracker
    # store (which decided that this job title was no password): written exactly as given.
    line = '{"event": "bot", "text": "Fonction : Comptable-N2", "metadata": {"c": "E2EF\\\\u2026"}}'
    written = run(f"logging.getLogger('event-logger').info({line!r})")
    assert line in written
