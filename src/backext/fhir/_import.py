"""Import: session Observations (a Bundle, or a list of resources) back to :class:`~backext.SessionLog` objects."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from backext._conditions import is_slug
from backext._constraints import ID_MESSAGE
from backext._i18n import N_, N_plural
from backext._limits import COUNTED_PAST_THE_LIMIT, DEFAULT_LIMITS, Limits, Unreported, shorten, truncate_problems
from backext._messages import Message, Value
from backext._problems import Problem, escape_pointer, located, problem
from backext._session import RedFlag, SessionLog
from backext._wrong import json_type
from backext.exceptions import BackextError

from ._models import check_version, model_class
from ._terms import DEFAULT_BASE, LOINC, LOINC_PAIN_SEVERITY, UCUM, FhirVersion, SessionCode, Urls


__all__ = ["FhirError", "import_logs"]

#: The largest document read from text, in bytes.
_MAX_BYTES = 16 << 20

#: Observation statuses that mean "this did not happen, or was withdrawn": such observations are skipped.
_WITHDRAWN = frozenset({"entered-in-error", "cancelled"})

#: Every Observation status of each FHIR version (the value set is required: any other code is not FHIR).
_STATUSES: Mapping[str, frozenset[str]] = {
    "R4B": frozenset(
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
    ),
    "R5": frozenset(
        {
            "registered",
            "specimen-in-process",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "appended",
            "cancelled",
            "entered-in-error",
            "unknown",
            "cannot-be-obtained",
        }
    ),
}

_SECONDS = {"s": 1, "min": 60}

#: The units a pain rating's Quantity may name (UCUM's unity and score), or none.
_SCORES = (None, "1", "{score}")

#: Units a Quantity's ``unit`` (for people) may name, by the UCUM unit they are: a unit among these that is not the
#: ``code``'s says something else (``2 min`` coded ``s``). A label not among them (``Sekunden``) names no other.
_UNIT_NAMES = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), "s"),
    **dict.fromkeys(("min", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hr", "hour", "hours"), "h"),
    **dict.fromkeys(("ms", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("1", "{score}", "score", "points"), "{score}"),
    **{unit: unit for unit in ("mm", "cm", "m", "%", "kg", "g", "lb", "mg")},
}


def _agrees(quantity: Any) -> bool:
    """Whether *quantity*'s ``unit``, if it gives one beside its ``code``, says the same (``2 min`` coded ``s``: no)."""
    code, unit = quantity.code, quantity.unit
    if code is None or unit is None or unit == code:
        return True
    named = _UNIT_NAMES.get(unit.strip().lower())
    return named is None or named == _UNIT_NAMES.get(code, code)


def _shown_unit(quantity: Any) -> str:
    """What names *quantity*'s unit, as a message quotes it.

    A unit at odds with its code, else the code or the unit, else the system (a system alone names no unit).
    """
    if not _agrees(quantity):
        return str(quantity.unit)
    return str(quantity.code or quantity.unit or quantity.system)


class FhirError(BackextError, ValueError):
    """FHIR resources could not be read back as session logs.

    It lists every problem at once, each with a JSON Pointer into the
    document given (``/entry/3/resource/valueInteger``) and a stable code
    (see :ref:`fhir-problems`).

    Attributes:
        problems: Every problem found, in document order.
        source: What the resources came from, such as ``"<bundle>"``.

    Example:
        >>> from backext.fhir import FhirError, import_logs
        >>> try:
        ...     import_logs({"resourceType": "Patient"})
        ... except FhirError as error:
        ...     problem = error.problems[0]
        ...     print(problem.path, problem.code)
        /resourceType not-a-bundle

    .. versionadded:: 0.1.0
    """

    problems: tuple[Problem, ...]
    source: str

    def __init__(self, problems: Sequence[Problem], source: str = "<bundle>") -> None:
        self.problems = tuple(problems)
        self.source = source
        count = len(self.problems)
        lines = [f"{source}: cannot read the session logs, {count} problem{'' if count == 1 else 's'}:"]
        lines.extend(f"  {located(source, problem)}" for problem in self.problems)
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[type[FhirError], tuple[tuple[Problem, ...], str]]:
        return (type(self), (self.problems, self.source))


@attrs.define(eq=False)
class _Found:
    """An Observation read, where it was, and what it is."""

    pointer: str
    model: Any
    names: frozenset[str]  # the ways a reference may name it: its fullUrl, Type/id


@attrs.define(eq=False)
class _Session:
    found: _Found
    date: datetime.date | None  # None, or values None: the session could not be read (its problems are reported)
    values: dict[str, Any] | None
    places: dict[str, tuple[str, str]] = attrs.Factory(dict)  # field: (pointer of its value, its component's code)
    pain: int | None = None
    pain_next_day: int | None = None
    red_flags: set[RedFlag] = attrs.Factory(set)
    pain_refused: bool = False  # a rating of its day or the next could not be read (its problem is said)


