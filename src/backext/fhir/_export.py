"""Export: a pack, a person's state and session logs as FHIR resources of the version asked for."""

from __future__ import annotations

import datetime
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from backext._engine import session_on
from backext._i18n import N_, parse_locale, well_formed
from backext._model import Exercise, Pack, ensure_pack
from backext._reconcile import reconcile, state_exercise
from backext._rules import DEFAULT_RULES, Rules
from backext._session import SessionLog, in_order
from backext._state import Prescription, State
from backext._text import LocalizedText, Text
from backext._wrong import DAYS_PER_WEEK, WordedError, refused_value

from ._models import check_version, resource
from ._terms import (
    ABSOLUTE_URL,
    DEFAULT_BASE,
    LOINC,
    LOINC_PAIN_SEVERITY,
    OBSERVATION_CATEGORY,
    PAIN_DISPLAY,
    PHYSICAL_ACTIVITY_CATEGORY,
    SESSION_CONCEPTS,
    SNOMED,
    SNOMED_EXERCISE_THERAPY,
    TRANSLATION,
    UCUM,
    FhirVersion,
    SessionCode,
    Urls,
    web_or_other,
)
from ._words import dose_line, paused_lines, resume_line


__all__ = ["BundleType", "export_bundle", "export_logs", "export_pack", "export_state", "resource_id"]

#: The kinds of Bundle backext writes.
BundleType = Literal["collection", "transaction"]

#: The namespace of backext's deterministic resource ids (UUID version 5).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, DEFAULT_BASE)


def resource_id(urls: Urls, *key: str) -> str:
    """The stable id of the resource named by *key* under *urls*: the same key always gives the same id."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([urls.base, *key])))


def _reference(urls: Urls, *key: str) -> dict[str, str]:
    """A reference, within a Bundle, to the resource named by *key*."""
    return {"reference": f"urn:uuid:{resource_id(urls, *key)}"}


#: A FHIR literal reference to the person: ``Type/id`` (a FHIR id: 1 to 64 letters, digits, hyphens and dots),
#: relative or under an absolute base, or a ``urn:uuid:`` or ``urn:oid:`` of a resource in the same Bundle.
_REFERENCE = re.compile(
    r"(?P<base>[A-Za-z][A-Za-z0-9+.-]*://[^\s/]+(?:/[^\s/]+)*/)?(?:Patient|Group)/[A-Za-z0-9.-]{1,64}"
    r"(?:/_history/[A-Za-z0-9.-]{1,64})?"
    r"|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|urn:oid:[0-2](?:\.(?:0|[1-9][0-9]*))+"
)


def _check_subject(subject: object) -> None:
    """Refuse a *subject* that is not a literal reference to a person, under a base a browser reads as written.

    A person is a Patient or a Group: what a ServiceRequest and a CarePlan may both be about.
    """
    found = _REFERENCE.fullmatch(subject) if type(subject) is str else None
    base = found["base"] if found is not None else None
    if subject is not None and (found is None or (base and not (ABSOLUTE_URL.fullmatch(base) and web_or_other(base)))):
        raise WordedError(
            N_("the subject must be a reference such as 'Patient/123', not {value}"),
            {"value": repr(str(subject)[:100])},
        )


def _check_locale(locale: object) -> None:
    """Refuse a *locale* that is not a BCP 47 tag as a FHIR resource writes it (``de-DE``, not ``de_DE``)."""
    if locale is None or (type(locale) is str and well_formed(locale)):
        return
    if type(locale) is str:
        parse_locale(locale)  # a malformed tag: said as everywhere else, with a did-you-mean where the fix is plain
    from backext._suggest import locale_meant  # noqa: PLC0415

    raise WordedError(
        N_("locale must be a BCP 47 tag such as 'de' or 'fr-CA', not {value}{hint}"),
        {"value": repr(str(locale)[:100]), "hint": locale_meant(locale) if type(locale) is str else ""},
    )


def _written_in(pack: Pack, locale: str | None, texts: Iterable[Text]) -> str | None:
    """The locale the resources are written in for *locale*: itself if every one of *texts* is in it, else the pack's.

    A resource says its language once (``Resource.language``), and a receiving system trusts it: one some of whose
    texts would fall back to the pack's default language, among words in another, is written in the pack's
    language throughout.
    """
    if locale is None:
        return None
    primary = locale.split("-", 1)[0].lower()
    for text in texts:
        if isinstance(text, LocalizedText):
            tag, _ = text.resolve_tagged(locale, default_locale=pack.default_locale)
        else:
            tag = pack.default_locale
        if tag.split("-", 1)[0].lower() != primary:
            return pack.default_locale
    return locale


def _state_texts(pack: Pack, state: State) -> list[Text]:
    """The pack's texts that the resources of *state* hold: the exercise's, the variations' in use, the title."""
    exercise = pack.exercise(state.prescription.exercise_id) if _known(pack, state) else None
    if exercise is None:
        return [pack.title]
    used = [m for m in exercise.modifications if m.id in state.prescription.modifications]
    return [pack.title, exercise.name, exercise.starting_position, *(s.text for s in exercise.steps)] + [
        m.description for m in used
    ]


