"""Export: a pack, a person's state and session logs as FHIR resources of the version asked for."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from .._model import Exercise, Pack
from .._render import number
from .._session import SessionLog, in_order
from .._state import Prescription, State
from .._text import LocalizedText, Text
from ._models import check_version, resource
from ._terms import (
    DEFAULT_BASE,
    LOINC,
    LOINC_PAIN_SEVERITY,
    OBSERVATION_CATEGORY,
    PAIN_DISPLAY,
    SESSION_CONCEPTS,
    SNOMED,
    SNOMED_EXERCISE_THERAPY,
    TRANSLATION,
    UCUM,
    FhirVersion,
    SessionCode,
    Urls,
)
from ._words import dose_line


__all__ = ["BundleType", "export_bundle", "export_logs", "export_pack", "export_state", "resource_id"]

#: The kinds of Bundle backext writes.
BundleType = Literal["collection", "transaction"]

#: The namespace of backext's deterministic resource ids (UUID version 5).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, DEFAULT_BASE)


def resource_id(urls: Urls, *key: str) -> str:
    """The stable id of the resource named by *key* under *urls*: the same key always gives the same id."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([urls.base, *key])))


def _reference(resource_type: str, urls: Urls, *key: str) -> dict[str, str]:
    del resource_type  # the key starts with it; kept for the reader
    return {"reference": f"urn:uuid:{resource_id(urls, *key)}"}


def _tags(pack: Pack, parts: Iterable[Text | None]) -> list[str]:
    """The locale tags other than the pack's default that any of *parts* is translated into, in first-seen order."""
    seen: dict[str, str] = {}
    default = pack.default_locale.lower()
    for part in parts:
        if isinstance(part, LocalizedText):
            for tag in part:
                if tag.lower() != default:
                    seen.setdefault(tag.lower(), tag)
    return list(seen.values())


def _paragraphs(texts: Sequence[str]) -> str:
    return "\n\n".join(texts)


def _localized(
    fields: dict[str, Any],
    name: str,
    pack: Pack,
    parts: Sequence[Text],
    render: Callable[[Sequence[str]], str] = _paragraphs,
    locale: str | None = None,
) -> None:
    """Set *fields*\\[*name*] to *parts* rendered in *locale*; with no *locale*, in the pack's with translations."""
    fields[name] = render([pack.localize(part, locale) for part in parts])
    if locale is not None:
        return
    translations = [
        {
            "url": TRANSLATION,
            "extension": [
                {"url": "lang", "valueCode": tag},
                {"url": "content", "valueString": render([pack.localize(part, tag) for part in parts])},
            ],
        }
        for tag in _tags(pack, parts)
    ]
    if translations:
        fields[f"_{name}"] = {"extension": translations}


def _instructions(texts: Sequence[str]) -> str:
    """The starting position, then the steps as a numbered Markdown list."""
    position, *steps = texts
    return "\n\n".join([position, "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))])


def _hold(seconds: float) -> dict[str, Any]:
    return {"value": seconds, "unit": "s", "system": UCUM, "code": "s"}


def _dose_extensions(urls: Urls, hold_seconds: float, repetitions: int, sets: int) -> list[dict[str, Any]]:
    return [
        {"url": urls.extension("exercise-repetitions"), "valuePositiveInt": repetitions},
        {"url": urls.extension("exercise-sets"), "valuePositiveInt": sets},
        {"url": urls.extension("exercise-hold"), "valueQuantity": _hold(hold_seconds)},
    ]


def _exercise_therapy(text: str) -> dict[str, Any]:
    code, display = SNOMED_EXERCISE_THERAPY
    return {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": text}


def _canonical(url: str, version: str) -> str:
    return f"{url}|{version}"


def _activity_definition(pack: Pack, exercise: Exercise, urls: Urls, fhir_version: FhirVersion) -> Any:
    fields: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        "id": resource_id(urls, "ActivityDefinition", pack.id, exercise.id),
        "language": pack.default_locale,
        "extension": _dose_extensions(
            urls, exercise.hold.start_seconds, exercise.repetitions.minimum, exercise.repetitions.sets
        ),
        "url": urls.activity(pack.id, exercise.id),
        "version": pack.version,
        "status": "active",
        "kind": "ServiceRequest",
        "code": _exercise_therapy(pack.localize(exercise.name)),
    }
    _localized(fields, "title", pack, [exercise.name])
    _localized(fields, "purpose", pack, [exercise.purpose])
    _localized(
        fields, "description", pack, [exercise.starting_position, *(s.text for s in exercise.steps)], _instructions
    )
    if exercise.safety_notes:
        _localized(fields, "usage", pack, exercise.safety_notes)
    citations = [source for source in pack.sources if source.id in exercise.sources]
    if citations:
        fields["relatedArtifact"] = [
            {
                "type": "citation",
                "citation": source.citation,
                **({"document": {"url": source.url}} if source.url else {}),
            }
            for source in citations
        ]
    return resource(fhir_version, fields)


def _related(fhir_version: FhirVersion, target: str, relationship: str) -> dict[str, str]:
    """A related action (R4B names its target ``actionId``, R5 ``targetId``)."""
    return {"actionId" if fhir_version == "R4B" else "targetId": target, "relationship": relationship}


def _plan_definition(pack: Pack, urls: Urls, fhir_version: FhirVersion) -> Any:
    actions = []
    for exercise in pack.exercises:
        action: dict[str, Any] = {
            "id": exercise.id,
            "definitionCanonical": _canonical(urls.activity(pack.id, exercise.id), pack.version),
        }
        _localized(action, "title", pack, [exercise.name])
        related = []
        if exercise.progression.previous_exercise is not None:
            related.append(_related(fhir_version, exercise.progression.previous_exercise, "after"))
        if exercise.progression.next_exercise is not None:
            related.append(_related(fhir_version, exercise.progression.next_exercise, "before"))
        if related:
            action["relatedAction"] = related
        actions.append(action)
    fields: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": resource_id(urls, "PlanDefinition", pack.id),
        "language": pack.default_locale,
        "url": urls.plan(pack.id),
        "version": pack.version,
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                    "code": "clinical-protocol",
                    "display": "Clinical Protocol",
                }
            ]
        },
        "action": actions,
    }
    _localized(fields, "title", pack, [pack.title])
    if pack.disclaimer is not None:
        _localized(fields, "usage", pack, [pack.disclaimer])
    return resource(fhir_version, fields)