class _Reader:
    def __init__(self, fhir_version: FhirVersion, urls: Urls) -> None:
        self.fhir_version = fhir_version
        self.urls = urls
        self.problems: list[Problem] = []
        self.unreported = 0
        self.counted_all = True  # False once problems past the most listed are no longer looked for
        # What was refused, so that what it leaves behind is not reported again: a pain rating or red flag of
        # no session may be the refused session's, a member not found or a session with no pain the refused rating.
        self.unread_session = self.unread_pain = False
        self.unread_names: set[str] = set()

    def problem(
        self,
        pointer: str,
        code: str,
        template: str | tuple[str, str],
        values: Mapping[str, Value] | None = None,
        count: int | None = None,
    ) -> None:
        """Report the problem *code* at *pointer*: its message *template* (marked with ``N_``) filled with *values*.

        A plural pair (marked with ``N_plural``) is chosen by *count*.
        """
        if len(self.problems) >= DEFAULT_LIMITS.max_problems:  # past the most listed: counted, never built
            self.unreported += 1
            return
        self.problems.append(problem(pointer, code, template, values, count=count))

    # -- the document ------------------------------------------------------------

    def entries(self, document: object) -> list[tuple[str, Mapping[str, Any], str | None]]:
        """(pointer, resource, fullUrl) of each resource of *document*; a problem for anything not read as one.

        Nothing is skipped in silence: a red flag in an entry misspelt, or in a list of entries rather than of
        resources, would be lost.
        """
        if isinstance(document, Sequence) and not isinstance(document, (str, bytes)):
            return [
                (f"/{index}", item, None)
                for index, item in enumerate(document)
                if self.is_object(f"/{index}", item) and self.is_resource(f"/{index}", item, in_list=True)
            ]
        if not isinstance(document, Mapping):
            self.problem(
                "",
                "not-a-bundle",
                N_("expected a Bundle or a list of resources, found {found}"),
                {"found": json_type(document)},
            )
            return []
        kind = document.get("resourceType")
        if kind != "Bundle":
            self.problem(
                "/resourceType",
                "not-a-bundle",
                N_("expected a Bundle or a list of resources, found a {kind}")
                if kind
                else N_("expected a Bundle or a list of resources, found an object with no resourceType"),
                {"kind": str(kind)},
            )
            return []
        self.unknown_fields(
            "",
            document,
            _BUNDLE_FIELDS if self.fhir_version == "R5" else _BUNDLE_FIELDS - {"issues"},
            _BUNDLE_PRIMITIVES,
        )
        kind_of_bundle = document.get("type")
        if "type" in document and (not isinstance(kind_of_bundle, str) or kind_of_bundle not in _BUNDLE_TYPES):
            self.problem(
                "/type",
                "invalid-resource",
                N_("{kind} is not a type of Bundle: use one of {types}"),
                {
                    "kind": shorten(kind_of_bundle) if isinstance(kind_of_bundle, str) else json_type(kind_of_bundle),
                    "types": ", ".join(sorted(_BUNDLE_TYPES)),
                },
            )
        refused_entries = self.bundle_fields(document)
        # Only the entries are read: a finding anywhere else in the Bundle (its issues, its signature) would be lost.
        self.hidden_findings("", {k: v for k, v in document.items() if k != "entry"}, own_code=False)
        if "implicitRules" in document:
            if isinstance(document["implicitRules"], str):  # else its type is said: said once
                self.problem(
                    "/implicitRules",
                    "invalid-resource",
                    N_("implicitRules change what the Bundle means, in ways backext does not know: it is not read"),
                )
            return []
        entries = document.get("entry", [])
        if not isinstance(entries, list):
            self.problem("/entry", "invalid-resource", N_("a Bundle's entry is a list"))
            return []
        found = []
        for index, entry in enumerate(entries):
            pointer = f"/entry/{index}"
            if not self.is_object(pointer, entry):
                continue
            self.unknown_fields(pointer, entry, _ENTRY_FIELDS, _ENTRY_PRIMITIVES)
            if index in refused_entries:  # a request with no method, a fullUrl that is no string: said already
                self.unread_entry(entry)
                continue
            if "modifierExtension" in entry:
                self.problem(
                    f"{pointer}/modifierExtension",
                    "invalid-resource",
                    N_("a modifier extension changes what the entry means, in ways backext does not know"),
                )
                self.unread_entry(entry)
                continue
            others = {key: value for key, value in entry.items() if key != "resource"}
            if self.hidden_findings(pointer, others, own_code=False):  # a red flag in a response's outcome, say
                self.unread_entry(entry)
                continue
            request = entry.get("request")
            if isinstance(request, Mapping) and request.get("method") not in (None, "POST", "PUT"):
                self.problem(
                    f"{pointer}/request/method",
                    "invalid-resource",
                    N_("the entry asks to {method} a resource: only resources reported (POST or PUT) are read"),
                    {"method": shorten(str(request.get("method")))},
                )
                self.unread_entry(entry)
                continue
            if "resource" not in entry:
                self.problem(pointer, "invalid-resource", N_("the entry has no resource"))
                continue
            full_url = entry.get("fullUrl")
            resource = entry["resource"]
            if self.is_object(f"{pointer}/resource", resource) and self.is_resource(f"{pointer}/resource", resource):
                found.append((f"{pointer}/resource", resource, full_url if isinstance(full_url, str) else None))
        return found

    def bundle_fields(self, document: Mapping[str, Any]) -> set[int]:
        """Problems of the Bundle's own fields and its entries' (all but their resources), by the version's model.

        Returns the indexes of the entries refused. A field already refused (unknown, or a ``type`` FHIR does not
        have) is left out, so that it is said once. The models read ``"3"`` as 3 and ``true`` as 1: a primitive of
        the wrong JSON type is refused first, as an Observation's is.
        """
        fields = _BUNDLE_FIELDS if self.fhir_version == "R5" else _BUNDLE_FIELDS - {"issues"}
        shell = {k: v for k, v in document.items() if k != "entry" and _known_field(k, fields, _BUNDLE_PRIMITIVES)}
        if "type" not in document:
            self.problem(
                "",
                "invalid-resource",
                N_("a Bundle says its type: one of {types}"),
                {"types": ", ".join(sorted(_BUNDLE_TYPES))},
            )
        if not isinstance(shell.get("type"), str) or shell["type"] not in _BUNDLE_TYPES:
            shell["type"] = "collection"  # missing or refused: said above
        self.model_problems("", self.typed("", shell, _BUNDLE_TYPED), "Bundle", document)
        entries = document.get("entry")
        refused: set[int] = set()
        if not isinstance(entries, list):
            return refused
        for index, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                continue  # said where the entries are read
            part = {
                k: v for k, v in entry.items() if k != "resource" and _known_field(k, _ENTRY_FIELDS, _ENTRY_PRIMITIVES)
            }
            if _plain_entry(part):
                continue  # as every system writes them: no need to ask the model
            if self.unreported >= COUNTED_PAST_THE_LIMIT * DEFAULT_LIMITS.max_problems:
                # Past the most counted, as for a pack: refused, not looked at, and the count says "at least".
                self.counted_all = False
                refused.add(index)
                continue
            typed = self.typed(f"/entry/{index}", part, _ENTRY_TYPED)
            refused_by_model = self.model_problems(f"/entry/{index}", typed, "BundleEntry", entry)  # said, as well
            if refused_by_model or len(typed) < len(part):
                refused.add(index)
        return refused

    def typed(self, pointer: str, node: dict[str, Any], types: Mapping[str, tuple[type, ...]]) -> dict[str, Any]:
        """*node* without its primitives of the wrong JSON type (each a problem): the models would convert them."""
        kept = {}
        for key, value in node.items():
            wanted = types.get(key)
            if wanted is not None and (not isinstance(value, wanted) or isinstance(value, bool)):
                self.problem(
                    f"{pointer}/{escape_pointer(key)}",
                    "invalid-resource",
                    N_("expected {expected}, found {found}"),
                    {"expected": _WANTED[wanted], "found": json_type(value)},
                )
            elif wanted == (list,) and any(not isinstance(item, Mapping) for item in value):
                # A list of objects (links, extensions): its first item that is not one is said, and the list is
                # not given to the models, which would build an error for every such item.
                at, item = next((n, item) for n, item in enumerate(value) if not isinstance(item, Mapping))
                self.problem(
                    f"{pointer}/{escape_pointer(key)}/{at}",
                    "invalid-resource",
                    N_("expected {expected}, found {found}"),
                    {"expected": _WANTED[(dict,)], "found": json_type(item)},
                )
            else:
                kept[key] = value
        return kept

    def model_problems(self, pointer: str, node: Mapping[str, Any], kind: str, given: Mapping[str, Any]) -> bool:
        """Whether the FHIR model of *kind* refuses *node* (part of *given*, at *pointer*): each reason a problem."""
        try:
            model_class(self.fhir_version, kind).model_validate(node)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            if len(self.problems) >= DEFAULT_LIMITS.max_problems:  # past the most listed: counted, never built
                self.unreported += error.error_count() if hasattr(error, "error_count") else 1
                return True
            name = "Bundle" if kind == "Bundle" else "Bundle.entry"
            for detail in error.errors(include_url=False) if hasattr(error, "errors") else ():
                self.problem(
                    pointer + "".join(f"/{escape_pointer(str(part))}" for part in _place(detail, given)),
                    "invalid-resource",
                    N_("not a valid {version} Bundle: {detail}")
                    if name == "Bundle"
                    else N_("not a valid {version} Bundle entry: {detail}"),
                    {"version": str(self.fhir_version), "detail": _model_detail(detail, error)},
                )
            return True
        return False

    def unread_entry(self, entry: Mapping[str, Any]) -> None:
        """Note the resource of *entry*, refused with it (its problem said), as :meth:`unread` does."""
        resource, full_url = entry.get("resource"), entry.get("fullUrl")
        if isinstance(resource, Mapping):
            self.unread(resource, full_url if isinstance(full_url, str) else None)

    def unknown_fields(
        self, pointer: str, node: Mapping[str, Any], known: frozenset[str], primitives: Mapping[str, object]
    ) -> None:
        """A problem for each key of *node* (a Bundle or an entry) that FHIR does not give it."""
        for key in node:
            if not _known_field(key, known, primitives):
                self.problem(
                    f"{pointer}/{escape_pointer(str(key))}",
                    "invalid-resource",
                    N_("unknown field {key}; expected one of {known}"),
                    {"key": repr(key), "known": ", ".join(sorted(known))},
                )

    def is_resource(self, pointer: str, item: Mapping[str, Any], *, in_list: bool = False) -> bool:
        """Whether *item* names a resource type of the FHIR version (a Bundle only as the whole document)."""
        kind = item.get("resourceType")
        if not isinstance(kind, str) or not _known_type(self.fhir_version, kind):
            self.problem(
                f"{pointer}/resourceType" if "resourceType" in item else pointer,
                "invalid-resource",
                N_("{kind} is not a resource type of FHIR {version}")
                if "resourceType" in item
                else N_("expected a resource, found an object with no resourceType"),
                {"kind": repr(kind), "version": str(self.fhir_version)},
            )
            return False
        if kind == "Bundle":
            template = (
                N_("a Bundle in a list is not read: give the Bundle itself")
                if in_list
                else N_("a Bundle in a Bundle is not read: give its entries in the outer Bundle")
            )
            self.problem(f"{pointer}/resourceType", "invalid-resource", template)
            return False
        return True

    def not_understood(self, pointer: str, item: Mapping[str, Any]) -> bool:
        """Whether *item* says something backext would read wrongly or not at all (each its problem).

        A modifier extension or implicit rules change what the resource means, in ways backext does not know
        (FHIR forbids reading it then). backext's red-flag codes anywhere but in the Observation's own code (its
        value, a component's value, an interpretation, a contained resource) would be lost.
        """
        refused = "implicitRules" in item
        if refused:
            self.problem(
                f"{pointer}/implicitRules",
                "invalid-resource",
                N_("implicitRules change what the Observation means, in ways backext does not know: it is not read"),
            )
        return self.hidden_findings(pointer, item, own_code=True) or refused

    def hidden_findings(self, pointer: str, item: Mapping[str, Any], *, own_code: bool) -> bool:
        """Whether *item* holds a red flag, a pain rating or a session where it is not read (each its problem).

        With *own_code*, *item* is an Observation, whose own ``code`` says what it is (and a session's components
        what each value is), and whose modifier extensions are refused in the same walk; anywhere else (a value,
        an interpretation, a contained resource, another resource, an entry's response) such a code would be lost,
        not read.
        """
        refused = False
        for at, key, value in _walk(item):
            if own_code and key == "modifierExtension":
                self.problem(
                    f"{pointer}{_pointer(at)}/modifierExtension",
                    "invalid-resource",
                    N_("a modifier extension changes what the Observation means, in ways backext does not know"),
                )
                refused = True
                continue
            if key != "system" or not isinstance(value, str):
                continue
            code = _sibling_code(item, at)
            if value == self.urls.red_flag_system:
                template = N_(
                    "a red flag is read from an Observation's own code only: give it an Observation of its own"
                )
            elif (value == LOINC and code == LOINC_PAIN_SEVERITY) or value == self.urls.session_system:
                template = N_(
                    "a pain rating or a session is read from an Observation's own code only: give it an entry of its"
                    " own"
                )
            else:
                continue
            own = len(at) == 3 and at[:2] == ("code", "coding")
            part = len(at) == 5 and at[0] == "component" and at[2:4] == ("code", "coding")
            if own_code and (own or (part and value == self.urls.session_system)):
                continue
            self.problem(f"{pointer}{_pointer(at)}/system", "invalid-resource", template)
            refused = True
        return refused

    def finding_in_component(self, pointer: str, model: Any) -> bool:
        """Whether a component of *model* is coded as a red flag or a pain rating (each its problem): never read there.

        Only an Observation's own code says what it is: a red flag in a component would be lost, not read.
        """
        found = False
        for index, component in enumerate(model.component or ()):
            codes = {(coding.system, coding.code) for coding in ((component.code and component.code.coding) or ())}
            if (LOINC, LOINC_PAIN_SEVERITY) in codes or any(system == self.urls.red_flag_system for system, _ in codes):
                self.problem(
                    f"{pointer}/component/{index}/code",
                    "invalid-resource",
                    N_("a red flag or a pain rating is an Observation of its own, never a component of another"),
                )
                found = True
        return found

    def mixed(self, found: _Found, template: str) -> None:
        """Refuse the Observation *found*, coded as two things at once (*template* says which).

        A CodeableConcept's codings say one thing in several code systems: read as one of the two, the other
        (a red flag, say) would be lost.
        """
        self.problem(f"{found.pointer}/code", "invalid-resource", template)
        self.unread_session = self.unread_pain = True
        self.unread_names |= found.names

    def unread(self, item: Mapping[str, Any], full_url: str | None) -> None:
        """Note the refused Observation *item* (its problems said): its names, and whether it is a session or pain."""
        code = item.get("code")
        codings = code.get("coding") if isinstance(code, Mapping) else None
        codes = {
            (coding.get("system"), coding.get("code"))
            for coding in (codings if isinstance(codings, list) else ())
            if isinstance(coding, Mapping)
            and isinstance(coding.get("system"), str)
            and isinstance(coding.get("code"), str)
        }
        self.unread_session |= (self.urls.session_system, SessionCode.SESSION.value) in codes
        self.unread_pain |= (LOINC, LOINC_PAIN_SEVERITY) in codes
        if isinstance(item.get("id"), str):
            self.unread_names |= {f"Observation/{item['id']}", f"urn:uuid:{item['id']}"}
        if full_url:
            self.unread_names.add(full_url)

    def is_object(self, pointer: str, value: object) -> bool:
        if isinstance(value, Mapping):
            return True
        self.problem(
            pointer, "invalid-resource", N_("expected a JSON object, found {found}"), {"found": json_type(value)}
        )
        return False

    def observations(self, document: object) -> list[_Found]:
        """Every Observation of *document*, validated by the version's model; problems for the invalid."""
        found = []
        observation = model_class(self.fhir_version, "Observation")
        for pointer, item, full_url in self.entries(document):
            if item.get("resourceType") != "Observation":
                self.hidden_findings(pointer, item, own_code=False)  # another resource is never read: nor its flags
                continue
            wrong = _wrong_values(item, pointer)
            if wrong:  # the FHIR models would read true as 1 and "3" as 3: a pain rating must be what it says
                self.problems.extend(wrong)
                self.unread(item, full_url)
                continue
            if self.not_understood(pointer, item):
                self.unread(item, full_url)
                continue
            try:
                model = observation.model_validate(dict(item))
            except ValueError as error:  # pydantic's ValidationError is a ValueError
                self.unread(item, full_url)
                for detail in getattr(error, "errors", list)():
                    where = "".join(f"/{escape_pointer(str(part))}" for part in _place(detail, item))
                    self.problem(
                        f"{pointer}{where}",
                        "invalid-resource",
                        N_("not a valid {version} Observation: {detail}"),
                        {"version": str(self.fhir_version), "detail": _model_detail(detail, error)},
                    )
                continue
            if model.status not in _STATUSES[self.fhir_version]:  # the models take any code
                self.problem(
                    f"{pointer}/status",
                    "invalid-resource",
                    N_("{status} is not an Observation status in FHIR {version}: use one of {statuses}"),
                    {
                        "status": shorten(str(model.status)),
                        "version": str(self.fhir_version),
                        "statuses": ", ".join(sorted(_STATUSES[self.fhir_version])),
                    },
                )
                self.unread(item, full_url)
                continue
            if model.status in _WITHDRAWN:
                continue
            if self.finding_in_component(pointer, model):
                self.unread(item, full_url)
                continue
            names = {f"Observation/{model.id}", f"urn:uuid:{model.id}"} if model.id else set()
            if full_url:
                names.add(full_url)
            found.append(_Found(pointer, model, frozenset(names)))
        return found

    # -- what an Observation is ------------------------------------------------------

    def codes(self, model: Any) -> set[tuple[str | None, str | None]]:
        return {(coding.system, coding.code) for coding in ((model.code and model.code.coding) or ())}

    def red_flags(self, found: _Found) -> list[RedFlag]:
        """Every red flag the Observation is coded as (its codings, in order; each one it names counts)."""
        flags = []
        for index, coding in enumerate((found.model.code and found.model.code.coding) or ()):
            if coding.system != self.urls.red_flag_system:
                continue
            try:
                flags.append(RedFlag(coding.code))
            except ValueError:
                self.problem(
                    f"{found.pointer}/code/coding/{index}/code",
                    "unknown-code",
                    N_("{code} is not a red flag backext knows"),
                    {"code": shorten(str(coding.code))},
                )
        return flags

    def date(self, found: _Found) -> datetime.date | None:
        # The day the observation was made: effectiveDateTime, else effectiveInstant, else the start of
        # effectivePeriod (a session begins and is logged on one day; the period's start is that day).
        model = found.model
        period = getattr(model, "effectivePeriod", None)
        for value in (model.effectiveDateTime, getattr(model, "effectiveInstant", None), period and period.start):
            if isinstance(value, datetime.datetime):
                return value.date()
            if isinstance(value, datetime.date):
                return value
        self.problem(
            found.pointer,
            "missing-date",
            N_(
                "the observation has no effectiveDateTime, effectiveInstant or effectivePeriod.start with at least a"
                " day (a year or a month alone is not enough)"
            ),
        )
        return None

    def pain(self, found: _Found) -> int | None:
        model = found.model
        value: object = model.valueInteger
        where = f"{found.pointer}/valueInteger"
        if value is None and model.valueQuantity is not None:
            quantity = model.valueQuantity
            if self.bound(f"{found.pointer}/valueQuantity", quantity, "invalid-pain"):
                return None
            if (
                (quantity.code or quantity.unit) not in _SCORES
                or quantity.system not in (None, UCUM)
                or not _agrees(quantity)
            ):
                template = N_("a pain rating is a number from 0 to 10 with no unit, found {unit}")
                self.problem(
                    f"{found.pointer}/valueQuantity",
                    "invalid-pain",
                    template,
                    {"unit": shorten(_shown_unit(quantity))},
                )
                return None
            value, where = quantity.value, f"{found.pointer}/valueQuantity/value"
            if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
                value = int(value)
        if type(value) is not int or not 0 <= value <= 10:
            other = next((k for k in model.model_dump(exclude_none=True) if k.startswith("value")), None)
            if value is None and other is not None:  # given, in another type: said at the field it is in
                self.problem(
                    f"{found.pointer}/{other}",
                    "invalid-pain",
                    N_("a pain rating is a valueInteger or a valueQuantity, not {field}"),
                    {"field": other},
                )
            elif value is None:
                self.problem(where, "invalid-pain", N_("a pain rating is a whole number from 0 to 10, found nothing"))
            else:
                self.problem(
                    where,
                    "invalid-pain",
                    N_("a pain rating is a whole number from 0 to 10, found {value}"),
                    {"value": _number(value)},
                )
            return None
        return value

    def flag_value(self, found: _Found) -> bool | None:
        """Whether the red flag was reported: ``valueBoolean``, or no value at all (a finding is present).

        Any other value (``"no"``, 0, a code, a reason the value is absent) is refused (``None``): read as
        present or absent, it could say the opposite of what it means.
        """
        data = found.model.model_dump(exclude_none=True)
        other = next(
            (k for k in data if (k.startswith("value") and k != "valueBoolean") or k == "dataAbsentReason"), None
        )
        if other is not None:
            self.problem(
                f"{found.pointer}/{other}",
                "invalid-value",
                N_("a red flag's value is valueBoolean (true or false), or none when it was reported, not {field}"),
                {"field": other},
            )
            return None
        value = found.model.valueBoolean
        return value is None or bool(value)  # a finding with no value is present; False says it was not

    def session_valued(self, found: _Found) -> bool:
        """Whether the session Observation *found* has a value of its own (its problem): its values are components.

        A session's own value (``valueInteger: 9``, an interpretation) says something backext does not read.
        """
        data = found.model.model_dump(exclude_none=True)
        other = next((k for k in data if k.startswith("value") or k in {"interpretation", "dataAbsentReason"}), None)
        if other is None:
            return False
        self.problem(
            f"{found.pointer}/{other}",
            "invalid-value",
            N_("a session's values are its components, not {field}"),
            {"field": other},
        )
        self.unread_session = self.unread_pain = True
        self.unread_names |= found.names
        return True

    def refused_values(self, session: _Session) -> bool:
        """Whether a value of *session* is refused by a session log (each its problem, at its place)."""
        refused = False
        if session.date is None or session.values is None:  # not read: its problems are said already
            return False
        placeholders: dict[str, Any] = {"exercise_id": "x", "repetitions_completed": 0, "hold_seconds": 0}
        for field, value in session.values.items():
            try:
                SessionLog(date=session.date, pain=0, **{**placeholders, field: value})
            except (TypeError, ValueError) as error:
                self.log_problem(session, error)
                refused = True
        return refused

    def log_problem(self, session: _Session, error: Exception) -> None:
        """The problem of a value of *session* a session log refuses: at the value, named by its component's code.

        The log's field names are Python's, not the document's.
        """
        template = getattr(error, "template", None)
        where, name = session.places.get(getattr(error, "field", None) or "", (session.found.pointer, ""))
        if isinstance(template, Message) and name and "name" in dict(template.values):
            template = attrs.evolve(template, values={**dict(template.values), "name": name})
        made = problem(where, "invalid-value", "{detail}", {"detail": str(error)})
        if isinstance(template, Message):
            made = attrs.evolve(made, message=template.render(), template=template)
        self.problems.append(made)

    def one_person(self, found: list[_Found]) -> None:
        """A problem for each Observation about another person than the first one, or about nobody it says.

        A person is told by the subject's reference (``Patient/1``, under any base), else its identifier, else its
        display: one Observation about someone else, or about no one named, could carry another person's pain.
        """
        first: tuple[str, Value] | None = None
        for item in found:
            person = _person(item.model.subject)
            if first is None:
                first = person
            elif person[0] != first[0] and person[0].startswith("contained"):
                self.problem(
                    f"{item.pointer}/subject",
                    "invalid-resource",
                    N_(
                        "a subject contained in the Observation ({subject}) cannot be told apart from another person:"
                        " refer to the Patient itself"
                    ),
                    {"subject": person[1]},
                )
            elif person[0] != first[0]:
                at = "subject" if item.model.subject is not None else ""
                self.problem(
                    f"{item.pointer}/{at}".rstrip("/"),
                    "invalid-resource",
                    N_("this Observation is about {subject}, the first about {first}: give one person's at a time"),
                    {"subject": person[1], "first": first[1]},
                )

    def session_values(self, found: _Found, places: dict[str, tuple[str, str]]) -> dict[str, Any] | None:
        """The session's values by field, and in *places* where each was read (for problems the log finds)."""
        values: dict[str, Any] = {}
        seen: set[SessionCode] = set()
        refused = False
        for index, component in enumerate(found.model.component or ()):
            pointer = f"{found.pointer}/component/{index}"
            codes = {(coding.system, coding.code) for coding in ((component.code and component.code.coding) or ())}
            for code in SessionCode:
                if (self.urls.session_system, code.value) not in codes:
                    continue
                if code in seen:  # which of the two values is the session's? Neither is read.
                    self.problem(
                        pointer,
                        "duplicate-component",
                        N_("the session has a second component {code}: it has one of each"),
                        {"code": code.value},
                    )
                    refused = True
                    continue
                seen.add(code)
                if code is SessionCode.EXERCISE and isinstance(component.valueString, str):
                    if is_slug(component.valueString):
                        values["exercise_id"] = component.valueString
                    else:  # backext's packs name exercises so: anything else names none of them
                        self.problem(
                            f"{pointer}/valueString",
                            "invalid-value",
                            ID_MESSAGE,
                            {"value": shorten(component.valueString)},
                        )
                        refused = True
                    places["exercise_id"] = (f"{pointer}/valueString", code.value)
                elif code is SessionCode.REPETITIONS_COMPLETED and type(component.valueInteger) is int:
                    values["repetitions_completed"] = component.valueInteger
                    places["repetitions_completed"] = (f"{pointer}/valueInteger", code.value)
                elif code is SessionCode.HOLD_SECONDS and component.valueQuantity is not None:
                    seconds = self.seconds(pointer, component.valueQuantity)
                    refused |= seconds is None
                    if seconds is not None:
                        values["hold_seconds"] = seconds
                        places["hold_seconds"] = (f"{pointer}/valueQuantity/value", code.value)
                else:
                    self.problem(
                        pointer,
                        "invalid-value",
                        N_("the component {code} has no value of the right type"),
                        {"code": code.value},
                    )
                    refused = True
        # A component there but refused is not missing too: its problem is said.
        missing = [code.value for code in SessionCode if code is not SessionCode.SESSION and code not in seen]
        if refused and not missing:
            return None
        if missing:
            self.problem(
                found.pointer,
                "missing-component",
                N_plural("the session has no component {codes}", "the session has no components {codes}"),
                {"codes": ", ".join(missing)},
                len(missing),
            )
            return None
        return values

    def bound(self, pointer: str, quantity: Any, code: str) -> bool:
        """Whether *quantity* is a bound (``> 6``: its comparator says so), not a value; its problem, coded *code*."""
        if quantity.comparator is None:
            return False
        template = N_("a bound ({comparator} {value}) is not a value: give the value itself")
        values: dict[str, Value] = {"comparator": str(quantity.comparator), "value": str(quantity.value)}
        self.problem(f"{pointer}/comparator", code, template, values)
        return True

    def seconds(self, pointer: str, quantity: Any) -> float | None:
        if self.bound(f"{pointer}/valueQuantity", quantity, "invalid-value"):
            return None
        unit = quantity.code or quantity.unit
        if (
            quantity.value is None
            or unit not in _SECONDS
            or quantity.system not in (None, UCUM)
            or not _agrees(quantity)
        ):
            self.problem(
                f"{pointer}/valueQuantity", "invalid-value", N_("a hold is a quantity in seconds (UCUM s or min)")
            )
            return None
        value = quantity.value * _SECONDS[unit]
        # Whole numbers of seconds come back as int, as they were written; beyond 2**53 a float holds them as well.
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)

    # -- putting it together ----------------------------------------------------------

    def read(self, document: object) -> list[SessionLog]:
        found = self.observations(document)
        self.one_person(found)
        session_code = (self.urls.session_system, SessionCode.SESSION.value)
        sessions: list[_Session] = []
        pains: list[_Found] = []
        flags: list[_Found] = []
        for item in found:
            codes = self.codes(item.model)
            is_flag = any(system == self.urls.red_flag_system for system, _ in codes)
            if (session_code in codes or (LOINC, LOINC_PAIN_SEVERITY) in codes) and is_flag:
                self.mixed(
                    item,
                    N_(
                        "the observation is coded as a red flag and as a session or pain rating at once: give each"
                        " an Observation of its own"
                    ),
                )
            elif session_code in codes and (LOINC, LOINC_PAIN_SEVERITY) in codes:
                self.mixed(
                    item,
                    N_(
                        "the observation is coded as a session and as a pain rating at once: give each an"
                        " Observation of its own"
                    ),
                )
            elif session_code in codes and self.session_valued(item):
                continue
            elif session_code in codes:
                places: dict[str, tuple[str, str]] = {}
                day = self.date(item)
                self.unread_session |= day is None
                sessions.append(_Session(item, day, self.session_values(item, places), places))
            elif (LOINC, LOINC_PAIN_SEVERITY) in codes:
                pains.append(item)
            elif is_flag:
                flags.append(item)
        by_name = {name: item for item in (*pains, *flags) for name in item.names}
        owner: dict[int, _Session] = {}
        for session in sessions:
            for index, member in enumerate(session.found.model.hasMember or ()):
                target = by_name.get(member.reference or "")
                if target is None and member.reference in self.unread_names:
                    continue  # refused, and said so
                if target is None:
                    self.problem(
                        f"{session.found.pointer}/hasMember/{index}",
                        "unresolved-reference",
                        N_("the member {reference} is not a pain rating or red flag among the resources given"),
                        {"reference": shorten(str(member.reference), 120)},
                    )
                    continue
                if owner.setdefault(id(target), session) is not session:
                    self.problem(
                        f"{session.found.pointer}/hasMember/{index}",
                        "ambiguous-session",
                        N_("the member {reference} is listed by two sessions"),
                        {"reference": shorten(str(member.reference), 120)},
                    )
        pain_ids = {id(item) for item in pains}
        on_day: dict[datetime.date, list[_Session]] = {}
        for session in sessions:
            if session.date is not None:
                on_day.setdefault(session.date, []).append(session)
        for item in (*pains, *flags):
            is_pain = id(item) in pain_ids
            belongs = owner.get(id(item)) or self.by_date(item, on_day, is_pain=is_pain)
            if belongs is None:
                continue
            if is_pain:
                self.add_pain(belongs, item)
            elif self.flag_value(item):  # None, refused: not read
                belongs.red_flags.update(self.red_flags(item))
        logs = []
        for session in sessions:
            if session.date is None or session.values is None:
                continue
            refused = self.refused_values(session)  # each value on its own: every problem said at once
            if session.pain is None:
                if not (self.unread_pain or session.pain_refused):  # else it may be the rating refused, said so
                    self.problem(
                        session.found.pointer,
                        "missing-pain",
                        N_("the session has no pain rating (LOINC 72514-3) of its day"),
                    )
                continue
            if not refused:
                logs.append(
                    SessionLog(
                        date=session.date,
                        pain=session.pain,
                        pain_next_day=session.pain_next_day,
                        red_flags=session.red_flags,
                        **session.values,
                    )
                )
        return logs

    def by_date(self, item: _Found, on_day: dict[datetime.date, list[_Session]], *, is_pain: bool) -> _Session | None:
        """The one session that an observation no session lists belongs to, by its day."""
        day = self.date(item)
        if day is None:
            return None
        days = (day, day - datetime.timedelta(days=1)) if is_pain and day > datetime.date.min else (day,)
        candidates = [session for date in days for session in on_day.get(date, ())]
        if len(candidates) == 1:
            return candidates[0]
        values: dict[str, Value] = {"day": day, "count": str(len(candidates))}
        if candidates:
            template = (
                N_("the pain rating of {day} could belong to {count} sessions: list it in one session's hasMember")
                if is_pain
                else N_("the red flag of {day} could belong to {count} sessions: list it in one session's hasMember")
            )
            self.problem(item.pointer, "ambiguous-session", template, values)
        elif not self.unread_session:  # else it may be the session refused: its problem is said already
            template = (
                N_("no session is listed for the pain rating of {day}")
                if is_pain
                else N_("no session is listed for the red flag of {day}")
            )
            self.problem(item.pointer, "no-session", template, values)
        return None

    def add_pain(self, session: _Session, item: _Found) -> None:
        day, rating = self.date(item), self.pain(item)
        session.pain_refused |= rating is None
        if day is None or rating is None or session.date is None:
            return
        if day == session.date:
            field = "pain"
        elif (day - session.date).days == 1:
            field = "pain_next_day"
        else:
            self.problem(
                item.pointer,
                "wrong-date",
                N_("a pain rating of {day} for the session of {session}: expected that day or the next"),
                {"day": day, "session": session.date},
            )
            return
        if getattr(session, field) is not None:
            self.problem(
                item.pointer,
                "duplicate-pain",
                N_("the session of {day} has two ratings of pain")
                if field == "pain"
                else N_("the session of {day} has two ratings of pain next day"),
                {"day": session.date},
            )
            return
        setattr(session, field, rating)


