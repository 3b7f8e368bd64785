"""The domain model: exercises, their doses, and the pack that holds them.

Every class is a frozen, slotted attrs class: values, not objects with
identity. Construct them with keyword arguments, change them with
:func:`attrs.evolve`.
"""

from __future__ import annotations

import weakref

import attrs

from ._text import Text, localize
from ._vocabulary import Dimension, Direction, Level, Movement


__all__ = [
    "SCHEMA_VERSION",
    "Avoid",
    "Exercise",
    "Hold",
    "Modification",
    "Pack",
    "Progression",
    "Repetitions",
    "Source",
    "Step",
]

#: The newest pack ``schema_version`` this library reads and writes.
SCHEMA_VERSION = 1


@attrs.frozen(kw_only=True)
class Step:
    """One instruction of an exercise, in the order the person does them.

    Attributes:
        text: The instruction, as a person reads it.
        cue: A short spoken cue for voice coaching, such as "Chest up".
        media: A reference to a picture or a video: a URL, an app's asset
            name, or the path of an SVG or PNG file relative to the pack
            file's folder, which :func:`~backext.handout` embeds.

    Example:
        >>> Step(text="Lie face down on a firm surface.", cue="Lie down").cue
        'Lie down'

    .. versionadded:: 0.1.0
    """

    text: Text
    cue: Text | None = None
    media: str | None = None


@attrs.frozen(kw_only=True)
class Hold:
    """How long each repetition is held, in seconds.

    A hold that progresses starts at ``start_seconds`` and may grow by
    ``increment_seconds`` at a time up to ``target_seconds``. A hold with no
    increment does not progress: the person holds for ``start_seconds`` to
    ``target_seconds`` every time, and the engine prescribes
    ``start_seconds``.

    Attributes:
        start_seconds: Seconds held at the starting dose.
        target_seconds: The longest hold this exercise asks for, in seconds:
            the engine never prescribes more.
        increment_seconds: Seconds by which the engine may lengthen the hold in
            one step; absent for a hold that does not progress.

    Example:
        >>> Hold(start_seconds=5, target_seconds=30, increment_seconds=5).progresses
        True
        >>> Hold(start_seconds=1, target_seconds=2).progresses
        False

    .. versionadded:: 0.1.0
    """

    start_seconds: float
    target_seconds: float
    increment_seconds: float | None = None

    @property
    def progresses(self) -> bool:
        """Whether the engine may lengthen this hold."""
        return (
            self.increment_seconds is not None
            and self.increment_seconds > 0
            and self.target_seconds > self.start_seconds
        )


@attrs.frozen(kw_only=True)
class Repetitions:
    """How many times an exercise is repeated.

    Attributes:
        minimum: Repetitions in a set at the starting dose.
        maximum: The most repetitions in a set: the engine never prescribes
            more.
        sets: Sets in one session.

    Example:
        >>> Repetitions(minimum=8, maximum=10).sets
        1

    .. versionadded:: 0.1.0
    """

    minimum: int
    maximum: int
    sets: int = 1


@attrs.frozen(kw_only=True)
class Progression:
    """How an exercise's dose grows and where it leads: data, not a script.

    Attributes:
        order: The parts of the dose that grow, in the order they grow: by
            default the hold first, then the repetitions.
        tolerated_sessions: Well-tolerated sessions in a row at one dose before
            the dose steps up. The engine never uses fewer than its own rules
            ask for.
        next_exercise: The id of the exercise to move to once this one is at
            its full dose: at the same level or one level up, never down and
            never two levels up.
        previous_exercise: The id of the exercise to fall back to when this
            one is too much at its starting dose: at the same level or one
            level down.

    Example:
        >>> Progression(next_exercise="press-up").order
        (<Dimension.HOLD: 'hold'>, <Dimension.REPETITIONS: 'repetitions'>)

    .. versionadded:: 0.1.0
    """

    order: tuple[Dimension, ...] = (Dimension.HOLD, Dimension.REPETITIONS)
    tolerated_sessions: int = 3
    next_exercise: str | None = None
    previous_exercise: str | None = None


