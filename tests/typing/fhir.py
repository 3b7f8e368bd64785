"""Checked by mypy (``nox -s mypy``), never run: backext.fhir's API types as documented."""

from __future__ import annotations

import datetime

import backext
from backext import fhir


pack = backext.builtin_pack()
state = backext.start(pack, "forearm-press-up")
log = backext.SessionLog(
    date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up", repetitions_completed=10, hold_seconds=5, pain=0
)
version: fhir.FhirVersion = "R4B"
kind: fhir.BundleType = "transaction"
bundle = fhir.export_bundle(
    pack,
    state=state,
    logs=[log],
    subject="Patient/1",
    days_per_week=3,
    locale="de",
    bundle_type=kind,
    fhir_version=version,
    base=fhir.DEFAULT_BASE,
)
as_json: str = bundle.model_dump_json(indent=2)
resources: list[object] = [
    *fhir.export_pack(pack, fhir_version="R5"),
    *fhir.export_state(pack, state, subject="Patient/1"),
    *fhir.export_logs([log]),
    *fhir.conformance_resources(base="https://example.org/fhir"),
]
logs: list[backext.SessionLog] = fhir.import_logs(as_json, fhir_version=version, name="upload.json")
try:
    fhir.import_logs([{"resourceType": "Observation"}])
except fhir.FhirError as error:
    problems: tuple[backext.Problem, ...] = error.problems
    also: backext.BackextError = error