_FIELD = {
    SessionCode.EXERCISE: "exercise_id",
    SessionCode.REPETITIONS_COMPLETED: "repetitions_completed",
    SessionCode.HOLD_SECONDS: "hold_seconds",
}


#: How deep a FHIR document may nest (our choice): a Bundle of backext's Observations nests 7 levels, and the FHIR
#: models the resources are checked with recurse into each level, so a document of nested extensions hundreds of
#: levels deep would exhaust Python's stack there.
_MAX_DEPTH = 64


#: The fields of a Bundle and of its entries, in R4B and R5: any other is a misspelling, not read.
_BUNDLE_FIELDS = frozenset(
    {
        "resourceType", "id", "meta", "implicitRules", "language", "identifier", "type", "timestamp", "total",
        "link", "entry", "signature", "issues",
    }
)  # fmt: skip
#: The types of Bundle, in R4B and R5.
_BUNDLE_TYPES = frozenset(
    {
        "document", "message", "transaction", "transaction-response", "batch", "batch-response", "history",
        "searchset", "collection", "subscription-notification",
    }
)  # fmt: skip
#: The primitive fields of a Bundle, with their JSON types: ``_`` and the name gives a primitive's id and extensions.
_BUNDLE_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "id": (str,), "implicitRules": (str,), "language": (str,), "type": (str,), "timestamp": (str,), "total": (int,),
}  # fmt: skip
_ENTRY_PRIMITIVES: dict[str, tuple[type, ...]] = {"fullUrl": (str,)}
#: The JSON type of each field of a Bundle and of an entry (the models would read a string as the JSON it holds).
_BUNDLE_TYPED: dict[str, tuple[type, ...]] = {
    **_BUNDLE_PRIMITIVES, "meta": (dict,), "identifier": (dict,), "signature": (dict,), "issues": (dict,),
    "link": (list,),
}  # fmt: skip
_ENTRY_TYPED: dict[str, tuple[type, ...]] = {
    **_ENTRY_PRIMITIVES, "id": (str,), "request": (dict,), "response": (dict,), "search": (dict,), "link": (list,),
    "extension": (list,), "modifierExtension": (list,),
}  # fmt: skip
_ENTRY_FIELDS = frozenset(
    {"id", "extension", "modifierExtension", "link", "fullUrl", "resource", "search", "request", "response"}
)


