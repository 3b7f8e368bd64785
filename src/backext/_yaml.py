"""A strict, safe YAML loader: no Python tags, no duplicate keys, bounded aliases."""

from __future__ import annotations

from typing import Any

import yaml


__all__ = ["MAX_ALIASES", "StrictLoader"]

#: The most aliases (``*name``) a document may use: enough for any honest
#: pack, too few for an exponential "billion laughs" document.
MAX_ALIASES = 100


class _LoaderError(yaml.constructor.ConstructorError):
    def __init__(self, code: str, problem: str, mark: Any) -> None:
        super().__init__(None, None, problem, mark)
        self.backext_code = code


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys and alias bombs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _LoaderError(
                    "too-many-aliases",
                    f"the document uses more than {MAX_ALIASES} aliases",
                    event.start_mark,
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key: the base class reports it
            if duplicate:
                raise _LoaderError(
                    "duplicate-key", f"the key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