@attrs.frozen(kw_only=True)
class Modification:
    """A variation of an exercise, easier or harder, and its effect on the dose.

    Attributes:
        id: A slug naming the variation, unique within its exercise.
        name: A short name for the variation.
        description: What the person does differently.
        direction: Whether the variation makes the exercise easier or harder.
        requires_clearance: Whether a clinician must clear the person before the
            engine prescribes this variation.
        hold_seconds_change: Seconds added to (or, negative, taken from) the
            prescribed hold while the variation is in use. The result stays
            within the exercise's hold.
        repetitions_change: Repetitions added to (or taken from) each set while
            the variation is in use. The result stays within the exercise's
            repetitions.
        media: Pictures of the variation, in order (such as its start and
            end positions), referenced as a step's ``media`` is.

    Example:
        >>> Modification(
        ...     id="legs-too", name="Legs too", description="Lift the legs as well.",
        ...     direction=Direction.HARDER, requires_clearance=True,
        ... ).requires_clearance
        True

    .. versionadded:: 0.1.0
    """

    id: str
    name: Text
    description: Text
    direction: Direction
    requires_clearance: bool = False
    hold_seconds_change: float = 0
    repetitions_change: int = 0
    media: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Source:
    """A citation that the content rests on.

    Attributes:
        id: A slug by which exercises refer to this source.
        citation: The reference, in a conventional citation style.
        url: A link to the source, such as its DOI or PubMed address.

    Example:
        >>> Source(id="sinaki-2002", citation="Sinaki M, et al. Bone. 2002.").id
        'sinaki-2002'

    .. versionadded:: 0.1.0
    """

    id: str
    citation: str
    url: str | None = None


@attrs.frozen(kw_only=True)
class Exercise:
    """One exercise: what it is for, how to do it, and its dose.

    Attributes:
        id: A slug naming the exercise, unique within its pack.
        name: The exercise's name.
        level: How demanding the exercise is.
        purpose: What the exercise trains, in a sentence.
        starting_position: How the person lies or stands before the first step.
        steps: The instructions, in order.
        hold: How long each repetition is held.
        repetitions: How many repetitions, in how many sets.
        progression: How the dose grows and which exercises come before and
            after this one.
        equipment: What the person needs, such as a pillow.
        modifications: Variations of the exercise.
        safety_notes: What to watch for, and when to stop.
        movements: Tags from the documented vocabulary
            (:class:`~backext.Movement`) describing the movement.
        sources: Ids of the pack's sources that this exercise rests on.

    Example:
        >>> import backext
        >>> exercise = backext.builtin_pack().exercise("prone-chest-lift")
        >>> exercise.level, exercise.repetitions.minimum, exercise.repetitions.maximum
        (<Level.ADVANCED: 'advanced'>, 8, 10)

    .. versionadded:: 0.1.0
    """

    id: str
    name: Text
    level: Level
    purpose: Text
    starting_position: Text
    steps: tuple[Step, ...]
    hold: Hold
    repetitions: Repetitions
    progression: Progression = Progression()
    equipment: tuple[Text, ...] = ()
    modifications: tuple[Modification, ...] = ()
    safety_notes: tuple[Text, ...] = ()
    movements: tuple[Movement, ...] = ()
    sources: tuple[str, ...] = ()

    def modification(self, modification_id: str) -> Modification:
        """Return the variation with the id *modification_id*.

        Raises:
            KeyError: If there is none; the message suggests close ids.
        """
        for modification in self.modifications:
            if modification.id == modification_id:
                return modification
        raise KeyError(_unknown(f"variation of {self.id!r}", modification_id, [m.id for m in self.modifications]))


