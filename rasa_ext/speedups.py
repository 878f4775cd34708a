"""Rasa 3.6 checks each custom action's answer with ``jsonschema.validate``, which first checks
the (fixed) response schema itself against the JSON Schema meta-schema: on every action call.
Profiling under load (README, Performance) put that at about half of the Rasa server's CPU.

This builds the validator once and keeps Rasa's behaviour: the same schema, the same
``ValidationError`` with Rasa's explanation appended. Installed on import of ``rasa_ext``, which
the Rasa server always loads (tracker store and REST channel), so no Rasa file is edited.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction

_RASA_VALIDATE = RemoteAction._validate_action_result
_validator: jsonschema.protocols.Validator | None = None


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        _validator = validator_class(schema)
    error = jsonschema.exceptions.best_match(_validator.iter_errors(result))
    if error is None:
        return True
    # The same failure Rasa raises, so its error handling and message stay unchanged.
    return _RASA_VALIDATE(self, result)


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