def _place(detail: Mapping[str, Any], given: object) -> tuple[str | int, ...]:
    """Where a FHIR model's error *detail* is in *given*, as the parts of a JSON Pointer.

    The models put ``root`` in a place for a value they read whole (``meta`` given as a list): a part kept only
    where *given* has a field of that name (``meta: {"root": 5}``).
    """
    place: list[str | int] = []
    node: object = given
    for part in detail.get("loc", ()):
        if (isinstance(node, Mapping) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        elif part == "root":
            continue
        else:
            node = None
        place.append(part)
    return tuple(place)


def _known_field(key: str, fields: frozenset[str], primitives: Mapping[str, object]) -> bool:
    """Whether FHIR gives *key* to an object of *fields*.

    One of them, or ``_`` and a primitive's name: its id and extensions, such as ``_fullUrl``.
    """
    return key in fields or (key.startswith("_") and key[1:] in primitives)


def _plain_entry(part: Mapping[str, Any]) -> bool:
    """Whether an entry's fields but its resource are as systems write them (a fullUrl, a POST or PUT, a match)."""
    request, search = part.get("request"), part.get("search")
    return (
        part.keys() <= {"fullUrl", "request", "search"}
        and isinstance(part.get("fullUrl", ""), str)
        and (search is None or (isinstance(search, Mapping) and search == {"mode": "match"}))
        and (
            request is None
            or (
                isinstance(request, Mapping)
                and request.keys() == {"method", "url"}
                and request["method"] in ("POST", "PUT")
                and isinstance(request["url"], str)
                and 0 < len(request["url"]) < 1000
            )
        )
    )


def _model_detail(detail: Mapping[str, Any], error: ValueError) -> Value:
    """A FHIR model's error *detail* in words: ours for the usual kinds of error, else the models' own (English)."""
    kind, found = str(detail.get("type", "")), detail.get("input")
    if kind == "missing" or kind.endswith(".missing"):
        return Message(template=N_("the field is required"))
    if kind in ("string_pattern_mismatch", "value_error") and isinstance(found, str):
        # A text not written as FHIR writes the field: an id with spaces, a timestamp "yesterday".
        return Message(template=N_("not written as FHIR writes this field: {value}"), values={"value": shorten(found)})
    if kind in ("model_validation_format", "model_type", "dict_type", "model_attributes_type", "json_invalid"):
        return Message(template=N_("expected an object, found {found}"), values={"found": json_type(found)})
    if kind == "string_type":
        return Message(template=N_("expected a string, found {found}"), values={"found": json_type(found)})
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return Message(template=N_("expected an integer, found {found}"), values={"found": json_type(found)})
    if kind in ("list_type", "tuple_type"):
        return Message(template=N_("expected a list, found {found}"), values={"found": json_type(found)})
    if kind == "extra_forbidden":
        return Message(template=N_("FHIR has no such field here"))
    said = str(detail.get("msg", error))
    return said if len(said) <= 300 else said[:299] + "…"  # the models' own words (English), as they are


def _known_type(fhir_version: FhirVersion, kind: str) -> bool:
    """Whether *kind* is a resource type of *fhir_version* (``Observation``, not ``observation``)."""
    if not re.fullmatch(r"[A-Z][A-Za-z]{1,63}", kind):
        return False
    try:
        model_class(fhir_version, kind)
    except (KeyError, ValueError, AttributeError, ImportError):
        return False
    return True


def _walk(node: object) -> Iterator[tuple[tuple[str | int, ...], str, object]]:
    """(path of the object, key, value) of every key of every object in *node*, depth first.

    The path is a tuple of keys and indexes, made into a pointer only for a problem (:func:`_pointer`): a pointer
    string for every value at once would repeat long keys over and over (a megabyte's document, gigabytes).
    """
    stack: list[tuple[tuple[str | int, ...], object]] = [((), node)]
    while stack:
        at, here = stack.pop()
        if isinstance(here, Mapping):
            for key, value in here.items():
                yield at, str(key), value
                if isinstance(value, (Mapping, list)):
                    stack.append(((*at, str(key)), value))
        elif isinstance(here, list):
            stack.extend(
                ((*at, index), value) for index, value in enumerate(here) if isinstance(value, (Mapping, list))
            )


def _sibling_code(node: object, path: tuple[str | int, ...]) -> object:
    """The ``code`` beside the ``system`` of the coding at *path* in *node*."""
    for part in path:
        node = node[part] if isinstance(node, (Mapping, list)) else None  # type: ignore[index]
    return node.get("code") if isinstance(node, Mapping) else None


def _pointer(path: tuple[str | int, ...]) -> str:
    """The JSON Pointer of *path* (keys and indexes), from where the walk began."""
    return "".join(f"/{escape_pointer(str(part))}" for part in path)


#: A reference's resource type and id, whatever base it is under.
_LITERAL = re.compile(r"(?:.*/)?([A-Z][A-Za-z]*/[A-Za-z0-9.-]{1,64})(?:/_history/[A-Za-z0-9.-]{1,64})?")


def _person(subject: Any) -> tuple[str, Value]:
    """Who *subject* (a Reference, or ``None``) is: a key to compare, and the words a message quotes."""
    if subject is None:
        return ("", Message(template=N_("(no subject)")))
    reference = getattr(subject, "reference", None)
    if isinstance(reference, str) and reference.startswith("#"):  # inside each Observation: never the same one
        return (f"contained {id(subject)}", shorten(reference))
    if isinstance(reference, str):
        literal = _LITERAL.fullmatch(reference)
        return (f"reference {literal[1] if literal else reference}", shorten(reference, 120))
    identifier = getattr(subject, "identifier", None)
    if identifier is not None:
        system, value = getattr(identifier, "system", None), getattr(identifier, "value", None)
        kind = getattr(identifier, "type", None)  # MR or SS: the whole CodeableConcept, codings and text
        written = json.dumps(kind.model_dump(mode="json", exclude_none=True), sort_keys=True) if kind else None
        key = f"{getattr(subject, 'type', None)}|{written}|{system}|{value}"
        codings = getattr(kind, "coding", None) or ()
        label = getattr(kind, "text", None) or next((c.code for c in codings if getattr(c, "code", None)), None)
        shown = "|".join(str(part) for part in (system, value) if part is not None)
        return (f"identifier {key}", shorten(f"{label} {shown}" if label else shown))
    display = getattr(subject, "display", None)
    return (f"display {display}", shorten(str(display)))


def _limits() -> Limits:
    from backext._limits import DEFAULT_LIMITS  # noqa: PLC0415

    return attrs.evolve(DEFAULT_LIMITS, max_depth=_MAX_DEPTH)


#: The JSON type each of FHIR's value and date fields holds, as backext reads them: never coerced from another
#: (the FHIR models read true as 1, "3" as 3, and a number as a date in seconds since 1970).
_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "valueInteger": (int,),
    "valueString": (str,),
    "valueBoolean": (bool,),
    "effectiveDateTime": (str,),
    "effectiveInstant": (str,),
}
#: The same, for the fields of a value of those types.
_INSIDE: dict[str, dict[str, tuple[type, ...]]] = {
    "valueQuantity": {"value": (int, float)},
    "effectivePeriod": {"start": (str,), "end": (str,)},
}


