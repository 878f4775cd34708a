"""A trainable Rasa component whose trained state is one small JSON document in the model.

Rasa's graph creates a component, trains it, and in `rasa run` loads it from the model
archive: this base class does the creating, storing and loading; a subclass builds its
document in `train` (`self.store(...)`) and sets itself up from it in `restore`."""

from __future__ import annotations

import hashlib
import inspect
from types import ModuleType
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file

FILE = "trained.json"
Component = TypeVar("Component", bound="JsonStoredComponent")


def code_fingerprint(component_class: type, *modules: ModuleType) -> str:
    """A digest of the source of this project's modules that define `component_class` and its
    bases, and of `modules` (the code they call that changes what they compute). Rasa reuses a
    trained component from its cache (.rasa/cache) when the data and the config are unchanged,
    whatever its code: given as `fingerprint_addon`, this makes a change to the code retrain the
    component (a stale stored format once failed to load)."""
    digest = hashlib.sha256()
    sources = {
        inspect.getfile(c) for c in component_class.__mro__ if c.__module__.startswith("rasa_ext")
    }
    for source in sorted(sources | {inspect.getfile(module) for module in modules}):
        with open(source, "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()


class JsonStoredComponent(GraphComponent):
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return code_fingerprint(cls)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        stored: dict[str, Any] | None = None,
    ) -> None:
        """`stored` is what `store` wrote, or None for a component not trained yet."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.restore(stored or {})

    def restore(self, stored: dict[str, Any]) -> None:
        """Set the component up from its stored document ({} before training)."""

    @classmethod
    def create(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        return cls(config, model_storage, resource)

    def store(self, document: dict[str, Any]) -> Resource:
        """Keep `document` in the model, and set the component up from it."""
        self.restore(document)
        with self._model_storage.write_to(self._resource) as directory:
            dump_obj_as_json_to_file(directory / FILE, document)
        return self._resource

    @classmethod
    def load(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Component:
        # No try/except, unlike Rasa's own components: a model without its document is broken
        # and must say so at start-up, not run as a component that silently does nothing.
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, read_json_file(directory / FILE))