def _known(pack: Pack, state: State) -> bool:
    try:
        pack.exercise(state.prescription.exercise_id)
    except KeyError:
        return False
    return True


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
    *,
    locale: str | None = None,
) -> None:
    """Set the element *name* to *parts* rendered in *locale*; with no *locale*, in the pack's with translations."""
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
    """The pack as a ``PlanDefinition`` followed by one ``ActivityDefinition`` per exercise.

    The PlanDefinition has one action per exercise, pointing at its
    ActivityDefinition by canonical URL and version, and the ladder of
    levels as related actions (``before`` the next exercise, ``after`` the
    previous one). Each ActivityDefinition is coded SNOMED CT 229065009
    (exercise therapy) and holds the starting dose in backext's extensions
    and the starting position and steps as Markdown in ``description``.
    Texts are in the pack's default locale, with every translation the pack
    has in FHIR's ``translation`` extension.

    Args:
        pack: The pack.
        fhir_version: ``"R4B"`` or ``"R5"``.
        base: The base of the canonical URLs.

    Returns:
        ``fhir.resources`` models of *fhir_version*, validated.

    Example:
        >>> import backext
        >>> from backext.fhir import export_pack
        >>> plan, *activities = export_pack(backext.builtin_pack(), fhir_version="R4B")
        >>> [action.relatedAction[0].relationship for action in plan.action]
        ['before', 'after', 'after']
        >>> activities[0].code.coding[0].code
        '229065009'

    .. versionadded:: 0.1.0
    """
    ensure_pack(pack)
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
    dose = dose_line(prescription, locale, pack.default_locale)
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
    on: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> list[Any]:
    """The state's prescription as a ``ServiceRequest``, and a ``CarePlan`` that holds it.

    The prescription is the one the engine gives for the pack as it is now:
    a state stored against another version is brought within its limits
    first, and with *on*, the one it allows for a session that day (a
    variation whose clearance has ended is dropped, a long break steps the
    dose back), as :func:`~backext.handout` shows it.

    The ServiceRequest instantiates the exercise's ActivityDefinition; it
    carries the dose (repetitions, sets, hold, variations) in backext's
    extensions, the training days in ``occurrenceTiming`` and the
    instructions in ``patientInstruction``, in *locale*. It is ``active``,
    or ``on-hold`` while the engine is stopped (or, on the day *on*, until the
    day a clinician's clearance lets sessions resume: the dose is the one to
    resume at, and the instruction begins with that day). A stopped state's
    instruction gives no steps and no dose, and its request carries no dose
    extensions: it tells the person not to do the exercise until a
    clinician has examined them, as the handout does.
    The CarePlan instantiates
    the pack's PlanDefinition and lists the ServiceRequest as its activity.

    Args:
        pack: The pack the state belongs to.
        state: The person's state.
        subject: A literal reference to the person: ``"Patient/123"`` (or
            a ``Group``, with a FHIR id), the same under an absolute base,
            or a ``urn:uuid:`` or ``urn:oid:`` of a resource in the same
            Bundle.
        days_per_week: Training days a week (1 to 7), if the app knows them.
        locale: The person's locale for the instructions; default: the
            pack's. If the pack has no texts in it (nor in a shorter
            prefix of it), the resources are written wholly in the pack's
            default locale and say so in ``language``.
        fhir_version: ``"R4B"`` or ``"R5"``.
        base: The base of the canonical URLs.
        on: The day the prescription is for; ``None``: the state's as it
            stands, brought within the pack.
        rules: The engine's rules the state is checked and brought to *on*
            with.

    Raises:
        ValueError: If *days_per_week* is not a whole number from 1 to 7,
            *subject* is not a literal reference or *locale* is not a BCP 47
            tag.
        SessionError: If the state belongs to another pack, or *on* is
            before its last session.
        UnknownIdError: If the pack no longer has the state's exercise, a
            stopped state's too (its stop stands, but there is no exercise
            of the pack to put on hold: once a clinician's clearance is
            recorded, start the person on an exercise of the pack).
        StateError: If the state does not fit the very pack version it was
            stored against.

    Example:
        >>> import backext
        >>> from backext.fhir import export_state
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> request, care_plan = export_state(
        ...     pack, state, subject="Patient/123", days_per_week=3
        ... )
        >>> repeat = request.occurrenceTiming.repeat
        >>> repeat.frequency, repeat.periodUnit
        (3, 'wk')
        >>> [extension.url.rsplit("/", 1)[1] for extension in request.extension]
        ['exercise-repetitions', 'exercise-sets', 'exercise-hold']

    .. versionadded:: 0.1.0
    """
    ensure_pack(pack)
    fhir_version = check_version(fhir_version)
    urls = Urls(base)
    _check_subject(subject)
    _check_locale(locale)
    if on is not None and type(on) is not datetime.date:
        raise TypeError(f"on must be a datetime.date or None, not {type(on).__name__}")
    if not isinstance(rules, Rules):
        raise TypeError(f"rules must be a backext.Rules, not {type(rules).__name__}")
    locale = _written_in(pack, locale, _state_texts(pack, _prescribed(pack, state, on, rules)[0]))
    if days_per_week is not None and (type(days_per_week) is not int or not 1 <= days_per_week <= 7):
        raise WordedError(DAYS_PER_WEEK, {"value": refused_value(days_per_week)})
    held = state.stopped or (on is not None and state.stopped_on(on))  # stopped, or cleared from a later day
    state, prescription = _prescribed(pack, state, on, rules)
    exercise = state_exercise(pack, state)
    status = "on-hold" if held else "active"
    request_key = ("ServiceRequest", subject, pack.id)
    if state.stopped:  # no steps and no dose: the person is to do none of it until a clinician has seen them
        instruction = _paragraphs([pack.localize(exercise.name, locale), *paused_lines(locale, pack.default_locale)])
    else:
        instruction = _patient_instruction(pack, prescription, locale)
        if held and state.resume_on is not None:  # cleared from a later day: the dose is the one to resume at
            instruction = _paragraphs([resume_line(state.resume_on, locale, pack.default_locale), instruction])
    code = _exercise_therapy(pack.localize(exercise.name, locale))
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": resource_id(urls, *request_key),
        "language": locale or pack.default_locale,
        "instantiatesCanonical": [_canonical(urls.activity(pack.id, exercise.id), pack.version)],
        "status": status,
        "intent": "order",
        "category": [_coding(*PHYSICAL_ACTIVITY_CATEGORY)],
        "code": code if fhir_version == "R4B" else {"concept": code},
        "subject": {"reference": subject},
        "patientInstruction": instruction if fhir_version == "R4B" else [{"instructionMarkdown": instruction}],
    }
    if not state.stopped:  # a stopped person has no dose: the one to resume at is the clinician's to set
        request["extension"] = [
            *_dose_extensions(urls, prescription.hold_seconds, prescription.repetitions, prescription.sets),
            *({"url": urls.extension("exercise-variation"), "valueCode": m} for m in prescription.modifications),
        ]
    if days_per_week is not None:
        request["occurrenceTiming"] = {"repeat": {"frequency": days_per_week, "period": 1, "periodUnit": "wk"}}
    reference = _reference(urls, *request_key)
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


