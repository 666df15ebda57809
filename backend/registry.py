"""Explicit registries: config names an implementation, callers never import one.

Each registry lists its built-in implementations by module, imported only when chosen,
so an optional dependency is needed only by whoever selects it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Generic, TypeVar

from backend.errors import ConfigError, MissingDependency

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str, builtins: dict[str, str]) -> None:
        self.what = what
        self._builtins = builtins
        self._registered: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def add(cls: type[T]) -> type[T]:
            self._registered[name] = cls
            return cls

        return add

    def names(self) -> list[str]:
        return sorted(set(self._builtins) | set(self._registered))

    def get(self, name: str) -> type[T]:
        if name not in self._registered and name in self._builtins:
            self._import(name)
        if name not in self._registered:
            valid = ", ".join(self.names())
            raise ConfigError(f"unknown {self.what} '{name}'. Valid choices are: {valid}")
        return self._registered[name]

    def _import(self, name: str) -> None:
        module = self._builtins[name]
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise MissingDependency(
                f"{self.what} '{name}' needs a package that is not installed ({exc.name}); "
                f"install the matching extra, e.g. pip install 'precedent[{name}]'"
            ) from exc
