"""A component whose trained state is missing from the model refuses to load: Rasa would
otherwise start with a component that silently does nothing (an untrained classifier once
shipped here that way)."""

from __future__ import annotations

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
