"""Log lines never hold a password or an invitation code, whoever writes them.

Rasa logs some messages whole: a message starting with "/" is read as an intent, and when
that intent is unknown Rasa warns with the line as typed ("/MonMotDePasse-2026"). Libraries
log exceptions whose text may quote a value. :func:`install` masks every log record of the
process when it is created, before any handler sees it, with
:func:`bot.privacy.redaction.redact_text` (words that may be passwords, invitation codes), and
routes Python warnings through logging so that they are masked too.

The Rasa server installs it when it loads the tracker store (rasa_ext/tracker_store.py), the
action server when it loads the actions package. Only the standard library is used here.
"""

from __future__ import annotations

import logging
import threading

from bot.privacy.redaction import redact_text

# Loggers whose lines are written as they are: Rasa's file event broker logs each event as one
# JSON line, already redacted by the tracker store, and must stay valid JSON.
UNTOUCHED = frozenset({"event-logger"})
_lock = threading.Lock()
_installed = False
_formatter = logging.Formatter()


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with its message, and the text of its exception, masked (in place)."""
    if record.name in UNTOUCHED:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed record (wrong arguments) is left to logging to report
        return record
    masked = redact_text(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        # Formatted now, masked, and cached where every Formatter looks for it.
        record.exc_text = redact_text(_formatter.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    return record


def install() -> None:
    """Mask every log record this process creates from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        create = logging.getLogRecordFactory()

        def masked_record(*args, **kwargs) -> logging.LogRecord:
            return redact_record(create(*args, **kwargs))

        logging.setLogRecordFactory(masked_record)
        # Warnings (rasa.shared.utils.io.raise_warning quotes the line it could not parse) go
        # to stderr directly unless logging captures them.
        logging.captureWarnings(True)
        _installed = True