def _wrong_values(resource: Mapping[str, Any], pointer: str) -> list[Problem]:
    """The problems of *resource*'s values of the wrong JSON type: ``true`` for an integer, ``"3"`` for a number."""
    found: list[Problem] = []
    # Paths as tuples, made pointers only for a problem: a pointer for every value would repeat long keys.
    stack: list[tuple[tuple[str | int, ...], object, Mapping[str, tuple[type, ...]]]] = [((), resource, _VALUE_TYPES)]
    while stack:
        at, node, types = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                wanted = types.get(key) if isinstance(key, str) else None
                if wanted is not None and (
                    not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted)
                ):
                    template = N_("expected {expected}, found {found}")
                    values = {"expected": _WANTED[wanted], "found": json_type(value)}
                    found.append(problem(f"{pointer}{_pointer((*at, str(key)))}", "invalid-value", template, values))
                elif isinstance(value, (Mapping, list)):
                    inner = _INSIDE.get(key, _VALUE_TYPES) if isinstance(key, str) else _VALUE_TYPES
                    stack.append(((*at, str(key)), value, inner))
        elif isinstance(node, list):
            stack.extend(((*at, index), item, _VALUE_TYPES) for index, item in enumerate(node))
    return found


_WANTED = {
    (dict,): Message(template=N_("an object")),
    (list,): Message(template=N_("a list")),
    (int,): Message(template=N_("a whole number")),
    (str,): Message(template=N_("a string")),
    (bool,): Message(template=N_("true or false")),
    (int, float): Message(template=N_("a number")),
}


