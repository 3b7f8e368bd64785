"""What the engine remembers about a pack between calls: states it made, and the next dose up.

Both are caches, and neither changes an answer. Entries are kept per pack
object, weakly, the way :meth:`~backext.Pack.exercise` keeps its index: an
entry goes when its pack does, and nothing here holds a pack, a state or a
rule alive.

*Made states.* Every call checks the state it is given against the pack
given now (:func:`~backext._reconcile.check_state`). A state that the engine
itself returned after checking and deriving it, for this very pack object
and these rules, is known to fit them, and is not checked again when it
comes straight back. It is known by identity, never by value: a state the
app builds, loads, copies or evolves is a new object and is checked in
full. Packs, states and rules are frozen, so the object that comes back
holds what the engine made (an app that forces a new value into a frozen
object with ``object.__setattr__`` is outside the contract).

*The next dose up.* :func:`~backext._reconcile.higher` walks an exercise's
ladder on every call; its answer depends only on the pack, so it is kept
per pack, for a bounded number of doses.
"""

from __future__ import annotations

import functools
import weakref
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from typing import TypeAlias

    from ._ladder import Dose
    from ._model import Exercise, Pack
    from ._rules import Rules
    from ._state import State

__all__ = ["Memory", "memory"]

if TYPE_CHECKING:
    Key: TypeAlias = tuple[int, str, float, int, tuple[str, ...]]
    Answer: TypeAlias = tuple[Dose, tuple[str, ...]] | None

#: How many answers of :func:`~backext._reconcile.higher` a pack keeps (our choice: every dose of a pack of
#: a few hundred exercises, a bounded size whatever the app asks).
MAX_ANSWERS = 4096


class Memory:
    """What is remembered for one pack object."""

    __slots__ = ("__weakref__", "answers", "climbing", "made")

    def __init__(self) -> None:
        #: The exercises whose steps down, followed, climb the ladder (made once, when first asked).
        self.climbing: frozenset[str] | None = None
        #: ``id(state)`` -> (a weak reference to the state, the rules it was made under).
        self.made: dict[int, tuple[weakref.ref[State], Rules]] = {}
        #: (``id(exercise)``, dose values, variations) -> the next dose up, or ``None`` at the top.
        self.answers: dict[Key, Answer] = {}

    def remember(self, state: State, rules: Rules) -> None:
        """Record *state*, made and checked by the engine for this pack under *rules*."""
        made = self.made
        key = id(state)
        made[key] = (weakref.ref(state, functools.partial(_forget, made, key)), rules)

    def knows(self, state: State, rules: Rules) -> bool:
        """Whether the engine made this very *state* object for this pack under *rules* (equal rules will do)."""
        entry = self.made.get(id(state))
        return entry is not None and entry[0]() is state and (entry[1] is rules or entry[1] == rules)

    def higher(self, exercise: Exercise, dose: Dose, modifications: tuple[str, ...]) -> Answer | bool:
        """The remembered next dose up (``None`` at the top), or ``False`` when not remembered."""
        return self.answers.get(_key(exercise, dose, modifications), False)

    def keep_higher(self, exercise: Exercise, dose: Dose, modifications: tuple[str, ...], answer: Answer) -> None:
        if len(self.answers) >= MAX_ANSWERS:
            self.answers.clear()
        self.answers[_key(exercise, dose, modifications)] = answer


def _key(exercise: Exercise, dose: Dose, modifications: tuple[str, ...]) -> Key:
    # The hold is compared as a value, so 5 and 5.0 share an entry; the answer never echoes the dose given.
    return id(exercise), dose.exercise_id, dose.hold_seconds, dose.repetitions, modifications


def _forget(made: dict[int, tuple[weakref.ref[State], Rules]], key: int, _: object) -> None:
    made.pop(key, None)


#: ``id(pack)`` -> (a weak reference to the pack, what is remembered for it).
_MEMORIES: dict[int, tuple[weakref.ref[Pack], Memory]] = {}


def memory(pack: Pack) -> Memory:
    """What is remembered for *pack* (a new, empty memory for a pack not seen before)."""
    key = id(pack)
    entry = _MEMORIES.get(key)
    if entry is not None and entry[0]() is pack:
        return entry[1]
    found = Memory()
    _MEMORIES[key] = (weakref.ref(pack, lambda _, key=key: _MEMORIES.pop(key, None)), found)  # type: ignore[misc]
    return found
