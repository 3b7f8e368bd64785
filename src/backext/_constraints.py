"""The rules a pack must meet, each stated once, as data.

Every rule of a pack's content is one :class:`Rule` in :data:`RULES`: its
problem code (and through it its severity), the model class and field it
applies to, its condition and its message. Everything else is derived from
the table:

- the detailed checks (:func:`backext._checks.check_pack`) evaluate each
  rule's condition on every instance of its class and, where it does not
  hold, report a :class:`~backext.Problem` at the rule's field with the
  rule's message;
- the fast proof of cleanliness (:mod:`backext._clean`, evaluated inline by
  the generated structuring code of :mod:`backext._fastload`) is the
  conjunction of the conditions of each class;
- the JSON Schema (:mod:`backext._schema`) takes the bounds of the rules
  that carry one;
- the problem-code reference page lists every rule under its code.

A condition is a Python expression over the instance's fields, and the
names of :data:`NAMES`, that is true when the rule is met. Some rules span
more than one object (unique ids, references, the ladder between
exercises, translations) or depend on the limits in a way an expression
cannot state cheaply: those have no condition here (``condition=None``);
:mod:`backext._checks` checks them, and their ``proof`` (if any) is the
sufficient condition the fast proof uses, with the rest proved by
:func:`backext._clean.links_clean`. Their code, severity, place and message
still come from this table.

Messages are :meth:`str.format` templates with named placeholders, whole
sentences that the catalogs translate (marked with :func:`backext._i18n.N_`);
``values`` gives each placeholder as an expression like a condition.

Adding a rule is adding one entry here. ``tests/test_constraints.py`` proves
that the derived forms agree.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from . import _conditions
from ._codes import PROBLEM_CODES
from ._conditions import (
    PLAUSIBLE_HOLD_SECONDS,
    PLAUSIBLE_REPETITIONS,
    PLAUSIBLE_SETS,
    SLUG_PATTERN,
    changes_dose,
    in_tenths,
    tenths_of,
)
from ._i18n import MAX_TAG, N_, N_plural
from ._ladder import MAX_REPETITIONS, MAX_SECONDS
from ._limits import DEFAULT_LIMITS, shorten
from ._messages import Message, Value
from ._model import SCHEMA_VERSION, Avoid, Exercise, Hold, Modification, Pack, Progression, Repetitions, Source
from ._problems import Problem, Severity, problem
from ._render import amount, signed
from ._suggest import locale_suggestion
from ._text import INVISIBLE, LOCALE_TAG, LocalizedText
from ._wrong import shown_number


__all__ = [
    "NAMES",
    "PASSES",
    "PLAUSIBLE_HOLD_SECONDS",
    "PLAUSIBLE_REPETITIONS",
    "PLAUSIBLE_SETS",
    "RULES",
    "SLUG_PATTERN",
    "Finding",
    "Rule",
    "changes_dose",
    "in_tenths",
    "proof",
    "rule",
    "rule_problems",
    "schema_bounds",
    "tenths_of",
]


def counted(words: tuple[str, str], count: int) -> Message:
    """*count* with its noun, in the plural form the language gives it ("1 repetition", "3 repetitions")."""
    return Message(template=words[0], plural=words[1], count=count, values={"count": count})


_REPETITIONS = N_plural("{count} repetition", "{count} repetitions")
_DOSES = N_plural("{count} dose", "{count} doses")


def repetitions_words(count: int) -> Message:
    return counted(_REPETITIONS, count)


def doses_words(count: int) -> Message:
    return counted(_DOSES, count)


#: The names conditions and values may use besides the instance's fields
#: (and ``item`` and ``index``, the item of a rule that applies to each item
#: of a field). ``MAX_NUMBER`` is the limit on numbers
#: (:attr:`backext.Limits.max_number`): the detailed checks bind it to the
#: limits they are given, the fast proof to the default.
_NAMES: dict[str, object] = {
    **_conditions.NAMES,
    "shorten": shorten,
    "show_number": shown_number,
    "number": amount,
    "signed": signed,
    "repetitions_words": repetitions_words,
    "locale_hint": locale_suggestion,
    "SCHEMA_VERSION": SCHEMA_VERSION,
    "MAX_NUMBER": DEFAULT_LIMITS.max_number,
    "MAX_SECONDS": MAX_SECONDS,
    "MAX_REPETITIONS": MAX_REPETITIONS,
}
NAMES: Mapping[str, object] = MappingProxyType(_NAMES)


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@attrs.frozen(kw_only=True)
class Rule:
    """One rule of a pack's content.

    Attributes:
        name: A unique name for the rule (several rules may share a code).
        code: The problem code reported (see :data:`backext.PROBLEM_CODES`),
            which gives the severity.
        model: The model class whose instances the rule applies to.
        field: Where below the instance a problem points: a field, a
            pointer of several (``progression/next_exercise``), or ``""`` for
            the instance itself. For a rule with ``each``, below the item.
        each: A field holding a sequence: the rule applies to each item
            (``item`` and ``index`` in the expressions) and points at
            ``each/index/field``.
        condition: A Python expression true when the rule is met; ``None``
            for a rule that :mod:`backext._checks` checks in code (one that
            spans objects or needs the limits in full).
        message: The message, a :meth:`str.format` template with named
            placeholders.
        values: The placeholders of the message, as expressions.
        schema: JSON Schema keywords that state the same bound on the field
            (only for a rule whose condition reads that field alone).
        proof: What the fast proof evaluates instead of the condition: an
            equivalent but quicker expression, or, for a rule checked in code,
            a sufficient one (``None``: the condition; for a rule checked in
            code, nothing here, as :func:`backext._clean.links_clean`
            proves it).
        gated: Whether the rule applies only when every number of the
            exercise is within range (its arithmetic needs them to be).
        implied: Whether the other conditions of the class imply this one
            (a bounded dose is within range), so that the fast proof leaves
            it out.
        linked: Whether the fast proof leaves the rule to
            :func:`backext._clean.links_clean`, which proves it with the
            links between exercises.
        note: How a rule checked in code is decided, for the reference page.
    """

    name: str
    code: str
    model: type
    field: str = ""
    each: str | None = None
    condition: str | None = None
    message: str
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    schema: Mapping[str, Any] | None = None
    proof: str | None = None
    gated: bool = False
    implied: bool = False
    linked: bool = False
    note: str = ""

    @property
    def severity(self) -> Severity:
        """The severity of the rule's code."""
        return PROBLEM_CODES[self.code].severity

    def problem(self, path: str, **values: object) -> Problem:
        """The problem this rule reports at *path*, its message filled with *values*.

        A value that is a :class:`~backext.Message` (a "did you mean" hint, a
        count of sets) is rendered in the problem's locale, and so is a number
        (with the language's decimal separator); every other value is data,
        written as it is.
        """
        shown: dict[str, Value] = {name: _shown(value) for name, value in values.items()}
        return problem(path, self.code, self.message, shown, severity=self.severity)

    def at(self, path: str, **values: object) -> Finding:
        """What this rule finds at *path*, its message's *values*: the problem, made only when it is reported."""
        return Finding(self, path, values)

    def pointer(self, at: str, index: int | None = None) -> str:
        """The pointer of a problem of this rule for the instance at *at* (and the item at *index*)."""
        if self.each is not None:
            at = f"{at}/{self.each}/{index}"
        return f"{at}/{self.field}" if self.field else at