def _not_finite(document: object) -> Problem | None:
    """The problem of the first number of *document* that is not finite (``1e400`` reads as infinity), if any."""
    import math  # noqa: PLC0415

    from backext._wrong import shown_number  # noqa: PLC0415

    stack: list[tuple[tuple[str | int, ...], object]] = [((), document)]
    while stack:
        at, node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            template = N_("expected a finite number, found {value}")
            return problem(_pointer(at), "not-finite", template, {"value": shown_number(node)})
        if isinstance(node, Mapping):
            stack.extend(reversed([((*at, str(k)), v) for k, v in node.items()]))
        elif isinstance(node, (list, tuple)):
            stack.extend(reversed([((*at, i), v) for i, v in enumerate(node)]))
    return None


def _number(value: object) -> int | float | str:
    """*value* as a message shows it: a number in the reader's locale ("6,5" in German), else as written."""
    if isinstance(value, decimal.Decimal) and value.is_finite():
        as_float = float(value)
        if decimal.Decimal(repr(as_float)) == value:  # else the float would show another number
            return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else as_float
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**15:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return shorten(str(value))


def _parse(source: object, name: str) -> object:
    if isinstance(source, (bytearray, memoryview)):  # the bytes of a text, as bytes are
        source = bytes(source)
    if isinstance(source, (str, bytes)):
        if len(source) > _MAX_BYTES:
            raise FhirError([problem("", "too-large", N_("a document is at most 16 MiB"))], name)
        # Read as a pack's JSON is read: every problem at its line and column (a byte that is not UTF-8, a syntax
        # error, a key written twice, an integer too long to convert, nesting too deep); a byte-order mark allowed.
        from backext._formats import ParseFailure, decode, parse, refuse_many_values  # noqa: PLC0415
        from backext._limits import LimitExceeded, check_document  # noqa: PLC0415

        try:
            text = decode(source) if isinstance(source, bytes) else source.removeprefix("\ufeff")
            refuse_many_values(text, _limits())  # before the reader builds them all, as for a pack
            document = parse(text, "json", _limits())
        except ParseFailure as failure:
            raise FhirError(failure.problems, name) from None
        except LimitExceeded as exceeded:
            from backext._positions import locate  # noqa: PLC0415

            raise FhirError(locate(text, "json", [exceeded.problem]), name) from None
        try:
            check_document(document, _limits(), count_values=True)
        except LimitExceeded as exceeded:
            from backext._positions import locate  # noqa: PLC0415

            raise FhirError(locate(text, "json", [exceeded.problem]), name) from None
        infinite = _not_finite(document)
        if infinite is not None:  # refused before the FHIR models say it in their own words
            from backext._positions import locate  # noqa: PLC0415

            raise FhirError(locate(text, "json", [infinite]), name)
        return document
    if hasattr(source, "model_dump"):  # a fhir.resources model
        return source.model_dump(mode="json")
    from backext._limits import LimitExceeded, check_document  # noqa: PLC0415

    try:  # a mapping or list from Python: as deep as a text may be, and not containing itself
        check_document(source, _limits(), count_values=True)
    except LimitExceeded as exceeded:
        raise FhirError([exceeded.problem], name) from None
    infinite = _not_finite(source)
    if infinite is not None:
        raise FhirError([infinite], name)
    return source


