"""Timed cues for a voice-coached session."""

from __future__ import annotations

import datetime
import enum
import math
import string

import attrs

from ._engine import session_on
from ._i18n import N_, N_plural, gettext, ngettext, parse_locale, plural_count
from ._ladder import from_tenths, tenths
from ._limits import DEFAULT_LIMITS
from ._messages import Message
from ._model import Exercise, Pack, ensure_pack
from ._reconcile import exercise_of, reconcile, stopped_since
from ._render import localized_number
from ._rules import DEFAULT_RULES, Rules
from ._state import Prescription, State
from ._text import Text
from ._wrong import WordedError, shown_number
from .exceptions import SessionError, StoppedError


__all__ = ["Cue", "CueKind", "Phrases", "timeline"]


class CueKind(enum.Enum):
    """What a :class:`Cue` asks the person to do.

    Example:
        >>> CueKind("countdown") is CueKind.COUNTDOWN
        True

    .. versionadded:: 0.1.0
    """

    STEP = "step"
    """One of the exercise's steps, to get into position."""
    SET = "set"
    """A set begins."""
    REPETITION = "repetition"
    """A repetition begins."""
    LIFT = "lift"
    """Lift into the position."""
    HOLD = "hold"
    """Hold still; the countdown follows."""
    COUNTDOWN = "countdown"
    """Seconds left in the hold."""
    LOWER = "lower"
    """Lower gently."""
    REST = "rest"
    """Rest before the next repetition or set."""
    FINISH = "finish"
    """The session is over; its offset is the session's total duration."""
    VARIATION = "variation"
    """The variations in use this session, named in one cue before the steps.

    .. versionadded:: Unreleased
    """


@attrs.frozen(kw_only=True)
class Phrases:
    """The words the timeline speaks, for an app to translate.

    Each is a :meth:`str.format` template; the fields it may use are named.
    The defaults are English, and :func:`~backext.timeline` speaks them in
    the locale it is given (with the right plural: "Hold for 1 second");
    phrases an app passes are used as they are.

    Attributes:
        set: Starts a set; ``{set}`` and ``{sets}``.
        repetition: Starts a repetition; ``{repetition}`` and ``{repetitions}``.
        lift: Lift into the position.
        hold: Hold; ``{seconds}``.
        countdown: Seconds left; ``{seconds}``.
        lower: Lower gently.
        rest: Rest; ``{seconds}``.
        finish: The end of the session.
        variation: Names the variations in use, before the steps;
            ``{names}``, their names (the pack's texts) in the locale the
            timeline speaks, one after the other.

    Example:
        >>> Phrases().repetition.format(repetition=2, repetitions=10)
        'Repetition 2 of 10'

    .. versionadded:: 0.1.0

    .. versionchanged:: Unreleased
       *variation*, for the cue that names the variations in use.
    """

    # Translators: the cues a voice coach speaks during a session; short, spoken, to the person (informal
    # where the language allows).
    set: str = N_("Set {set} of {sets}")
    repetition: str = N_("Repetition {repetition} of {repetitions}")
    lift: str = N_("Lift")
    hold: str = "Hold for {seconds} seconds"
    countdown: str = "{seconds}"
    lower: str = N_("Lower slowly")
    rest: str = "Rest for {seconds} seconds"
    finish: str = N_("Well done, that is the session")
    variation: str = "Variations: {names}"


#: The phrases as they are by default: these are spoken in the locale asked for; phrases an app gives are its own.
_DEFAULT = Phrases()

#: The default phrases with a number that takes a plural: their singular and plural forms.
_PLURALS = {
    "hold": N_plural("Hold for {seconds} second", "Hold for {seconds} seconds"),
    "rest": N_plural("Rest for {seconds} second", "Rest for {seconds} seconds"),
    # The same words as a calendar event's description (:mod:`backext._calendar`).
    "variation": N_plural("Variation: {names}", "Variations: {names}"),
}


def _phrase(phrases: Phrases, name: str, tags: tuple[str | None, str | None], count: float = 0) -> str:
    """The template of the phrase *name*: an app's own as it is, a default one translated (plural by *count*)."""
    template: str = getattr(phrases, name)
    if template != getattr(_DEFAULT, name) or name == "countdown":
        return template
    if name in _PLURALS:
        return ngettext(*_PLURALS[name], plural_count(count, *tags), *tags)
    return gettext(template, *tags)


