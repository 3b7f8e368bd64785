"""The conformance resources of backext's own terms: StructureDefinitions of its extensions, and its CodeSystems.

They are generated from :mod:`backext.fhir._terms`; the copies shipped in
``backext/fhir/data`` (for the default base) are checked against them by the
tests.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ._models import check_version, resource
from ._terms import (
    DEFAULT_BASE,
    EXTENSIONS,
    FHIR_RELEASES,
    SESSION_CONCEPTS,
    ExtensionSpec,
    FhirVersion,
    Urls,
    red_flag_concepts,
)


__all__ = ["conformance_resources", "shipped_resources"]


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _structure_definition(spec: ExtensionSpec, urls: Urls, fhir_version: FhirVersion) -> dict[str, Any]:
    url = urls.extension(spec.name)
    return {
        "resourceType": "StructureDefinition",
        "id": spec.name,
        "url": url,
        "name": _pascal(spec.name),
        "title": spec.title,
        "status": "active",
        "description": spec.definition,
        "fhirVersion": FHIR_RELEASES[fhir_version],
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": context} for context in spec.contexts],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {
            "element": [
                {
                    "id": "Extension",
                    "path": "Extension",
                    "short": spec.title,
                    "definition": spec.definition,
                    "min": 0,
                    "max": "*" if spec.repeats else "1",
                },
                {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
                {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
                {
                    "id": "Extension.value[x]",
                    "path": "Extension.value[x]",
                    "min": 1,
                    "type": [{"code": spec.value_type}],
                },
            ]
        },
    }


def _code_system(identifier: str, url: str, title: str, concepts: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": identifier,
        "url": url,
        "name": _pascal(identifier),
        "title": title,
        "status": "active",
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [
            {"code": code, "display": display, "definition": definition} for code, display, definition in concepts
        ],
    }


def conformance_resources(*, fhir_version: FhirVersion = "R5", base: str = DEFAULT_BASE) -> list[Any]:
    """The StructureDefinitions of backext's extensions and its two CodeSystems, under *base*.

    Publish them where a clinical system can find them (or load them into
    its validator). The package ships them for the default base, as JSON in
    ``backext/fhir/data/R4B`` and ``backext/fhir/data/R5``.

    Args:
        fhir_version: ``"R4B"`` or ``"R5"``.
        base: The base of the canonical URLs.

    Example:
        >>> from backext.fhir import conformance_resources
        >>> resources = conformance_resources(base="https://example.org/fhir")
        >>> len(resources), resources[0].url
        (6, 'https://example.org/fhir/StructureDefinition/exercise-repetitions')

    .. versionadded:: 0.1.0
    """
    fhir_version = check_version(fhir_version)
    urls = Urls(base)
    documents = [_structure_definition(spec, urls, fhir_version) for spec in EXTENSIONS.values()]
    documents.append(
        _code_system(
            "backext-session",
            urls.session_system,
            "backext session codes",
            [(code.value, display, definition) for code, (display, definition) in SESSION_CONCEPTS.items()],
        )
    )
    documents.append(_code_system("backext-red-flag", urls.red_flag_system, "backext red flags", red_flag_concepts()))
    return [resource(fhir_version, document) for document in documents]


def _file_name(document: dict[str, Any]) -> str:
    return f"{document['resourceType']}-{document['id']}.json"


def shipped_resources(fhir_version: FhirVersion = "R5") -> dict[str, dict[str, Any]]:
    """The conformance resources shipped for *fhir_version* (default base), by file name."""
    folder = resources.files("backext.fhir") / "data" / check_version(fhir_version)
    return {
        item.name: json.loads(item.read_text(encoding="utf-8"))
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if item.name.endswith(".json")
    }


def write_shipped(root: Any) -> None:
    """Write the conformance resources of every version into *root*, the package's ``data`` folder."""
    for fhir_version in FHIR_RELEASES:
        folder = root / fhir_version
        folder.mkdir(parents=True, exist_ok=True)
        for item in conformance_resources(fhir_version=fhir_version):  # type: ignore[arg-type]
            document = item.model_dump(mode="json")
            (folder / _file_name(document)).write_text(
                json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
            )