def export_pack(pack: Pack, *, fhir_version: FhirVersion = "R5", base: str = DEFAULT_BASE) -> list[Any]:
    """The pack as a ``PlanDefinition`` followed by one ``ActivityDefinition`` per exercise."""
    fhir_version = check_version(fhir_version)
    urls = Urls(base)
    return [
        _plan_definition(pack, urls, fhir_version),
        *(_activity_definition(pack, exercise, urls, fhir_version) for exercise in pack.exercises),
    ]


def _patient_instruction(pack: Pack, prescription: Prescription, locale: str | None) -> str:
    """The exercise's name, position and steps in *locale*, its variations in use, and the dose."""
    exercise = pack.exercise(prescription.exercise_id)
    steps = [
        pack.localize(exercise.starting_position, locale),
        *(pack.localize(s.text, locale) for s in exercise.steps),
    ]
    variations = [
        pack.localize(exercise.modification(modification_id).description, locale)
        for modification_id in prescription.modifications
    ]
    dose = dose_line(number(prescription.hold_seconds), prescription.repetitions, prescription.sets)
    return _paragraphs([pack.localize(exercise.name, locale), _instructions(steps), *variations, dose])


def export_state(
    pack: Pack,
    state: State,
    *,
    subject: str,
    days_per_week: int | None = None,
    locale: str | None = None,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
) -> list[Any]:
    """The state's prescription as a ``ServiceRequest``, and a ``CarePlan`` that holds it."""
    fhir_version = check_version(fhir_version)
    urls = Urls(base)
    if days_per_week is not None and (type(days_per_week) is not int or not 1 <= days_per_week <= 7):
        raise ValueError(f"days_per_week must be a whole number from 1 to 7, not {days_per_week!r}")
    prescription = state.prescription
    exercise = pack.exercise(prescription.exercise_id)
    status = "on-hold" if state.stopped else "active"
    request_key = ("ServiceRequest", subject, pack.id)
    instruction = _patient_instruction(pack, prescription, locale)
    code = _exercise_therapy(pack.localize(exercise.name, locale))
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": resource_id(urls, *request_key),
        "language": locale or pack.default_locale,
        "extension": [
            *_dose_extensions(urls, prescription.hold_seconds, prescription.repetitions, prescription.sets),
            *({"url": urls.extension("exercise-variation"), "valueCode": m} for m in prescription.modifications),
        ],
        "instantiatesCanonical": [_canonical(urls.activity(pack.id, exercise.id), pack.version)],
        "status": status,
        "intent": "order",
        "code": code if fhir_version == "R4B" else {"concept": code},
        "subject": {"reference": subject},
        "patientInstruction": instruction if fhir_version == "R4B" else [{"instructionMarkdown": instruction}],
    }
    if days_per_week is not None:
        request["occurrenceTiming"] = {"repeat": {"frequency": days_per_week, "period": 1, "periodUnit": "wk"}}
    reference = _reference("ServiceRequest", urls, *request_key)
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": resource_id(urls, "CarePlan", subject, pack.id),
        "language": locale or pack.default_locale,
        "instantiatesCanonical": [_canonical(urls.plan(pack.id), pack.version)],
        "status": status,
        "intent": "plan",
        "subject": {"reference": subject},
        "activity": [{"reference": reference} if fhir_version == "R4B" else {"plannedActivityReference": reference}],
    }
    _localized(care_plan, "title", pack, [pack.title], locale=locale or pack.default_locale)
    return [resource(fhir_version, request), resource(fhir_version, care_plan)]


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _session_code(urls: Urls, code: SessionCode) -> dict[str, Any]:
    return _coding(urls.session_system, code.value, SESSION_CONCEPTS[code][0])


