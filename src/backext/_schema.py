"""The JSON Schema of pack files, generated from the model.

The model classes are the one source of truth for the structure: each class
becomes a definition, each field a property (its description taken from the
class docstring's ``Attributes:`` section), and the field's type its schema.
The value constraints come from the table of rules
(:data:`backext._constraints.RULES`): each rule that bounds one field alone
gives its bound.
"""

from __future__ import annotations

import copy
import enum
import functools
import inspect
import re
import types
import typing
from typing import Any, Union, get_args, get_origin

import attrs

from ._constraints import NON_BLANK, schema_bounds
from ._i18n import MAX_TAG
from ._model import Pack
from ._text import LOCALE_TAG, LocalizedText


__all__ = ["json_schema"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: Constraints the loader checks on values, by class and field name: the bounds of the rules that carry one
#: (see :data:`backext._constraints.RULES`).
_CONSTRAINTS: dict[tuple[type, str], dict[str, Any]] = schema_bounds()


def _attribute_docs(cls: type) -> dict[str, str]:
    """Read the ``Attributes:`` section of *cls*'s docstring."""
    doc = inspect.getdoc(cls) or ""
    docs: dict[str, str] = {}
    inside = False
    current: str | None = None
    for line in doc.splitlines():
        if line.strip() == "Attributes:":
            inside = True
            continue
        if not inside:
            continue
        if line and not line.startswith(" "):
            break
        entry = re.match(r"^    (\w+): (.*)$", line)
        if entry:
            current = entry[1]
            docs[current] = entry[2].strip()
        elif current is not None and line.strip():
            docs[current] += " " + line.strip()
    return {name: re.sub(r":\w+:`~?(?:[\w.]+\.)?(\w+)`", r"\1", text) for name, text in docs.items()}


def _summary(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ")


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def schema_for(self, type_: Any) -> dict[str, Any]:
        origin = get_origin(type_)
        if origin is Union or origin is types.UnionType:
            args = get_args(type_)
            non_null = [a for a in args if a is not type(None)]
            if set(non_null) == {str, LocalizedText}:
                options: list[dict[str, Any]] = [self._text()]
            else:
                options = [self.schema_for(a) for a in non_null]
            if type(None) in args:
                options.append({"type": "null"})
            return options[0] if len(options) == 1 else {"anyOf": options}
        if origin is tuple:
            return {"type": "array", "items": self.schema_for(get_args(type_)[0])}
        if type_ is str:
            return {"type": "string"}
        if type_ is bool:
            return {"type": "boolean"}
        if type_ is int:
            return {"type": "integer"}
        if type_ is float:
            return {"type": "number"}
        if isinstance(type_, type) and issubclass(type_, enum.Enum):
            return {"type": "string", "enum": [member.value for member in type_]}
        if isinstance(type_, type) and attrs.has(type_):
            return self._class(type_)
        raise TypeError(f"no JSON Schema for {type_!r}")  # pragma: no cover

    def _text(self) -> dict[str, Any]:
        if "Text" not in self.defs:
            self.defs["Text"] = {
                "description": (
                    "A human-readable text: a plain string in the pack's default locale, "
                    "or an object mapping BCP 47 locale tags to translations."
                ),
                "anyOf": [
                    {"type": "string", "pattern": NON_BLANK},
                    {
                        "type": "object",
                        "propertyNames": {"pattern": LOCALE_TAG, "maxLength": MAX_TAG},
                        "additionalProperties": {"type": "string", "pattern": NON_BLANK},
                        "minProperties": 1,
                    },
                ],
            }
        return {"$ref": "#/$defs/Text"}

    def _class(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # a placeholder while the fields are built
            hints = typing.get_type_hints(cls)
            docs = _attribute_docs(cls)
            properties: dict[str, Any] = {}
            required: list[str] = []
            for field in attrs.fields(cls):
                schema = self.schema_for(hints[field.name])
                schema = {**schema, **_CONSTRAINTS.get((cls, field.name), {})}
                if field.name in docs:
                    schema = {"description": docs[field.name], **schema}
                if field.default is not attrs.NOTHING:
                    default = field.default
                    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs' typing
                        default = default.factory()
                    if default is not None and not attrs.has(type(default)):
                        from ._converter import converter  # noqa: PLC0415 - avoids an import cycle

                        schema["default"] = converter.unstructure(default)
                else:
                    required.append(field.name)
                properties[field.name] = schema
            self.defs[name] = {
                "description": _summary(cls),
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}


@functools.cache
def _build() -> dict[str, Any]:
    builder = _Builder()
    builder.schema_for(Pack)
    pack = builder.defs.pop("Pack")
    pack["properties"] = {
        "$schema": {
            "description": "The schema the pack follows, for editors; backext reads the pack the same without it.",
            "type": "string",
        },
        **pack["properties"],
    }
    return {
        "$schema": _DIALECT,
        "$id": SCHEMA_ID,
        "title": "backext exercise pack",
        **pack,
        "$defs": dict(sorted(builder.defs.items())),
    }


#: The stable identifier of the schema of pack files, which is also where the documentation serves it.
SCHEMA_ID = "https://backext.readthedocs.io/en/stable/pack.schema.json"


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of pack files.

    The schema is generated from the model classes, so it cannot drift from
    what :func:`~backext.load_pack` reads. The same schema ships with the
    package as ``backext/data/pack.schema.json`` for tools that want a file,
    and ``backext schema`` prints it (or writes it to a file, with ``-o``).
    Its ``$id`` is stable, and a pack may name it in a ``$schema`` key (in
    JSON and YAML) so that editors check and complete it as it is typed.
    Each call returns a new dictionary, which the caller may change.

    The schema checks structure and simple bounds. Rules that span fields
    (a hold's start not above its target, references between exercises)
    are checked by :func:`~backext.load_pack` only.

    Example:
        >>> import backext
        >>> schema = backext.json_schema()
        >>> schema["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
        >>> schema["$id"]
        'https://backext.readthedocs.io/en/stable/pack.schema.json'
        >>> schema["properties"]["exercises"]["items"]
        {'$ref': '#/$defs/Exercise'}

    .. versionadded:: 0.1.0
    """
    return copy.deepcopy(_build())