def _prescribed(pack: Pack, state: State, on: datetime.date | None, rules: Rules) -> tuple[State, Prescription]:
    """The state brought within *pack* (to the day *on*, if given), and what it prescribes; a stopped state as it is."""
    if state.stop is not None:
        state = reconcile(pack, state, None, rules)[0]
        return state, state.prescription
    if on is None:
        state = reconcile(pack, state, None, rules)[0]
        return state, state.prescription
    before_last = N_("the export's day ({day}) is before the state's last session ({last})")
    brought, prescription = session_on(pack, state, on, rules, before_last)
    return brought, brought.prescription if prescription is None else prescription


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
        if log.date == datetime.date.max:
            raise ValueError(f"the day after {log.date} cannot be written: its next-day pain has no date")
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
    """Session logs as ``Observation`` resources: for each log, the session, then its pain ratings and red flags.

    The session Observation (backext's code ``exercise-session``) holds the
    exercise, the repetitions completed and the hold achieved as components
    and lists the others in ``hasMember``: pain during the session and, if
    known, the next day's pain (LOINC 72514-3, dated the session's day and
    the day after), and one Observation per red flag (backext's red-flag
    codes, ``valueBoolean`` true). :func:`import_logs` reads them back.

    Args:
        logs: The session logs.
        subject: A literal reference to the person: ``"Patient/123"`` (or
            a ``Group``, with a FHIR id), the same under an absolute base,
            or a ``urn:uuid:`` or ``urn:oid:`` of a resource in the same
            Bundle.
        fhir_version: ``"R4B"`` or ``"R5"``.
        base: The base of the canonical URLs.

    Example:
        >>> import datetime, backext
        >>> from backext.fhir import export_logs
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=10, hold_seconds=5, pain=2, pain_next_day=1,
        ... )
        >>> session, pain, next_day = export_logs([log], subject="Patient/123")
        >>> pain.code.coding[0].code, pain.valueInteger, str(next_day.effectiveDateTime)
        ('72514-3', 2, '2026-01-06')

    .. versionadded:: 0.1.0
    """
    fhir_version = check_version(fhir_version)
    urls = Urls(base)
    _check_subject(subject)
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
    pack: Pack | None = None,
    *,
    state: State | None = None,
    logs: Iterable[SessionLog] = (),
    subject: str | None = None,
    days_per_week: int | None = None,
    locale: str | None = None,
    bundle_type: BundleType = "collection",
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
    on: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Any:
    """One ``Bundle`` of the pack, the state's prescription and the session logs.

    Every resource has a stable id, a UUID derived from *base* and what the
    resource is (the pack and exercise; the subject and pack; the subject,
    day, exercise and role of an observation), so that exporting again gives
    the same ids. Entries are named ``urn:uuid:<id>`` and refer to each
    other that way. A ``transaction`` bundle puts each resource with ``PUT
    Type/id``, so that sending it again updates rather than duplicates.

    Args:
        pack: The pack (a PlanDefinition and its ActivityDefinitions), if
            the bundle is to hold it; needed with *state*.
        state: A person's state, for a ServiceRequest and a CarePlan.
        logs: Session logs, for Observations.
        subject: A reference to the person; needed with *state*.
        days_per_week: Training days a week, for the ServiceRequest.
        locale: The person's locale, for the ServiceRequest's instructions.
        bundle_type: ``"collection"`` or ``"transaction"``.
        fhir_version: ``"R4B"`` or ``"R5"``.
        base: The base of the canonical URLs.
        on: The day the state's prescription is for (see
            :func:`export_state`).
        rules: The engine's rules, for the state.

    Raises:
        ValueError: If *state* is given without *pack* or *subject*, or an argument
            has a value not listed here.
        SessionError: As :func:`export_state` raises it.

    Example:
        >>> import backext
        >>> from backext.fhir import export_bundle
        >>> bundle = export_bundle(backext.builtin_pack(), bundle_type="transaction")
        >>> [entry.resource.get_resource_type() for entry in bundle.entry]
        ['PlanDefinition', 'ActivityDefinition', 'ActivityDefinition', 'ActivityDefinition']
        >>> bundle.entry[0].request.method
        'PUT'

    .. versionadded:: 0.1.0
    """
    if pack is not None:
        ensure_pack(pack)
    _check_locale(locale)  # with a pack alone too: a locale is never taken in silence
    fhir_version = check_version(fhir_version)
    if bundle_type not in ("collection", "transaction"):
        raise ValueError(f"bundle_type must be 'collection' or 'transaction', not {bundle_type!r}")
    resources = [] if pack is None else export_pack(pack, fhir_version=fhir_version, base=base)
    if state is not None:
        if pack is None:
            raise ValueError("a state is exported with its pack: pass the pack too")
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
            on=on,
            rules=rules,
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
