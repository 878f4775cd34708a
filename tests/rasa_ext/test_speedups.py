"""The cached action-response validator accepts and refuses exactly what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import rasa_ext  # noqa: F401 - installs the speed-up, as the Rasa server does
from rasa_ext import speedups

ACTION = RemoteAction("validate_registration_form", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_importing_rasa_ext_installs_the_cached_validator():
    assert RemoteAction._validate_action_result is speedups._validate_action_result


@pytest.mark.parametrize(
    "result",
    [
        {"events": [], "responses": []},
        {"events": [{"event": "slot", "name": "email", "value": "a@b.fr"}], "responses": []},
        {"events": [{"event": "followup", "name": "registration_form"}], "responses": [{}]},
    ],
)
def test_valid_action_results_are_accepted(result):
    assert ACTION._validate_action_result(result) is True
    assert speedups._RASA_VALIDATE(ACTION, result) is True


@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"event": "slot"}], "responses": []},  # a slot event without its name
        {"events": "not a list"},
        {"events": [], "responses": "not a list"},
    ],
)
def test_invalid_action_results_raise_rasas_error(result):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        ACTION._validate_action_result(result)
    with pytest.raises(ValidationError):
        speedups._RASA_VALIDATE(ACTION, result)
