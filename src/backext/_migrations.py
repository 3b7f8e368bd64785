"""Upgrades of older pack documents to the current schema version.

A pack written for schema version *n* is upgraded one version at a time by
``MIGRATIONS[n]`` (a function from the version *n* document to the version
*n + 1* document) until it reaches :data:`~backext.SCHEMA_VERSION`. Version 1
is the first version, so there is nothing to migrate yet: this is the place
where the upgrade functions will go.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._model import SCHEMA_VERSION
from ._problems import Problem
from ._wrong import shown_number


__all__ = ["MIGRATIONS", "migrate"]

#: Upgrade functions, keyed by the schema version they upgrade from.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(document: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Bring *document* to the current schema version.

    Returns the upgraded document and the problems that prevent the upgrade
    (a version this library does not know, or one too new for it).
    """
    version = document.get("schema_version", SCHEMA_VERSION)
    if type(version) is not int:
        return document, []  # the converter reports the wrong type
    if version > SCHEMA_VERSION:
        from ._constraints import rule  # noqa: PLC0415 - the table of rules: only for a version not read

        found = rule("schema-version-too-new")
        return document, [found.problem("/schema_version", value=shown_number(version), newest=SCHEMA_VERSION)]
    if version < 1:
        from ._constraints import rule  # noqa: PLC0415

        found = rule("schema-version-below-one")
        return document, [found.problem("/schema_version", value=shown_number(version))]
    while version < SCHEMA_VERSION:  # pragma: no cover - no migrations exist yet
        document = MIGRATIONS[version](document)
        version += 1
        document["schema_version"] = version
    return document, []