@attrs.frozen(kw_only=True)
class Cue:
    """One timed cue.

    Attributes:
        offset_seconds: Seconds from the start of the session.
        kind: What the cue asks for.
        text: What to say or show: the exercise's own text for steps (localize
            it with :meth:`Pack.localize <backext.Pack.localize>`), a phrase for
            the rest.
        set: The set the cue belongs to, from 1.
        repetition: The repetition the cue belongs to, from 1.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> first = backext.timeline(pack, state)[0]
        >>> first.offset_seconds, first.kind.value, pack.localize(first.text)
        (0, 'step', 'Forearms in')

    .. versionadded:: 0.1.0
    """

    offset_seconds: float
    kind: CueKind
    text: Text
    set: int | None = None
    repetition: int | None = None


#: The longest rest, step or movement time a timeline accepts, in seconds (our choice): an hour.
MAX_PAUSE_SECONDS = 3600


def _check_within(exercise: Exercise, prescription: Prescription) -> None:
    """Refuse a prescription beyond its exercise's limits in the pack given."""
    hold, reps = prescription.hold_seconds, prescription.repetitions
    known = {m.id for m in exercise.modifications}
    within = (
        type(hold) in (int, float)
        and exercise.hold.start_seconds <= hold <= exercise.hold.target_seconds
        and type(reps) is int
        and exercise.repetitions.minimum <= reps <= exercise.repetitions.maximum
        and prescription.sets == exercise.repetitions.sets
        and all(m in known for m in prescription.modifications)
    )
    if not within:
        raise SessionError(
            Message(
                template=N_(
                    "the prescription is beyond the limits of {exercise} in the pack given: pass the person's state,"
                    " which the pack checks"
                ),
                values={"exercise": repr(exercise.id)},
            )
        )


#: The fields each phrase may use.
_FIELDS = {
    "set": {"set", "sets"},
    "repetition": {"repetition", "repetitions"},
    "lift": set(),
    "hold": {"seconds"},
    "countdown": {"seconds"},
    "lower": set(),
    "rest": {"seconds"},
    "finish": set(),
    "variation": {"names"},
}


def _check_phrases(phrases: Phrases) -> None:
    """Refuse a phrase that uses a field it may not, or any conversion, format spec or attribute."""
    if not isinstance(phrases, Phrases):
        raise TypeError(f"phrases must be a backext.Phrases, not {type(phrases).__name__}")
    for name, allowed in _FIELDS.items():
        template = getattr(phrases, name)
        if type(template) is not str or len(template) > 1000:
            raise ValueError(f"the phrase {name!r} must be a string of at most 1000 characters")
        try:
            parts = list(string.Formatter().parse(template))
        except ValueError as error:
            raise ValueError(f"the phrase {name!r} is not a valid template: {error}") from None
        for _, field, spec, conversion in parts:
            if field is None:
                continue
            if field not in allowed or spec or conversion:
                fields = ", ".join(f"{{{f}}}" for f in sorted(allowed)) or "no fields"
                written = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
                raise ValueError(f"the phrase {name!r} may use {fields}, plainly, not {{{written}}}")