def import_logs(
    source: object,
    *,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
    name: str = "<bundle>",
) -> list[SessionLog]:
    """Read session logs back from FHIR ``Observation`` resources, written by :func:`export_logs` or another system.

    Each session Observation (backext's code ``exercise-session``) gives one
    log, in the order of the document. Its pain ratings (LOINC 72514-3) and
    red flags are the Observations it lists in ``hasMember``; an
    Observation that no session lists belongs to the one session of its day
    (a pain rating dated the day after a session is that session's next-day
    pain) and is refused when that is ambiguous. Other resources and
    Observations with other codes are left alone; Observations
    ``entered-in-error`` or ``cancelled`` are skipped.

    Args:
        source: A Bundle (JSON text or bytes, its parsed mapping, or a
            ``fhir.resources`` model), or a list of resource mappings.
        fhir_version: The FHIR version to read the Observations as.
        base: The base of backext's code system URLs in the document.
        name: What to call the source in error messages.

    Raises:
        FhirError: With every problem found, if anything could not be read.

    Example:
        >>> import datetime, backext
        >>> from backext.fhir import export_bundle, import_logs
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=10, hold_seconds=5, pain=1,
        ...     red_flags={"new-leg-weakness"},
        ... )
        >>> bundle = export_bundle(logs=[log], fhir_version="R4B")
        >>> import_logs(bundle.model_dump_json(), fhir_version="R4B") == [log]
        True

    .. versionadded:: 0.1.0
    """
    fhir_version = check_version(fhir_version)
    if type(name) is not str:
        raise TypeError(f"name must be a string, not {type(name).__name__}")
    reader = _Reader(fhir_version, Urls(base))
    logs = reader.read(_parse(source, name))
    if reader.problems:
        # At most as many as a pack's (the rest counted): a document of 900,000 unknown keys is one mistake.
        problems = truncate_problems(
            list(reader.problems),
            DEFAULT_LIMITS.max_problems,
            Unreported(reader.unreported, reader.counted_all),
        )
        if isinstance(source, (str, bytes)):  # each at its line and column in the text given
            from backext._formats import decode  # noqa: PLC0415
            from backext._positions import locate  # noqa: PLC0415

            text = decode(source) if isinstance(source, bytes) else source.removeprefix("\ufeff")
            problems = locate(text, "json", problems)
        raise FhirError(problems, name)
    return logs
