"""Exchange with clinical systems: backext's content and records as HL7 FHIR R4B or R5 resources.

Needs the ``fhir`` extra (``pip install "backext[fhir]"``), which brings
`fhir.resources <https://pypi.org/project/fhir.resources/>`_ 8; this
package is the only part of backext that imports it, and ``import
backext`` does not import this package.

- :func:`export_pack`: a pack as a ``PlanDefinition`` and one
  ``ActivityDefinition`` per exercise;
- :func:`export_state`: a person's prescription as a ``ServiceRequest``
  and a ``CarePlan``;
- :func:`export_logs`: session logs as ``Observation`` resources;
- :func:`export_bundle`: all of it in one ``Bundle``;
- :func:`import_logs`: session ``Observation`` resources back to
  :class:`~backext.SessionLog` objects;
- :func:`conformance_resources`: the StructureDefinitions and CodeSystems
  of backext's own terms.

Every function takes ``fhir_version`` (``"R4B"`` or ``"R5"``, default
``"R5"``) and ``base``, the base of backext's canonical URLs
(:data:`DEFAULT_BASE` unless the app publishes the definitions elsewhere),
and returns validated ``fhir.resources`` models; ``model_dump_json()``
writes them as FHIR JSON.

Example:
    >>> import backext
    >>> from backext.fhir import export_bundle
    >>> bundle = export_bundle(backext.builtin_pack(), fhir_version="R4B")
    >>> bundle.type, len(bundle.entry)
    ('collection', 4)

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from ._definitions import conformance_resources
from ._export import BundleType, export_bundle, export_logs, export_pack, export_state
from ._import import FhirError, import_logs
from ._models import MODULES as _MODULES  # first: a clear ImportError without the extra
from ._terms import DEFAULT_BASE, FhirVersion


__all__ = [
    "DEFAULT_BASE",
    "BundleType",
    "FhirError",
    "FhirVersion",
    "conformance_resources",
    "export_bundle",
    "export_logs",
    "export_pack",
    "export_state",
    "import_logs",
]

for _name in (
    "FhirError",
    "conformance_resources",
    "export_bundle",
    "export_logs",
    "export_pack",
    "export_state",
    "import_logs",
):
    globals()[_name].__module__ = __name__
del _name, _MODULES
