"""The codes, canonical URLs and extensions of the FHIR mapping: one place for each.

Everything here is data. The export writes it, the import reads it, and the
StructureDefinitions and CodeSystems that backext ships are generated from
it (see :mod:`backext.fhir._definitions`).
"""

from __future__ import annotations

import enum
import re
from typing import Literal

import attrs

from backext._i18n import N_
from backext._session import RedFlag
from backext._wrong import WordedError


__all__ = [
    "DEFAULT_BASE",
    "EXTENSIONS",
    "LOINC",
    "LOINC_PAIN_SEVERITY",
    "OBSERVATION_CATEGORY",
    "PAIN_DISPLAY",
    "PHYSICAL_ACTIVITY_CATEGORY",
    "SESSION_CONCEPTS",
    "SNOMED",
    "SNOMED_EXERCISE_THERAPY",
    "TRANSLATION",
    "UCUM",
    "ExtensionSpec",
    "FhirVersion",
    "SessionCode",
    "Urls",
    "red_flag_concepts",
]

#: The FHIR versions backext writes and reads.
FhirVersion = Literal["R4B", "R5"]

#: The ``fhirVersion`` of each supported FHIR version.
FHIR_RELEASES: dict[str, str] = {"R4B": "4.3.0", "R5": "5.0.0"}

#: The base of backext's own canonical URLs unless the app chooses another.
DEFAULT_BASE = "https://backext.readthedocs.io/fhir"

SNOMED = "http://snomed.info/sct"
SNOMED_EXERCISE_THERAPY = ("229065009", "Exercise therapy")
LOINC = "http://loinc.org"
LOINC_PAIN_SEVERITY = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
UCUM = "http://unitsofmeasure.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
#: HL7's observation category code system, and its code for physical activity.
OBSERVATION_CATEGORY = ("http://terminology.hl7.org/CodeSystem/observation-category", "activity", "Activity")


#: The category that the Physical Activity IG's ServiceRequest profile requires (its slice ``PA``).
PHYSICAL_ACTIVITY_CATEGORY = (
    "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes",
    "PhysicalActivity",
    "Physical Activity",
)


class SessionCode(enum.Enum):
    """The codes of backext's session CodeSystem (``{base}/CodeSystem/session``)."""

    SESSION = "exercise-session"
    EXERCISE = "exercise"
    REPETITIONS_COMPLETED = "repetitions-completed"
    HOLD_SECONDS = "hold-seconds"


#: (display, definition) of each session code.
SESSION_CONCEPTS: dict[SessionCode, tuple[str, str]] = {
    SessionCode.SESSION: (
        "Exercise session",
        "One session of a prescribed exercise as the person reported it, grouping its pain ratings and red flags.",
    ),
    SessionCode.EXERCISE: ("Exercise", "The id of the exercise done, as the pack names it."),
    SessionCode.REPETITIONS_COMPLETED: (
        "Repetitions completed",
        "Repetitions completed in the session, all sets together.",
    ),
    SessionCode.HOLD_SECONDS: ("Hold achieved", "The hold achieved in the repetitions, in seconds."),
}


def red_flag_concepts() -> list[tuple[str, str, str]]:
    """(code, display, definition) of each red flag, from :class:`~backext.RedFlag`."""
    return [
        (
            flag.value,
            flag.description,
            f"The person reported {flag.description}: stop exercising and contact a clinician.",
        )
        for flag in RedFlag
    ]


@attrs.frozen
class ExtensionSpec:
    """One of backext's extensions: what it holds and where it goes."""

    name: str
    title: str
    value_type: str
    definition: str
    contexts: tuple[str, ...]
    repeats: bool = False


#: backext's extensions: FHIR has no element for repetitions, sets, holds or variations.
EXTENSIONS: dict[str, ExtensionSpec] = {
    spec.name: spec
    for spec in (
        ExtensionSpec(
            "exercise-repetitions",
            "Repetitions per set",
            "positiveInt",
            "The repetitions in each set of an exercise session.",
            ("ActivityDefinition", "ServiceRequest"),
        ),
        ExtensionSpec(
            "exercise-sets",
            "Sets per session",
            "positiveInt",
            "The sets in one exercise session.",
            ("ActivityDefinition", "ServiceRequest"),
        ),
        ExtensionSpec(
            "exercise-hold",
            "Hold per repetition",
            "Quantity",
            "How long each repetition is held, in seconds (UCUM code s).",
            ("ActivityDefinition", "ServiceRequest"),
        ),
        ExtensionSpec(
            "exercise-variation",
            "Variation in use",
            "code",
            "The id of a variation of the exercise in use, as the pack names it.",
            ("ServiceRequest",),
            repeats=True,
        ),
    )
}


#: An absolute URL that canonical URLs can go under: no white space, query, fragment or characters URLs escape.
ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s?#\"<>\\{}|^`]+$")


def web_or_other(url: str) -> bool:
    """Whether *url*, if it is an ``http`` or ``https`` one, is a web address a browser opens as written."""
    from backext._addresses import WEB_SCHEMES, web_address  # noqa: PLC0415

    return not url.lower().startswith(WEB_SCHEMES) or web_address(url)


def _base(value: object) -> str:
    """*value* without a trailing slash, if it is an absolute URL; :class:`ValueError` if not."""
    if not isinstance(value, str) or not ABSOLUTE_URL.fullmatch(value) or not web_or_other(value):
        shown = value[:100] if isinstance(value, str) else type(value).__name__
        raise WordedError(
            N_(
                "the base must be an absolute URL with no spaces, query or fragment, whose host a browser reads as"
                " written, such as https://example.org/fhir, not {value}"
            ),
            {"value": repr(shown)},
        )
    return value.rstrip("/")


@attrs.frozen
class Urls:
    """backext's canonical URLs under one base.

    Attributes:
        base: The base URL, without a trailing slash.
    """

    base: str = attrs.field(converter=_base)

    def extension(self, name: str) -> str:
        """The canonical URL of the extension *name*."""
        return f"{self.base}/StructureDefinition/{name}"

    @property
    def session_system(self) -> str:
        """The URL of the session CodeSystem."""
        return f"{self.base}/CodeSystem/session"

    @property
    def red_flag_system(self) -> str:
        """The URL of the red-flag CodeSystem."""
        return f"{self.base}/CodeSystem/red-flag"

    def plan(self, pack_id: str) -> str:
        """The canonical URL of a pack's PlanDefinition."""
        return f"{self.base}/PlanDefinition/{pack_id}"

    def activity(self, pack_id: str, exercise_id: str) -> str:
        """The canonical URL of an exercise's ActivityDefinition."""
        return f"{self.base}/ActivityDefinition/{pack_id}/{exercise_id}"
