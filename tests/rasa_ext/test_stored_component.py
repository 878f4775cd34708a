"""A component whose trained state is missing from the model refuses to load: Rasa would
otherwise start with a component that silently does nothing (an untrained classifier once
shipped here that way)."""

from __future__ import annotations

import importlib
import sys

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from rasa_ext.entity_extractor import VocabularyEntityExtractor
from rasa_ext.response_selector import IntentResponseSelector
from tests.rasa_ext.pipeline import context


@pytest.mark.parametrize("component", [IntentResponseSelector, VocabularyEntityExtractor])
def test_a_model_without_the_components_trained_state_refuses_to_load(tmp_path, component):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("component")
    with storage.write_to(resource):
        pass  # the component's directory, empty

    with pytest.raises(FileNotFoundError):
        component.load({}, storage, resource, context())


def test_a_change_to_a_components_code_changes_its_fingerprint_so_rasa_retrains_it(
    tmp_path, monkeypatch
):
    # Rasa reuses a trained component from .rasa/cache when data and config are unchanged;
    # the component's code is part of its fingerprint (`fingerprint_addon`) so that it does not.
    monkeypatch.syspath_prepend(str(tmp_path))

    def fingerprint(body: str) -> str:
        (tmp_path / "rasa_ext_probe.py").write_text(
            "from rasa_ext.stored_component import JsonStoredComponent\n"
            f"class Probe(JsonStoredComponent):\n    {body}\n"
        )
        sys.modules.pop("rasa_ext_probe", None)
        return importlib.import_module("rasa_ext_probe").Probe.fingerprint_addon({})

    assert fingerprint("pass") == fingerprint("pass")
    assert fingerprint("pass") != fingerprint("limit = 2")
    assert IntentResponseSelector.fingerprint_addon({}) != (
        VocabularyEntityExtractor.fingerprint_addon({})
    )
