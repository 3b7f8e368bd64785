"""Proving a pack clean, quickly: deciding that :func:`check_pack` would find nothing.

:func:`~backext._checks.check_pack` looks for problems and says what and
where. Most packs have none, and proving that takes far less: no paths, no
messages, one answer. The proof has two halves.

- the conditions each instance of a model class meets on its own when
  nothing is wrong with it, derived from the table of rules
  (:data:`backext._constraints.RULES`, by :func:`backext._constraints.proof`)
  as one Python expression over its fields; and, for every text, that it is
  more than whitespace. The fast loader (:mod:`backext._fastload`) evaluates
  them inline while it builds each instance, when the values are at hand: a
  second walk over a large pack would cost about as much again, mostly in
  memory traffic. They are derived when its structuring code is generated,
  and ship written into it (:mod:`backext._structurers`), so that proving a
  pack clean neither imports nor evaluates the table.
- :func:`links_clean`: what depends on more than one object: unique ids,
  the links between exercises and their levels, cycles, references to
  sources, and translations.

``False`` never says what is wrong: it means "run check_pack". The tests in
``tests/test_fastload.py`` check with hypothesis that the proof agrees with
:func:`~backext._checks.check_pack`.
"""

from __future__ import annotations

from ._conditions import CLEAN_HOLD_STEPS, PLAUSIBLE_REPETITIONS
from ._i18n import well_formed
from ._ladder import Reach, asks_more, climbing_down, leading_links, next_links, steps_down
from ._limits import DEFAULT_LIMITS
from ._model import Pack
from ._vocabulary import Level


__all__ = ["CLEAN_CHAIN", "CLEAN_RUNGS", "MAX_CLEAN_STRING", "links_clean"]

#: The most doses on one exercise's ladder in a pack proved clean: the start,
#: each growth of the hold (whole tenths: no rounding), each added repetition.
CLEAN_RUNGS = 1 + CLEAN_HOLD_STEPS + (PLAUSIBLE_REPETITIONS - 1)

#: The most exercises in a chain of next links in a pack proved clean, so that
#: its whole ladder stays within the limit.
CLEAN_CHAIN = DEFAULT_LIMITS.max_ladder_rungs // CLEAN_RUNGS

#: The longest string in a pack proved clean (checked by the fast loader as it reads each one).
MAX_CLEAN_STRING = DEFAULT_LIMITS.max_string_length


def links_clean(pack: Pack, *, locales: frozenset[str] | None, plain: int) -> bool:
    """Whether what spans more than one object is clean.

    Ids are unique, every link leads to another exercise of the same level
    or the next (in its direction), the links go round in no circle, every
    source an exercise cites is in the pack, and the texts are complete in
    every locale. The caller has checked each text, and passes *locales*,
    the locales every translated text has (``None`` if no text is
    translated), and the number of *plain* texts, which are in the pack's
    default locale only.
    """
    exercises = pack.exercises
    position = {e.id: index for index, e in enumerate(exercises)}
    source_ids = {s.id for s in pack.sources}
    if len(position) != len(exercises) or len(source_ids) != len(pack.sources):
        return False
    rank = {level: level.rank for level in Level}
    ordered = True  # whether every next link points further down the list, and every previous link up it
    chained = len(exercises) > CLEAN_CHAIN  # only then can a chain of next links be too long
    next_index: list[int] = []
    cited: set[str] = set()
    for index, exercise in enumerate(exercises):
        progression = exercise.progression
        following, preceding = progression.next_exercise, progression.previous_exercise
        if following is not None:
            there = position.get(following)
            if there is None or there == index or not 0 <= rank[exercises[there].level] - rank[exercise.level] <= 1:
                return False
            if exercises[there].progression.previous_exercise is None:  # a one-way link: a warning to report
                return False
            ordered = ordered and there > index
            if chained:
                next_index.append(there)
        elif chained:
            next_index.append(-1)
        if preceding is not None:
            there = position.get(preceding)
            if there is None or there == index or not 0 <= rank[exercise.level] - rank[exercises[there].level] <= 1:
                return False
            if exercises[there].level is exercise.level and asks_more(exercises[there], exercise):  # a warning
                return False
            ordered = ordered and there < index
        if exercise.sources:
            if not source_ids.issuperset(exercise.sources):
                return False
            cited.update(exercise.sources)
    if pack.avoid:
        avoided = {entry.id for entry in pack.avoid}
        if len(avoided) != len(pack.avoid) or not avoided.isdisjoint(position):
            return False
        for entry in pack.avoid:
            if not source_ids.issuperset(entry.sources):
                return False
            cited.update(entry.sources)
    # Links that all point one way along the list cannot go round in a circle.
    reach = None if ordered else Reach(next_links(pack))  # made once: each link asked of it in constant time
    if reach is not None and (
        _has_cycle({e.id: e.progression.next_exercise for e in exercises})
        or _has_cycle({e.id: e.progression.previous_exercise for e in exercises})
        or any(
            e.progression.previous_exercise is not None and reach.ahead(e.id, e.progression.previous_exercise)
            for e in exercises
        )  # a "previous" exercise the next links climb to: a step down would go up
        or climbing_down(pack, steps_down(pack, leading_links(pack), reach), reach)  # or two steps down would
    ):
        return False
    if chained and _longest_chain(next_index, ordered=ordered) > CLEAN_CHAIN:
        return False
    if len(cited) != len(source_ids):  # a source no exercise cites
        return False
    if locales is None:
        return True
    return (
        pack.default_locale in locales
        # One spelling of each tag: two (``de``, ``DE``) go the exact way, which compares them regardless of case.
        and len({tag.lower() for tag in locales}) == len(locales)
        and all(well_formed(tag) and len(tag) <= MAX_CLEAN_STRING for tag in locales)
        and not (plain and len(locales) > 1)  # a plain text would miss the other locales
    )


def _has_cycle(successor: dict[str, str | None]) -> bool:
    """Whether following *successor* from some id leads back to an id already passed."""
    done: set[str] = set()
    for first in successor:
        path: set[str] = set()
        current: str | None = first
        while current is not None and current not in done:
            if current in path:
                return True
            path.add(current)
            current = successor.get(current)
        done.update(path)
    return False


def _longest_chain(following: list[int], *, ordered: bool) -> int:
    """The most exercises on one chain of *following* indexes (-1: none), which go round in no circle."""
    length = [1] * len(following)
    if ordered:  # every link points further down the list: one pass from the end
        for index in range(len(following) - 1, -1, -1):
            there = following[index]
            if there != -1:
                length[index] = length[there] + 1
        return max(length, default=0)
    known = [False] * len(following)
    for start in range(len(following)):
        path: list[int] = []
        current = start
        while current != -1 and not known[current]:
            path.append(current)
            current = following[current]
        above = 0 if current == -1 else length[current]
        for index in reversed(path):
            above = length[index] = above + 1
            known[index] = True
    return max(length, default=0)