class Finding(NamedTuple):
    """A rule not met at a place: the problem it stands for is made by :meth:`problem`, only when it is reported.

    A pack with a million wrong values makes a million findings, of which
    only the most problems reported (:attr:`~backext.Limits.max_problems`)
    become problems: the rest are counted.
    """

    rule: Rule
    path: str
    values: Mapping[str, object]

    @property
    def severity(self) -> Severity:
        """The severity of the problem: the rule's."""
        return self.rule.severity

    def problem(self) -> Problem:
        """The problem: the rule's message, filled with the values, at the path."""
        return self.rule.problem(self.path, **self.values)


def _shown(value: object) -> Value:
    """A rule's value as a message's: a message, a string or a number kept, anything else written as it is."""
    if isinstance(value, str | Message):
        return value
    if isinstance(value, int | float):
        return amount(value)
    return format(value)


ID_MESSAGE = N_("{value} is not an id: use lower-case letters, digits and single hyphens, like 'chest-lift'")
_RANGE_MESSAGE = N_("{value} is out of range: numbers must lie between {low} and {high}")
_TENTHS_MESSAGE = N_("holds are exact to a tenth of a second, found {value}")
_AT_LEAST_ONE = N_("expected at least 1, found {value}")
# Translators: {hint} is empty, or the suggestion "; did you mean {name}?", translated on its own.
_UNKNOWN_SOURCE = N_("the pack lists no source with the id {value}{hint}")


def _id(name: str, model: type) -> Rule:
    return Rule(
        name=name,
        code="invalid-id",
        model=model,
        field="id",
        condition="slug(id)",
        message=ID_MESSAGE,
        values={"value": "shorten(id)"},
        schema={"pattern": SLUG_PATTERN},
    )


#: The JSON Schema pattern of a text that is more than whitespace (a pattern matches anywhere in the text).
NON_BLANK = f"[^{INVISIBLE}]"


def _range(model: type, field: str, *, optional: bool = False, implied: bool = False, most: str = "") -> Rule:
    """The rule that *field* of *model* lies within the limit on numbers, and within *most* if given.

    *most* names the most a dose may hold (:data:`~backext._ladder.MAX_SECONDS`,
    :data:`~backext._ladder.MAX_REPETITIONS`): a pack whose dose is beyond it
    could be checked, but no state could be started on it.
    """
    high = f"min(MAX_NUMBER, {most})" if most else "MAX_NUMBER"
    inside = f"-MAX_NUMBER <= {field} <= {high}"
    limit = DEFAULT_LIMITS.max_number  # the JSON Schema tells the default limits
    most_value = NAMES[most] if most else limit
    assert isinstance(most_value, int)  # noqa: S101 - a constant of the table
    return Rule(
        schema={"minimum": -limit, "maximum": min(limit, most_value)},
        implied=implied,
        name=f"{model.__name__.lower()}-{field.replace('_', '-')}-in-range",
        code="number-out-of-range",
        model=model,
        field=field,
        condition=f"{field} is None or {inside}" if optional else inside,
        message=_RANGE_MESSAGE,
        values={"value": f"show_number({field})", "low": "-MAX_NUMBER", "high": high},
    )