@attrs.frozen(kw_only=True)
class Avoid:
    """A movement or exercise to avoid, with the reason: the other half of the guidance.

    A pack lists them so that people learn what not to do as well as what to
    do. They are never part of a ladder: no exercise may lead to one, and
    ``backext show`` prints them under a heading of their own. Unlike an
    exercise, an entry may name the movements that osteoporosis guidance
    advises against: that is what it is for.

    Attributes:
        id: A slug naming the entry, unique among the pack's exercises and
            entries to avoid.
        name: What to avoid, such as "Sit-ups and crunches".
        description: What the movement is, so that it can be recognised.
        why: Why it is to be avoided.
        movements: The movements it involves (:class:`~backext.Movement`).
        sources: Ids of the pack's sources that say so.

    Example:
        >>> import backext
        >>> [entry.id for entry in backext.builtin_pack().avoid][:2]
        ['sit-ups-and-crunches', 'toe-touches']

    .. versionadded:: 0.1.0
    """

    id: str
    name: Text
    description: Text
    why: Text
    movements: tuple[Movement, ...] = ()
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Pack:
    """A set of exercises with their sources and disclaimer: what a pack file holds.

    Load one with :func:`~backext.load_pack`, or take the built-in one from
    :func:`~backext.builtin_pack`.

    Attributes:
        schema_version: The version of the content schema the pack is written
            in.
        id: A slug naming the pack.
        title: The pack's title.
        version: The pack's own version, chosen by its authors.
        default_locale: The BCP 47 locale tag of plain-string texts, and the
            locale to fall back to when a translation is missing.
        exercises: The exercises, usually from the easiest to the hardest.
        sources: Citations the exercises refer to.
        avoid: Movements and exercises to avoid, with the reasons
            (:class:`Avoid`); never part of a ladder.
        disclaimer: What a person must know before starting, shown with the
            routine.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> [exercise.level.value for exercise in pack.exercises]
        ['beginner', 'intermediate', 'advanced']

    .. versionadded:: 0.1.0
    """

    schema_version: int = SCHEMA_VERSION
    id: str
    title: Text
    version: str
    default_locale: str = "en"
    exercises: tuple[Exercise, ...]
    sources: tuple[Source, ...] = ()
    disclaimer: Text | None = None
    avoid: tuple[Avoid, ...] = ()

    def exercise(self, exercise_id: str) -> Exercise:
        """Return the exercise with the id *exercise_id*.

        It takes the same short time in a pack of thousands of exercises as
        in a pack of three: large packs are indexed by id on first use.

        Raises:
            KeyError: If the pack has none; the message suggests close ids.
            TypeError: If *exercise_id* is not a string.

        Example:
            >>> import backext
            >>> backext.builtin_pack().exercise("forearm-press-up").level
            <Level.BEGINNER: 'beginner'>
        """
        if not isinstance(exercise_id, str):
            raise TypeError(f"an exercise id must be a string, not {type(exercise_id).__name__}")
        if len(self.exercises) <= _SCAN_AT_MOST:
            for exercise in self.exercises:
                if exercise.id == exercise_id:
                    return exercise
        else:
            found = _index(self).get(exercise_id)
            if found is not None:
                return found
        raise KeyError(_unknown("exercise", exercise_id, [e.id for e in self.exercises]))

    def localize(self, text: Text, locale: str | None = None) -> str:
        """Return *text* in *locale*, falling back to the pack's default locale.

        Example:
            >>> import backext
            >>> pack = backext.builtin_pack()
            >>> pack.localize(pack.title)
            'Back extension exercises for osteoporosis'
        """
        return localize(text, locale, default_locale=self.default_locale)


#: Up to this many exercises, looking through them is as quick as an index.
_SCAN_AT_MOST = 16

#: Indexes of large packs by id: ``id(pack)`` -> (a weak reference to the
#: pack, its exercises by id). An entry goes when its pack does. A pack is
#: frozen, so its index never goes stale; it is a cache, not state.
_INDEXES: dict[int, tuple[weakref.ref[Pack], dict[str, Exercise]]] = {}


def _index(pack: Pack) -> dict[str, Exercise]:
    key = id(pack)
    entry = _INDEXES.get(key)
    if entry is not None and entry[0]() is pack:
        return entry[1]
    index: dict[str, Exercise] = {}
    for exercise in pack.exercises:
        index.setdefault(exercise.id, exercise)  # the first of duplicate ids, as a scan finds it
    _INDEXES[key] = (weakref.ref(pack, lambda _, key=key: _INDEXES.pop(key, None)), index)  # type: ignore[misc]
    return index


def _unknown(what: str, wanted: str, known: list[str]) -> str:
    import difflib  # noqa: PLC0415 - only for a message

    from ._limits import shorten  # noqa: PLC0415

    close = difflib.get_close_matches(wanted, known, n=1) if len(wanted) <= 100 else []
    if close:
        hint = f"; did you mean {shorten(close[0], 100)}?"
    else:
        listed = ", ".join(name if len(name) <= 60 else name[:57] + "..." for name in known[:10])
        hint = f"; known: {listed or 'none'}" + (f" and {len(known) - 10} more" if len(known) > 10 else "")
    return f"no {what} with the id {shorten(wanted)}{hint}"


def ensure_pack(pack: object, advice: str = "") -> None:
    """Refuse, with a ``TypeError``, a *pack* argument that is not a :class:`Pack` (*advice* ends the message)."""
    if not isinstance(pack, Pack):
        raise TypeError(f"pack must be a backext.Pack, not {type(pack).__name__}{advice}")
