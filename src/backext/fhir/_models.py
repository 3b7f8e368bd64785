"""The one place that imports ``fhir.resources``: its models, by FHIR version."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, get_args

from ._terms import FhirVersion


__all__ = ["MODULES", "check_version", "model_class", "resource"]

try:
    import fhir.resources  # noqa: F401 - fail here, with a message, when the extra is missing
except ImportError as error:  # pragma: no cover - the tests run with the extra installed
    raise ImportError(
        "backext.fhir needs the fhir extra: pip install 'backext[fhir]' (it brings fhir.resources 8)"
    ) from error

#: The ``fhir.resources`` package of each FHIR version.
MODULES: dict[str, str] = {"R4B": "fhir.resources.R4B", "R5": "fhir.resources"}


def check_version(fhir_version: object) -> FhirVersion:
    """*fhir_version* if backext writes and reads it; :class:`ValueError` if not."""
    if fhir_version not in get_args(FhirVersion):
        raise ValueError(f"fhir_version must be 'R4B' or 'R5', not {fhir_version!r}")
    return fhir_version  # type: ignore[return-value]


def model_class(fhir_version: FhirVersion, name: str) -> Any:
    """The ``fhir.resources`` model class of the resource or type *name* in *fhir_version*."""
    module = importlib.import_module(MODULES[fhir_version])
    return module.get_fhir_model_class(name)


def resource(fhir_version: FhirVersion, fields: Mapping[str, Any]) -> Any:
    """Build (and so validate) the resource *fields* describe, ``resourceType`` included."""
    return model_class(fhir_version, fields["resourceType"]).model_validate(dict(fields))