def _tenths(field: str, *, optional: bool = False) -> Rule:
    return Rule(
        name=f"hold-{field.replace('_', '-')}-in-tenths",
        code="too-precise",
        model=Hold,
        field=field,
        condition=f"{field} is None or in_tenths({field})" if optional else f"in_tenths({field})",
        message=_TENTHS_MESSAGE,
        values={"value": field},
        gated=True,
    )


def _duplicate(name: str, model: type, each: str, message: str, *, proof: str | None = None) -> Rule:
    return Rule(
        name=name,
        code="duplicate-id",
        model=model,
        each=each,
        message=message,
        proof=proof,
        note="each repetition of an id already seen in the list",
    )


def _repeated(model: type, each: str, message: str, *, by: str) -> Rule:
    """A warning for each entry of the list *each* that repeats an earlier one (checked in code, in one pass)."""
    return Rule(
        name=f"repeated-{each}-of-{model.__name__.lower()}",
        code="repeated-entry",
        model=model,
        each=each,
        message=message,
        proof=f"len({each}) < 2 or len({by}) == len({each})",
        note="each repetition of an entry already in the list (a source cited twice is listed twice)",
    )


#: Every rule, in the order the checks report them for one instance.
RULES: tuple[Rule, ...] = (
    # --- the pack ---------------------------------------------------------------
    Rule(
        name="schema-version-below-one",
        code="unsupported-schema-version",
        model=Pack,
        field="schema_version",
        condition="schema_version >= 1",
        message=N_("schema versions start at 1, found {value}"),
        values={"value": "show_number(schema_version)"},
        schema={"minimum": 1},
    ),
    Rule(
        name="schema-version-too-new",
        code="unsupported-schema-version",
        model=Pack,
        field="schema_version",
        condition="schema_version <= SCHEMA_VERSION",
        message=N_(
            "the pack is written for schema version {value}, but this version of backext reads versions up to "
            "{newest}: upgrade backext"
        ),
        values={"value": "show_number(schema_version)", "newest": "SCHEMA_VERSION"},
        schema={"maximum": SCHEMA_VERSION},
    ),
    Rule(
        name="too-many-exercises",
        code="too-many-exercises",
        model=Pack,
        field="exercises",
        message=N_("the pack has {count} exercises, more than the limit of {limit}"),
        note="more exercises than Limits.max_exercises",
    ),
    _id("pack-id", Pack),
    Rule(
        name="pack-locale",
        code="invalid-locale",
        model=Pack,
        field="default_locale",
        condition="locale_tag(default_locale)",
        # Translators: {hint} is empty, or the suggestion "; did you mean {name}?", translated on its own.
        message=N_(
            "{value} is not a BCP 47 language tag with a primary language subtag, such as 'en' or 'de-CH'{hint}"
        ),
        values={"value": "shorten(default_locale)", "hint": "locale_hint(default_locale)"},
        schema={"pattern": LOCALE_TAG, "maxLength": MAX_TAG},
    ),
    Rule(
        name="pack-version",
        code="empty-value",
        model=Pack,
        field="version",
        condition="not blank(version)",
        message=N_("the pack's version is empty"),
        schema={"pattern": NON_BLANK},
    ),
    Rule(
        name="pack-exercises",
        code="empty-value",
        model=Pack,
        field="exercises",
        condition="exercises",
        message=N_("a pack needs at least one exercise"),
        schema={"minItems": 1},
    ),
    _duplicate("duplicate-exercise", Pack, "exercises", N_("the exercise {value} appears more than once")),
    _duplicate("duplicate-source", Pack, "sources", N_("the source {value} appears more than once")),
    Rule(
        name="unused-source",
        code="unused-source",
        model=Source,
        message=N_("no exercise cites the source {value}"),
        note="no exercise and no entry to avoid lists the source's id",
    ),
    Rule(
        name="no-disclaimer",
        code="no-disclaimer",
        model=Pack,
        condition="disclaimer is not None",
        message=N_("the pack has no disclaimer: tell people to exercise with a health-care provider's guidance"),
    ),
    Rule(
        name="no-sources",
        code="no-sources",
        model=Pack,
        condition="sources",
        message=N_("the pack cites no sources"),
    ),
    # --- sources and entries to avoid ---------------------------------------------
    _id("source-id", Source),
    Rule(
        name="source-citation",
        code="empty-value",
        model=Source,
        field="citation",
        condition="not blank(citation)",
        message=N_("the citation is empty"),
        schema={"pattern": NON_BLANK},
    ),
    Rule(
        name="source-url-not-web",
        code="source-url-not-web",
        model=Source,
        field="url",
        condition="url is None or web_address(url)",
        message=N_(
            "the address {value} is not an http or https address a browser opens as written: a handout shows it as"
            " text, never as a link"
        ),
        values={"value": "shorten(url)"},
    ),
    _id("avoid-id", Avoid),
    _duplicate("duplicate-avoid", Pack, "avoid", N_("the entry to avoid {value} appears more than once")),
    Rule(
        name="avoid-names-exercise",
        code="duplicate-id",
        model=Avoid,
        field="id",
        message=N_("{value} names an exercise too: an entry to avoid needs an id of its own"),
        note="an exercise of the pack has the same id",
    ),
    _repeated(Avoid, "sources", N_("the source {value} is cited more than once"), by="set(sources)"),
    _repeated(Avoid, "movements", N_("the movement {value} is named more than once"), by="set(movements)"),
    Rule(
        name="unknown-source",
        code="unknown-reference",
        model=Exercise,
        each="sources",
        message=_UNKNOWN_SOURCE,
        note="the pack has no source with the id (exercises and entries to avoid alike)",
    ),
    # --- an exercise ----------------------------------------------------------------
    _id("exercise-id", Exercise),
    Rule(
        name="exercise-steps",
        code="empty-value",
        model=Exercise,
        field="steps",
        condition="steps",
        message=N_("an exercise needs at least one step"),
        schema={"minItems": 1},
        # Few enough steps that a session's cues stay within their limit (the rest are bounded by plausibility).
        proof="0 < len(steps) <= CLEAN_STEPS",
    ),
    Rule(
        name="step-media-outside-folder",
        code="media-outside-folder",
        model=Exercise,
        each="steps",
        field="media",
        condition="item.media is None or safe_media(item.media)",
        message=N_(
            "the picture {value} is neither a path inside the pack's folder nor an http or https address:"
            " a handout leaves it out"
        ),
        values={"value": "shorten(item.media)"},
    ),
    Rule(
        name="media-missing",
        code="media-missing",
        model=Exercise,
        field="steps",
        message=N_("the picture {value} is not a file in the pack's folder: a handout leaves it out"),
        note="only for a pack read from a file: the path of a step's or a variation's media, in the pack's folder,"
        " names no file there (nothing, a folder, or a symbolic link that leads nowhere); a URL is not looked up"
        " (reported at the media field)",
    ),
    Rule(
        name="media-symbolic-link-out",
        code="media-file-outside-folder",
        model=Exercise,
        field="steps",
        message=N_(
            "the picture {value} is a symbolic link that leads out of the pack's folder: a handout leaves it out"
        ),
        note="only for a pack read from a file: the path of a step's or a variation's media, in the pack's folder,"
        " resolves to a file outside it (reported at the media field)",
    ),
    Rule(
        name="media-hard-link",
        code="media-file-outside-folder",
        model=Exercise,
        field="steps",
        message=N_(
            "the picture {value} is a hard link, a file with other names that may be outside the pack's folder:"
            " a handout embeds it as it is, so copy the file into the folder instead"
        ),
        note="only for a pack read from a file: the file a step's or a variation's media names has more than one"
        " name (reported at the media field)",
    ),
    Rule(
        name="session-too-long",
        code="session-too-long",
        model=Exercise,
        message=N_(
            "one session at the full dose would have about {cues} timed cues, more than the limit of {limit}: "
            "{sets} of {repetitions}, each held up to {seconds} s"
        ),
        gated=True,
        note="the timed cues of one session at the full dose exceed Limits.max_session_cues",
    ),
    Rule(
        name="exercise-ladder-too-long",
        code="ladder-too-long",
        model=Exercise,
        message=N_(
            "the exercise's dose would climb through more than {doses} from its start to its full dose: "
            "make the increment larger or the range smaller"
        ),
        gated=True,
        note="the exercise's own ladder has more doses than Limits.max_ladder_rungs (reported at its hold, or at "
        "its repetitions if the hold does not grow)",
    ),
    Rule(
        name="self-reference-next",
        code="self-reference",
        model=Exercise,
        field="progression/next_exercise",
        condition="progression.next_exercise != id",
        message=N_("{value} cannot lead to itself"),
        values={"value": "shorten(id)"},
        linked=True,
    ),
    Rule(
        name="self-reference-previous",
        code="self-reference",
        model=Exercise,
        field="progression/previous_exercise",
        condition="progression.previous_exercise != id",
        message=N_("{value} cannot lead to itself"),
        values={"value": "shorten(id)"},
        linked=True,
    ),
    Rule(
        name="avoided-in-ladder",
        code="avoided-in-ladder",
        model=Progression,
        field="next_exercise",
        message=N_("{value} is listed among the exercises to avoid: it cannot be on a ladder"),
        note="a next or previous exercise is an entry to avoid (reported at the link)",
    ),
    Rule(
        name="unknown-exercise",
        code="unknown-reference",
        model=Progression,
        field="next_exercise",
        # Translators: {hint} is empty, or the suggestion "; did you mean {name}?", translated on its own.
        message=N_("no exercise in this pack has the id {value}{hint}"),
        note="a next or previous exercise is no exercise of the pack (reported at the link)",
    ),
    Rule(
        name="previous-ahead",
        code="progression-cycle",
        model=Progression,
        field="previous_exercise",
        message=N_(
            "{value} is reached from {exercise} by the next links: a step down to it would go up the ladder; name"
            " an exercise below {exercise}"
        ),
        note="a previous exercise that the next links climb to from the exercise (reported at the link)",
    ),
    Rule(
        name="one-way-link",
        code="one-way-link",
        model=Progression,
        field="next_exercise",
        message=N_(
            "{value} has no previous_exercise: a step down from it retraces this link, back to {exercise}; name"
            " {exercise} as its previous_exercise to say so"
        ),
        note="a next link leads to an exercise that names no previous exercise (reported at the link)",
    ),
    Rule(
        name="one-way-link-untraced",
        code="one-way-link",
        model=Progression,
        field="next_exercise",
        message=N_(
            "{value} has no previous_exercise, and a step down from it cannot retrace this link (another exercise"
            " leads to it too, or the way down comes back round to it): a person in pain there stays at its lowest"
            " dose; name {exercise} as its previous_exercise"
        ),
        note="the same, where the engine cannot retrace the link: more than one leads in, or the way down circles",
    ),
    Rule(
        name="previous-asks-more",
        code="previous-asks-more",
        model=Progression,
        field="previous_exercise",
        message=N_(
            "{value} is at the same level as {exercise} and its start asks for more than the start of {exercise}: a"
            " step down to it raises what the person does; link to an easier exercise, or lower the start of {value}"
        ),
        note="a previous exercise of the same level whose starting dose asks for more in one number and no less in"
        " any (reported at the link; for a one-way link the engine retraces, at the next link)",
    ),
    Rule(
        name="link-to-refused",
        code="link-to-refused",
        model=Progression,
        field="next_exercise",
        message=N_(
            "{value} is refused: it has a movement osteoporosis guidance advises against, so the ladder cannot go there"
        ),
        note="a next or previous exercise has a contraindicated movement (reported at the link)",
    ),
    Rule(
        name="contraindicated-movement",
        code="contraindicated-movement",
        model=Exercise,
        each="movements",
        condition="not item.contraindicated",
        message=N_("{value} is a movement osteoporosis guidance advises against"),
        values={"value": "shorten(item.value)"},
        proof="CONTRAINDICATED.isdisjoint(movements)",
    ),
    Rule(
        name="no-movements",
        code="no-movements",
        model=Exercise,
        field="movements",
        condition="movements",
        message=N_(
            "the exercise names no movements: nothing tells whether it asks for one osteoporosis guidance advises "
            "against"
        ),
    ),
    _repeated(Exercise, "sources", N_("the source {value} is cited more than once"), by="set(sources)"),
    _repeated(Exercise, "movements", N_("the movement {value} is named more than once"), by="set(movements)"),
    _duplicate(
        "duplicate-variation",
        Exercise,
        "modifications",
        N_("the variation {value} appears more than once"),
        proof="len(modifications) < 2 or len({m.id for m in modifications}) == len(modifications)",
    ),
    Rule(
        name="hold-left-out",
        code="dose-never-grows",
        model=Exercise,
        field="progression",
        condition="HOLD in progression.order or not hold.progresses",
        message=N_(
            "the hold grows by {increment} s up to {target} s, but the progression's order leaves it out: it never "
            "grows"
        ),
        values={"increment": "hold.increment_seconds", "target": "hold.target_seconds"},
        gated=True,
    ),
    Rule(
        name="repetitions-left-out",
        code="dose-never-grows",
        model=Exercise,
        field="progression",
        condition="REPETITIONS in progression.order or repetitions.maximum <= repetitions.minimum",
        message=N_(
            "the repetitions go from {minimum} up to {maximum}, but the progression's order leaves them out: they "
            "never grow"
        ),
        values={"minimum": "repetitions.minimum", "maximum": "repetitions.maximum"},
        gated=True,
    ),
    Rule(
        name="variation-changes-nothing",
        code="variation-changes-nothing",
        model=Exercise,
        each="modifications",
        condition=(
            "item.hold_seconds_change == 0 and item.repetitions_change == 0"
            " or changes_dose(hold, repetitions, progression, item)"
        ),
        message=N_(
            "the variation {value} changes the hold by {hold} s and the repetitions by {repetitions}, but within the "
            "exercise's limits that changes no dose it prescribes"
        ),
        values={
            "value": "shorten(item.id)",
            "hold": "signed(item.hold_seconds_change)",
            "repetitions": "signed(item.repetitions_change)",
        },
        gated=True,
    ),
    Rule(
        name="easier-cannot-lower-start",
        code="easier-cannot-lower-start",
        model=Exercise,
        each="modifications",
        condition=(
            "item.direction is not EASIER or not lowers_only(item)"
            " or not changes_dose(hold, repetitions, progression, item)"
        ),
        message=N_(
            "the easier variation {value} only takes away from the dose, but doses stay within the exercise's "
            "limits: at the starting dose ({seconds} s, {repetitions}) it lowers nothing; lower the "
            "exercise's start, or add an easier exercise before it"
        ),
        values={
            "value": "shorten(item.id)",
            "seconds": "number(hold.start_seconds)",
            "repetitions": "repetitions_words(repetitions.minimum)",
        },
        gated=True,
    ),
    # --- the hold ---------------------------------------------------------------------
    _range(Hold, "start_seconds", implied=True, most="MAX_SECONDS"),
    _range(Hold, "target_seconds", implied=True, most="MAX_SECONDS"),
    _range(Hold, "increment_seconds", optional=True, most="MAX_SECONDS"),
    Rule(
        name="increment-without-span",
        code="dose-never-grows",
        model=Hold,
        field="increment_seconds",
        condition="increment_seconds is None or target_seconds != start_seconds",  # start above target: an error
        message=N_("the hold has an increment, but its target is its start: it never grows; leave the increment out"),
        gated=True,
    ),
    Rule(
        name="hold-plausible",
        code="implausible-dose",
        model=Hold,
        field="target_seconds",
        condition="target_seconds <= PLAUSIBLE_HOLD_SECONDS",
        message=N_("a hold of {value} s is unusually long for a back extension (over {limit} s)"),
        values={"value": "target_seconds", "limit": "PLAUSIBLE_HOLD_SECONDS"},
        gated=True,
    ),
    Rule(
        name="hold-start-positive",
        code="not-positive",
        model=Hold,
        field="start_seconds",
        condition="start_seconds > 0",
        message=N_("a hold must last more than 0 seconds, found {value}"),
        values={"value": "start_seconds"},
        schema={"exclusiveMinimum": 0},
        gated=True,
    ),
    Rule(
        name="hold-start-above-target",
        code="hold-start-above-target",
        model=Hold,
        field="target_seconds",
        condition="target_seconds >= start_seconds",
        message=N_("the target hold ({target} s) is shorter than the start ({start} s)"),
        values={"target": "target_seconds", "start": "start_seconds"},
        gated=True,
    ),
    _tenths("start_seconds"),
    _tenths("target_seconds"),
    _tenths("increment_seconds", optional=True),
    Rule(
        name="hold-increment-positive",
        code="not-positive",
        model=Hold,
        field="increment_seconds",
        condition="increment_seconds is None or increment_seconds > 0",
        message=N_(
            "an increment must be more than 0 seconds, found {value}; leave it out for a hold that does not progress"
        ),
        values={"value": "increment_seconds"},
        schema={"exclusiveMinimum": 0},
        gated=True,
    ),
    Rule(
        name="hold-increment-too-large",
        code="increment-too-large",
        model=Hold,
        field="increment_seconds",
        condition=(
            "increment_seconds is None or increment_seconds <= 0"
            " or not tenths_of(increment_seconds) > tenths_of(target_seconds) - tenths_of(start_seconds) > 0"
        ),
        message=N_("the increment ({value} s) is larger than the span from start to target ({span} s)"),
        values={
            "value": "increment_seconds",
            "span": "number((tenths_of(target_seconds) - tenths_of(start_seconds)) / 10)",
        },
        gated=True,
    ),
    Rule(
        name="hold-ladder-too-long",
        code="ladder-too-long",
        model=Hold,
        message=N_(
            "the exercise's dose would climb through more than {doses} from its start to its full dose: "
            "make the increment larger or the range smaller"
        ),
        # Few enough growths of the hold that the ladder stays within its limit (see _clean.CLEAN_RUNGS).
        proof=(
            "increment_seconds is None or tenths_of(target_seconds) - tenths_of(start_seconds)"
            " <= tenths_of(increment_seconds) * CLEAN_HOLD_STEPS"
        ),
        gated=True,
        note="proved by bounding the growths of the hold; checked as exercise-ladder-too-long",
    ),
    # --- the repetitions --------------------------------------------------------------
    _range(Repetitions, "minimum", implied=True, most="MAX_REPETITIONS"),
    _range(Repetitions, "maximum", implied=True, most="MAX_REPETITIONS"),
    _range(Repetitions, "sets", implied=True, most="MAX_REPETITIONS"),
    Rule(
        name="repetitions-minimum-positive",
        code="not-positive",
        model=Repetitions,
        field="minimum",
        condition="minimum >= 1",
        message=_AT_LEAST_ONE,
        values={"value": "minimum"},
        schema={"minimum": 1},
        gated=True,
    ),
    Rule(
        name="repetitions-sets-positive",
        code="not-positive",
        model=Repetitions,
        field="sets",
        condition="sets >= 1",
        message=_AT_LEAST_ONE,
        values={"value": "sets"},
        schema={"minimum": 1},
        gated=True,
    ),
    Rule(
        name="repetitions-plausible",
        code="implausible-dose",
        model=Repetitions,
        field="maximum",
        condition="maximum <= PLAUSIBLE_REPETITIONS",
        message=N_("{value} repetitions is unusually many (over {limit})"),
        values={"value": "maximum", "limit": "PLAUSIBLE_REPETITIONS"},
        gated=True,
    ),
    Rule(
        name="sets-plausible",
        code="implausible-dose",
        model=Repetitions,
        field="sets",
        condition="sets <= PLAUSIBLE_SETS",
        message=N_("{value} sets is unusually many (over {limit})"),
        values={"value": "sets", "limit": "PLAUSIBLE_SETS"},
        gated=True,
    ),
    Rule(
        name="repetitions-maximum-positive",
        code="not-positive",
        model=Repetitions,
        field="maximum",
        condition="maximum >= 1",
        message=_AT_LEAST_ONE,
        values={"value": "maximum"},
        schema={"minimum": 1},
        gated=True,
    ),
    Rule(
        name="repetitions-min-above-max",
        code="repetitions-min-above-max",
        model=Repetitions,
        field="maximum",
        condition="maximum >= minimum",
        message=N_("the maximum ({maximum}) is below the minimum ({minimum})"),
        values={"maximum": "maximum", "minimum": "minimum"},
        gated=True,
    ),
    # --- the progression --------------------------------------------------------------
    _range(Progression, "tolerated_sessions"),
    Rule(
        name="tolerated-sessions-positive",
        code="not-positive",
        model=Progression,
        field="tolerated_sessions",
        condition="tolerated_sessions >= 1",
        message=N_("expected at least 1 session, found {value}"),
        values={"value": "tolerated_sessions"},
        schema={"minimum": 1},
    ),
    Rule(
        name="progression-order-empty",
        code="empty-value",
        model=Progression,
        field="order",
        condition="order",
        message=N_(
            "the order names no part of the dose that grows: leave it out for the default, the hold then the "
            "repetitions"
        ),
        schema={"minItems": 1},
    ),
    Rule(
        name="duplicate-dimension",
        code="duplicate-id",
        model=Progression,
        each="order",
        message=N_("the dimension {value} appears more than once"),
        schema={"uniqueItems": True},
        proof="len(order) < 2 or len(set(order)) == len(order)",
        note="each repetition of a dimension already listed",
    ),
    # --- a variation ------------------------------------------------------------------
    _range(Modification, "hold_seconds_change"),
    Rule(
        name="variation-hold-in-tenths",
        code="too-precise",
        model=Modification,
        field="hold_seconds_change",
        condition="in_tenths(hold_seconds_change)",
        message=_TENTHS_MESSAGE,
        values={"value": "hold_seconds_change"},
        gated=True,
    ),
    _range(Modification, "repetitions_change"),
    _id("variation-id", Modification),
    Rule(
        name="variation-media-outside-folder",
        code="media-outside-folder",
        model=Modification,
        each="media",
        condition="safe_media(item)",
        message=N_(
            "the picture {value} is neither a path inside the pack's folder nor an http or https address:"
            " a handout leaves it out"
        ),
        values={"value": "shorten(item)"},
    ),
    Rule(
        name="harder-without-clearance",
        code="harder-without-clearance",
        model=Modification,
        condition="direction is not HARDER or requires_clearance",
        message=N_("the harder variation {value} does not ask for a clinician's clearance"),
        values={"value": "shorten(id)"},
    ),
    Rule(
        name="easier-adds-load",
        code="easier-adds-load",
        model=Modification,
        condition="direction is not EASIER or (hold_seconds_change <= 0 and repetitions_change <= 0)",
        message=N_(
            "the easier variation {value} adds to the dose (hold {hold} s, repetitions {repetitions}): "
            "make it take away, or mark it harder"
        ),
        values={
            "value": "shorten(id)",
            "hold": "signed(hold_seconds_change)",
            "repetitions": "signed(repetitions_change)",
        },
        gated=True,
    ),
    # --- the ladder between exercises ---------------------------------------------------
    Rule(
        name="level-goes-down-next",
        code="level-goes-down",
        model=Progression,
        field="next_exercise",
        message=N_("{target} ({target_level}) is at a lower level than {exercise} ({level})"),
        note="the next exercise is at a lower level",
    ),
    Rule(
        name="level-goes-down-previous",
        code="level-goes-down",
        model=Progression,
        field="previous_exercise",
        message=N_("{target} ({target_level}) is at a higher level than {exercise} ({level})"),
        note="the previous exercise is at a higher level",
    ),
    Rule(
        name="level-skipped",
        code="level-skipped",
        model=Progression,
        field="next_exercise",
        message=N_(
            "{target} ({target_level}) skips a level from {exercise} ({level}); the engine will not follow this link"
        ),
        note="a next or previous exercise is two levels away (a link to the same level is allowed)",
    ),
    Rule(
        name="progression-cycle",
        code="progression-cycle",
        model=Progression,
        field="next_exercise",
        message=N_("following the exercises leads back in a circle: {circle}"),
        note="following next (or previous) links comes back to an exercise already passed",
    ),
    Rule(
        name="chain-ladder-too-long",
        code="ladder-too-long",
        model=Progression,
        field="next_exercise",
        message=N_(
            "the doses from {exercise} to the top of its progression number more than {limit}: {own} of its own and "
            "{after} from the exercises after it"
        ),
        note="the doses from an exercise to the top of its chain of next exercises exceed Limits.max_ladder_rungs",
    ),
    # --- texts --------------------------------------------------------------------------
    Rule(
        name="text-empty",
        code="empty-value",
        model=LocalizedText,
        message=N_("the text is empty"),
        note="a text, or one translation of it, is only whitespace",
    ),
    Rule(
        name="text-no-translation",
        code="empty-value",
        model=LocalizedText,
        message=N_("a text needs at least one translation"),
        note="a translated text is an empty object",
    ),
    Rule(
        name="text-locale",
        code="invalid-locale",
        model=LocalizedText,
        # Translators: {hint} is empty, or the suggestion "; did you mean {name}?", translated on its own.
        message=N_("{value} is not a BCP 47 language tag with a primary language subtag{hint}"),
        note="a translation's key is no BCP 47 tag",
    ),
    Rule(
        name="missing-default-locale",
        code="missing-default-locale",
        model=LocalizedText,
        message=N_("the text has no translation for the pack's default locale {value}"),
        note="a translated text lacks the pack's default locale",
    ),
    Rule(
        name="duplicate-locale",
        code="duplicate-locale",
        model=LocalizedText,
        message=N_("{value} is the language tag {other} written another way: keep one translation"),
        note="two keys of a translated text are one tag, in another case",
    ),
    Rule(
        name="incomplete-translation",
        code="incomplete-translation",
        model=LocalizedText,
        message=N_("no translation for {locales}, which other texts of the pack have"),
        note="other texts of the pack have locales this one lacks",
    ),
)