def timeline(
    pack: Pack,
    prescription: Prescription | State,
    *,
    rest_seconds: float | None = None,
    set_rest_seconds: float = 60,
    step_seconds: float = 5,
    lift_seconds: float = 2,
    lower_seconds: float = 2,
    phrases: Phrases = Phrases(),
    locale: str | None = None,
    on: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> tuple[Cue, ...]:
    """The ordered, timed cues of one session of *prescription*.

    The session opens with a :attr:`CueKind.VARIATION` cue naming the
    variations in use, if any (given *step_seconds*), then the exercise's steps
    (its spoken cue where it has one), then for each set and repetition:
    lift, hold with a countdown of whole seconds, lower, and rest. The last
    cue, :attr:`CueKind.FINISH`, comes at the session's total duration.

    Args:
        pack: The pack the prescription's exercise comes from.
        prescription: The dose, or a person's state (checked against the
            pack as :func:`~backext.step` does, and refused while stopped).
        rest_seconds: Rest between repetitions; by default as long as the hold
            and at least 3 seconds. It may not be shorter than the hold.
        set_rest_seconds: Rest between sets.
        step_seconds: Time given to each step of getting into position, and
            and to the cue naming the variations.
        lift_seconds: Time to lift into the position.
        lower_seconds: Time to lower out of it.
        phrases: The words spoken, for an app's own wording; the default
            phrases are spoken in *locale*.
        locale: The language of the default phrases (BCP 47 fallback, then
            the pack's default locale, then English); ``None`` is the
            pack's default. The steps' cues are the pack's own texts: localize
            them with :meth:`Pack.localize <backext.Pack.localize>`.
        on: The day of the session, for a state: the session is then the one
            the engine allows that day, as :func:`~backext.handout` shows it
            (a variation whose clearance has ended is dropped, a long break
            steps the dose back; a clearance that lets sessions resume later
            is waited for). ``None`` is the state's dose as it stands. A
            bare prescription has no days: *on* needs a state.
        rules: The engine's rules the state is checked and brought to *on*
            with.

    Raises:
        ValueError: If *locale* is not a well-formed language tag, a
            duration is not from 0 to an hour, *rest_seconds* is shorter than
            the hold, a phrase uses a field it may not, or the session would
            have more cues than ``Limits.max_session_cues``.
        StoppedError: If *prescription* is a stopped state.
        SessionError: If *on* is before the state's last session, or the prescription is beyond the limits of its
            exercise in *pack* (hold, repetitions, sets, variations). A
            bare prescription cannot show its clearances: pass the state.
        TypeError: If an argument is of the wrong type.
        UnknownIdError: If the pack has no such exercise.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> cues = backext.timeline(pack, backext.start(pack, "hand-press-up").prescription)
        >>> for cue in cues[3:8]:
        ...     print(cue.offset_seconds, cue.kind.value, pack.localize(cue.text))
        15 set Set 1 of 1
        15 repetition Repetition 1 of 10
        15 lift Lift
        17 hold Hold for 1 second
        17 countdown 1
        >>> cues[-1].kind, cues[-1].offset_seconds
        (<CueKind.FINISH: 'finish'>, 92)
        >>> [cue.text for cue in backext.timeline(pack, backext.start(pack, "hand-press-up"), locale="de")][3:6]
        ['Satz 1 von 1', 'Wiederholung 1 von 10', 'Anheben']

    .. versionadded:: 0.1.0

    .. versionchanged:: Unreleased
       A variation in use is named by a :attr:`CueKind.VARIATION` cue before the steps.
    """
    ensure_pack(pack)
    if not isinstance(rules, Rules):
        raise TypeError(f"rules must be a backext.Rules, not {type(rules).__name__}")
    if on is not None and type(on) is not datetime.date:
        raise TypeError(f"on must be a datetime.date or None, not {type(on).__name__}")
    if isinstance(prescription, State):
        if prescription.stop is not None:
            raise StoppedError(stopped_since(prescription.stop.date))
        if on is None:
            prescription = reconcile(pack, prescription, None, rules)[0].prescription
        else:
            before_last = N_("the session's day ({day}) is before the state's last session ({last})")
            brought, on_the_day = session_on(pack, prescription, on, rules, before_last)
            if on_the_day is None or brought.stop is not None:  # pragma: no cover - bringing a state never stops it
                raise StoppedError(stopped_since(on))
            prescription = on_the_day
    elif not isinstance(prescription, Prescription):
        raise TypeError(f"prescription must be a backext.Prescription or State, not {type(prescription).__name__}")
    elif on is not None:
        raise TypeError("on needs a backext.State: a bare prescription has no days to bring it to")
    exercise = exercise_of(pack, prescription.exercise_id)
    _check_within(exercise, prescription)
    hold = prescription.hold_seconds
    # By default the rest is as long as the hold: a pack's hold of more than an hour gives a rest as long (the
    # bound below is on the durations an app passes).
    rest = max(hold, 3) if rest_seconds is None else rest_seconds
    for name, value in (
        ("rest_seconds", rest_seconds),
        ("set_rest_seconds", set_rest_seconds),
        ("step_seconds", step_seconds),
        ("lift_seconds", lift_seconds),
        ("lower_seconds", lower_seconds),
    ):
        if value is None and name == "rest_seconds":
            continue
        if type(value) not in (int, float) or not 0 <= value <= MAX_PAUSE_SECONDS:  # type: ignore[operator]
            raise WordedError(
                N_("{name} must be a number of seconds from 0 to {most}, not {value}"),
                {"name": name, "most": MAX_PAUSE_SECONDS, "value": shown_number(value)},
            )
    variations = [m for m in exercise.modifications if m.id in prescription.modifications]
    cue_count = (
        (1 if variations else 0)
        + len(exercise.steps)
        + 1
        + prescription.sets * (1 + prescription.repetitions * (5 + math.ceil(hold)))
    )
    if cue_count > DEFAULT_LIMITS.max_session_cues:
        raise WordedError(
            N_(
                "the session would have {count} cues, more than {most} (Limits.max_session_cues): the dose of"
                " {exercise} is too long to coach cue by cue"
            ),
            {"count": cue_count, "most": DEFAULT_LIMITS.max_session_cues, "exercise": repr(exercise.id)},
        )
    _check_phrases(phrases)
    tags = (locale, pack.default_locale)
    if locale is not None:
        parse_locale(locale)
    if rest < hold:
        raise WordedError(
            N_("rest_seconds ({rest}) may not be shorter than the hold ({hold})"), {"rest": rest, "hold": hold}
        )
    # Every offset is counted in whole tenths of a second, so that it is exact (a 1.1 s hold ten times is 11 s).
    step_t, lift_t, lower_t = tenths(step_seconds), tenths(lift_seconds), tenths(lower_seconds)
    rest_t, set_rest_t, hold_t = tenths(rest), tenths(set_rest_seconds), tenths(hold)
    lift, lower = _phrase(phrases, "lift", tags), _phrase(phrases, "lower", tags)
    cues: list[Cue] = []
    now = 0
    if variations:  # first: the person knows what is done differently before getting into position
        # Translators: between the items of a list on one line.
        names = gettext("; ", *tags).join(pack.localize(m.name, locale) for m in variations)
        said = _phrase(phrases, "variation", tags, len(variations)).format(names=names)
        cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.VARIATION, text=said))
        now += step_t
    for step_ in exercise.steps:
        text = step_.cue if step_.cue is not None else step_.text
        cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.STEP, text=text))
        now += step_t

    def rest_cue(seconds: float, set_: int, repetition: int | None = None) -> Cue:
        text = _phrase(phrases, "rest", tags, seconds).format(seconds=localized_number(seconds, *tags))
        return Cue(offset_seconds=from_tenths(now), kind=CueKind.REST, text=text, set=set_, repetition=repetition)

    for set_number in range(1, prescription.sets + 1):
        if set_number > 1:
            cues.append(rest_cue(from_tenths(set_rest_t), set_number - 1))
            now += set_rest_t
        cues.append(
            Cue(
                offset_seconds=from_tenths(now),
                kind=CueKind.SET,
                text=_phrase(phrases, "set", tags).format(set=set_number, sets=prescription.sets),
                set=set_number,
            )
        )
        for repetition in range(1, prescription.repetitions + 1):
            where = {"set": set_number, "repetition": repetition}
            if repetition > 1:
                cues.append(rest_cue(from_tenths(rest_t), set_number, repetition - 1))
                now += rest_t
            count = _phrase(phrases, "repetition", tags).format(
                repetition=repetition, repetitions=prescription.repetitions
            )
            cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.REPETITION, text=count, **where))
            cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.LIFT, text=lift, **where))
            now += lift_t
            said = _phrase(phrases, "hold", tags, hold).format(seconds=localized_number(hold, *tags))
            cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.HOLD, text=said, **where))
            cues.extend(
                Cue(
                    offset_seconds=from_tenths(max(now, now + hold_t - 10 * left)),
                    kind=CueKind.COUNTDOWN,
                    text=phrases.countdown.format(seconds=left),
                    **where,
                )
                for left in range(-(-hold_t // 10), 0, -1)
            )
            now += hold_t
            cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.LOWER, text=lower, **where))
            now += lower_t
    cues.append(Cue(offset_seconds=from_tenths(now), kind=CueKind.FINISH, text=_phrase(phrases, "finish", tags)))
    return tuple(cues)