def _log_observations(
    log: SessionLog, occurrence: int, urls: Urls, subject: str | None, fhir_version: FhirVersion
) -> list[Any]:
    key = ("Observation", subject or "", log.date.isoformat(), log.exercise_id, str(occurrence))
    common: dict[str, Any] = {"resourceType": "Observation", "status": "final"}
    if subject is not None:
        common["subject"] = {"reference": subject}

    def pain(role: str, rating: int, day: datetime.date) -> dict[str, Any]:
        return {
            **common,
            "id": resource_id(urls, *key, role),
            "code": _coding(LOINC, LOINC_PAIN_SEVERITY, PAIN_DISPLAY),
            "effectiveDateTime": day.isoformat(),
            "valueInteger": rating,
        }

    members = [pain("pain", log.pain, log.date)]
    if log.pain_next_day is not None:
        members.append(pain("pain-next-day", log.pain_next_day, log.date + datetime.timedelta(days=1)))
    members.extend(
        {
            **common,
            "id": resource_id(urls, *key, f"red-flag:{flag.value}"),
            "code": _coding(urls.red_flag_system, flag.value, flag.description),
            "effectiveDateTime": log.date.isoformat(),
            "valueBoolean": True,
        }
        for flag in in_order(log.red_flags)
    )
    category, category_code, category_display = OBSERVATION_CATEGORY
    session = {
        **common,
        "id": resource_id(urls, *key, "session"),
        "category": [_coding(category, category_code, category_display)],
        "code": _session_code(urls, SessionCode.SESSION),
        "effectiveDateTime": log.date.isoformat(),
        "hasMember": [{"reference": f"urn:uuid:{member['id']}"} for member in members],
        "component": [
            {"code": _session_code(urls, SessionCode.EXERCISE), "valueString": log.exercise_id},
            {"code": _session_code(urls, SessionCode.REPETITIONS_COMPLETED), "valueInteger": log.repetitions_completed},
            {"code": _session_code(urls, SessionCode.HOLD_SECONDS), "valueQuantity": _hold(log.hold_seconds)},
        ],
    }
    return [resource(fhir_version, fields) for fields in (session, *members)]


def export_logs(
    logs: Iterable[SessionLog],
    *,
    subject: str | None = None,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
) -> list[Any]:
    """Session logs as ``Observation``\\ s: for each log, the session, then its pain ratings and red flags."""
    fhir_version = check_version(fhir_version)
    urls = Urls(base)
    seen: Counter[tuple[datetime.date, str]] = Counter()
    observations: list[Any] = []
    for log in logs:
        if not isinstance(log, SessionLog):
            raise TypeError(f"logs must be SessionLog objects, not {type(log).__name__}")
        occurrence = seen[log.date, log.exercise_id]
        seen[log.date, log.exercise_id] += 1
        observations.extend(_log_observations(log, occurrence, urls, subject, fhir_version))
    return observations


def export_bundle(
    pack: Pack,
    *,
    state: State | None = None,
    logs: Iterable[SessionLog] = (),
    subject: str | None = None,
    days_per_week: int | None = None,
    locale: str | None = None,
    bundle_type: BundleType = "collection",
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
) -> Any:
    """One ``Bundle`` of the pack, the state's prescription and the session logs."""
    fhir_version = check_version(fhir_version)
    if bundle_type not in ("collection", "transaction"):
        raise ValueError(f"bundle_type must be 'collection' or 'transaction', not {bundle_type!r}")
    resources = export_pack(pack, fhir_version=fhir_version, base=base)
    if state is not None:
        if subject is None:
            raise ValueError("a ServiceRequest needs a subject: pass subject='Patient/...' with a state")
        resources += export_state(
            pack,
            state,
            subject=subject,
            days_per_week=days_per_week,
            locale=locale,
            fhir_version=fhir_version,
            base=base,
        )
    resources += export_logs(logs, subject=subject, fhir_version=fhir_version, base=base)
    entries: list[dict[str, Any]] = []
    for item in resources:
        entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{item.id}", "resource": item}
        if bundle_type == "transaction":
            entry["request"] = {"method": "PUT", "url": f"{item.get_resource_type()}/{item.id}"}
        entries.append(entry)
    return resource(
        fhir_version,
        {
            "resourceType": "Bundle",
            "id": resource_id(Urls(base), "Bundle", bundle_type, *(item.id for item in resources)),
            "type": bundle_type,
            "entry": entries,
        },
    )