#: The rules by name.
_BY_NAME: Mapping[str, Rule] = MappingProxyType({r.name: r for r in RULES})


def rule(name: str) -> Rule:
    """The rule named *name*."""
    return _BY_NAME[name]


# --- deriving the forms -------------------------------------------------------------


def _fields(model: type) -> frozenset[str]:
    return frozenset(f.name for f in attrs.fields(model)) if attrs.has(model) else frozenset()


def rewrite(expression: str, model: type, field: Callable[[str], ast.expr]) -> str:
    """*expression* with every field of *model* written as *field* gives it."""
    names = _fields(model)

    class Fields(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return ast.copy_location(field(node.id), node) if node.id in names else node

    tree = ast.parse(expression, mode="eval")
    return ast.unparse(ast.fix_missing_locations(Fields().visit(tree)))


def proof(model: type, field: Callable[[str], ast.expr]) -> str | None:
    """The fast proof of *model*: every rule's proof (or condition), as one expression; ``None`` if none.

    The conditions of the rules that apply to each item of one field are
    checked in one pass over it, and only if it is not empty.
    """
    parts: list[str] = []
    each: dict[str, list[str]] = {}
    for entry in RULES:
        if entry.model is not model or entry.implied or entry.linked:
            continue
        if entry.proof is not None:
            parts.append(entry.proof)
        elif entry.condition is not None:
            if entry.each is None:
                parts.append(entry.condition)
            else:
                if entry.each not in each:
                    each[entry.each] = []
                    parts.append(entry.each)  # a placeholder, where the pass goes
                each[entry.each].append(entry.condition)
    if not parts:
        return None
    for name, conditions in each.items():
        parts[parts.index(name)] = f"not {name} or {_one_pass(model, name, tuple(conditions))}"
    return rewrite(" and ".join(f"({part})" for part in parts), model, field)


@functools.cache
def _one_pass(model: type, each: str, conditions: tuple[str, ...]) -> str:
    """A call of a function (added to :data:`NAMES`) that checks *conditions* on each item of *each*.

    A loop in a function of its own is quicker than a generator expression
    for the few items a field usually holds.
    """
    joined = " and ".join(f"({c})" for c in conditions)
    used = {n.id for n in ast.walk(ast.parse(joined, mode="eval")) if isinstance(n, ast.Name)}
    arguments = [f.name for f in attrs.fields(model) if f.name in used and f.name != each] + [each]
    name = f"each_{model.__name__}_{each}"
    items = f"enumerate({each})" if "index" in used else each
    target = "index, item" if "index" in used else "item"
    source = "\n".join(
        [
            f"def {name}({', '.join(arguments)}):",
            f"    for {target} in {items}:",
            f"        if not ({joined}):",
            "            return False",
            "    return True",
        ]
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<backext one pass over {model.__name__}.{each}>", "exec"), _NAMES, namespace)  # noqa: S102
    _NAMES[name] = namespace[name]
    PASSES[name] = source
    return f"{name}({', '.join(arguments)})"


#: The source of each function :func:`proof` added to :data:`NAMES`, by name (for the shipped structuring code).
PASSES: dict[str, str] = {}


_Compiled = Callable[[object, object, int, int], Any]


@functools.cache
def _compiled(expression: str, model: type) -> _Compiled:
    """*expression* as a function of the instance, the item, its index and ``MAX_NUMBER``."""
    body = rewrite(expression, model, lambda name: ast.Attribute(ast.Name("self", ast.Load()), name, ast.Load()))
    namespace = {k: v for k, v in NAMES.items() if k != "MAX_NUMBER"}
    code = compile(f"lambda self, item, index, MAX_NUMBER: ({body})", f"<backext rule over {model.__name__}>", "eval")
    function: _Compiled = eval(code, namespace)  # noqa: S307 - our own expressions, from the table above
    return function


def _values(entry: Rule) -> str:
    return "{" + ", ".join(f"{name!r}: ({expression})" for name, expression in entry.values.items()) + "}"


def rule_problems(instance: object, at: str, max_number: int, which: str) -> Iterator[Finding]:
    """The problems of the rules with a condition that *instance* (at the pointer *at*) does not meet.

    *which* chooses the rules: ``"ranges"`` (the numbers' ranges), ``"gated"``
    (the rules that need the numbers in range) or ``"ungated"`` (the others).
    """
    model: Any = type(instance)
    for entry in _RULES_OF.get(model, ()):
        if _which(entry) != which:
            continue
        assert entry.condition is not None  # noqa: S101 - _RULES_OF holds only rules with a condition
        holds = _compiled(entry.condition, model)
        values = _compiled(_values(entry), model)
        if entry.each is None:
            if not holds(instance, None, 0, max_number):
                yield entry.at(entry.pointer(at), **values(instance, None, 0, max_number))
            continue
        for index, item in enumerate(getattr(instance, entry.each)):
            if not holds(instance, item, index, max_number):
                yield entry.at(entry.pointer(at, index), **values(instance, item, index, max_number))


def _which(entry: Rule) -> str:
    if entry.code == "number-out-of-range":
        return "ranges"
    return "gated" if entry.gated else "ungated"


_RULES_OF: Mapping[type, tuple[Rule, ...]] = MappingProxyType(
    {
        model: tuple(r for r in RULES if r.model is model and r.condition is not None)
        for model in {r.model for r in RULES}
    }
)


def schema_bounds() -> dict[tuple[type, str], dict[str, Any]]:
    """The JSON Schema keywords of the rules that carry one, by class and field."""
    bounds: dict[tuple[type, str], dict[str, Any]] = {}
    for entry in RULES:
        if entry.schema is not None:
            key = (entry.model, entry.each or entry.field)
            bounds[key] = {**bounds.get(key, {}), **entry.schema}
    return bounds
