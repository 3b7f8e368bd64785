"""The exceptions backext raises: one base class, errors that carry data.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ._i18n import N_plural
from ._problems import Problem, report


if TYPE_CHECKING:
    import datetime

    from ._messages import Message, Value


#: The first line of a :class:`PackError`'s report.
_PACK_HEADING = N_plural("{source}: invalid pack, {count} problem:", "{source}: invalid pack, {count} problems:")
#: The first line of a :class:`StateError`'s report.
_STATE_HEADING = N_plural("{source}: invalid state, {count} problem:", "{source}: invalid state, {count} problems:")
#: The first line of a :class:`RulesError`'s report.
_RULES_HEADING = N_plural("{source}: invalid rules, {count} problem:", "{source}: invalid rules, {count} problems:")


__all__ = [
    "BackextError",
    "ClearanceRequiredError",
    "PackError",
    "RulesError",
    "SessionError",
    "StateError",
    "StoppedError",
    "UnknownIdError",
]


class BackextError(Exception):
    """The base class of every exception this library raises on purpose.

    Example:
        >>> import backext
        >>> issubclass(backext.PackError, backext.BackextError)
        True

    .. versionadded:: 0.1.0
    """


class PackError(BackextError, ValueError):
    """A pack could not be read: it is unreadable, malformed or invalid.

    The exception lists every problem at once, not just the first. Its
    ``str`` is English, for developers; to tell a pack's author in their
    language, render each problem's message with
    :meth:`Problem.render(locale) <backext.Problem.render>`.

    Attributes:
        problems: Every error found, in document order.
        source: The file name (or ``"<string>"``, ``"<bytes>"``, ``"<mapping>"``)
            the pack came from.

    Example:
        >>> import backext
        >>> try:
        ...     backext.load_pack('{"id": 5}', format="json")
        ... except backext.PackError as error:
        ...     print(error.problems[0])
        ...     print(error.problems[0].render("fr"))
        1:1: error missing-field: the required field 'title' is missing (at "")
        le champ obligatoire 'title' est absent

    .. versionadded:: 0.1.0
    """

    problems: tuple[Problem, ...]
    source: str

    def __init__(self, problems: Sequence[Problem], source: str = "<pack>") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self.render())

    def render(self, locale: str | None = None) -> str:
        """The whole report, as its ``str`` is, with the heading and every message in *locale*'s words.

        ``None`` is English. Codes, pointers and positions never change
        with the language; the fallback is that of
        :meth:`Problem.render <backext.Problem.render>`.

        Raises:
            ValueError: If *locale* is not a well-formed language tag.

        Example:
            >>> import backext
            >>> try:
            ...     backext.load_pack('{"id": 5}', format="json")
            ... except backext.PackError as error:
            ...     print(error.render("de").splitlines()[0])
            <string>: ungültiges Paket, 4 Probleme:

        .. versionadded:: 0.1.0
        """
        return report(self.source, self.problems, _PACK_HEADING, locale)

    def __reduce__(self) -> tuple[type[PackError], tuple[tuple[Problem, ...], str]]:
        return (type(self), (self.problems, self.source))


class SessionError(BackextError, ValueError):
    """A session log or a call does not fit the state it is applied to.

    The engine raises it for bookkeeping problems: a log for another
    exercise than the one prescribed, a log dated before the last session
    or before the clearance that lifted a stop, a state of another pack.
    It never raises it *instead of* a stop: a log that reports a red flag or
    severe pain stops the engine whatever else is wrong with it, and the
    bookkeeping problems come with the decision as reasons.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="hand-press-up",
        ...     repetitions_completed=10, hold_seconds=1, pain=0,
        ... )
        >>> backext.step(pack, state, log)
        Traceback (most recent call last):
        ...
        backext.exceptions.SessionError: the log is for Press-up on the hands, but Forearm press-up was prescribed

    Its ``str`` is English. The engine's own errors also keep their message
    as a :class:`~backext.Message`, in :attr:`template`, to be said in any
    language:

    Attributes:
        template: The message kept as its English template and values, or
            ``None`` for an error raised with English words only.

    Example:
        >>> try:
        ...     backext.step(pack, state, log)
        ... except backext.SessionError as error:
        ...     print(error.template.render("de"))
        der Eintrag gilt Aufrichten auf die Hände, verordnet war aber Aufrichten auf die Unterarme

    .. versionadded:: 0.1.0
    """

    template: Message | None

    def __init__(self, message: str | Message) -> None:
        if isinstance(message, str):
            self.template = None
            super().__init__(message)
        else:
            self.template = message
            super().__init__(message.render("en"))

    def __reduce__(self) -> tuple[type[SessionError], tuple[str | Message]]:
        return (type(self), (self.template or str(self.args[0]),))


class StoppedError(SessionError):
    """The state is stopped (by a red flag or severe pain) and the call would prescribe or coach.

    :func:`~backext.plan`, :func:`~backext.timeline` and
    :func:`~backext.choose_modifications` raise it: until a clinician's
    clearance is recorded (and its date has come), nothing is prescribed.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "forearm-press-up")
        >>> log = backext.SessionLog(
        ...     date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up",
        ...     repetitions_completed=10, hold_seconds=5, pain=0,
        ...     red_flags={"new-leg-weakness"},
        ... )
        >>> stopped = backext.step(pack, state, log).state
        >>> try:
        ...     backext.plan(pack, stopped, start_date=datetime.date(2026, 1, 6))
        ... except backext.StoppedError as error:
        ...     print(error)
        the engine is stopped since 2026-01-05: record a clinician's clearance first

    .. versionadded:: 0.1.0
    """


#: The three ways a variation lacks a clearance: never cleared, cleared until a day gone by, cleared from a later day.
CLEARANCE_NEEDED = N_plural(
    "the variation {variation} needs a clinician's clearance: record it with record_clearance()",
    "the variations {variation} need a clinician's clearance: record it with record_clearance()",
)
CLEARANCE_ENDED = N_plural(
    "the clearance for the variation {variation} has ended: record a new one with record_clearance()",
    "the clearances for the variations {variation} have ended: record new ones with record_clearance()",
)
CLEARANCE_LATER = N_plural(
    "no clearance for the variation {variation} is in force on {on}: pass on= the day it starts",
    "no clearance for the variations {variation} is in force on {on}: pass on= the day it starts",
)


class ClearanceRequiredError(SessionError):
    """A variation that needs a clinician's clearance was asked for without one.

    Attributes:
        modification_id: The variation asked for (the first, when several
            lack a clearance).
        modification_ids: Every variation asked for that lacks one.
        on: The day on which a clearance was looked for, when each of them
            has one on record from a later day only.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "prone-chest-lift")
        >>> try:
        ...     backext.choose_modifications(pack, state, ["leg-lift"])
        ... except backext.ClearanceRequiredError as error:
        ...     print(error.modification_id)
        leg-lift

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        modification_id: str,
        on: datetime.date | None = None,
        name: Value | None = None,
        modification_ids: Sequence[str] = (),
        *,
        ended: bool = False,
        message: Message | None = None,
    ) -> None:
        from ._messages import Message  # noqa: PLC0415 - the module imports this one

        self.modification_id = modification_id
        self.modification_ids = tuple(dict.fromkeys((modification_id, *modification_ids)))
        self.on = on
        self._name = name
        self._ended = ended
        self._message = message
        if message is not None:  # several kinds at once, worded by the engine
            super().__init__(message)
            return
        variation: Value = repr(modification_id) if name is None else name  # the pack's names, in any language
        count = len(self.modification_ids)
        if ended:
            template, plural = CLEARANCE_ENDED
            values: dict[str, Value] = {"variation": variation}
        elif on is None:
            template, plural = CLEARANCE_NEEDED
            values = {"variation": variation}
        else:
            template, plural = CLEARANCE_LATER
            values = {"variation": variation, "on": on}
        super().__init__(Message(template=template, plural=plural, count=count, values=values))

    def __reduce__(  # type: ignore[override]
        self,
    ) -> tuple[Callable[..., ClearanceRequiredError], tuple[object, ...]]:
        return (
            functools.partial(type(self), ended=self._ended, message=self._message),
            (self.modification_id, self.on, self._name, self.modification_ids),
        )


class UnknownIdError(SessionError, KeyError):
    """An exercise or variation id that the pack does not have.

    It is a :class:`KeyError` too, as the look-ups it replaces were. The
    engine raises it when a stored state names an exercise that an updated
    pack no longer has: start the person again on an exercise of the new
    pack (:func:`~backext.start`), usually the one the pack's authors name
    as its replacement.

    Attributes:
        kind: ``"exercise"`` or ``"variation"``.
        id: The id that was not found.

    Example:
        >>> import backext
        >>> try:
        ...     backext.start(backext.builtin_pack(), "forearm-pressup")
        ... except backext.UnknownIdError as error:
        ...     print(error.kind, error.id)
        ...     print(error)
        exercise forearm-pressup
        no exercise with the id 'forearm-pressup'; did you mean 'forearm-press-up'?

    .. versionadded:: 0.1.0
    """

    def __init__(self, kind: str, id: str, message: str, template: Message | None = None) -> None:  # noqa: A002
        self.kind = kind
        self.id = id
        super().__init__(message)
        self.template = template

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[UnknownIdError], tuple[str, str, str, Message | None]]:  # type: ignore[override]
        return (type(self), (self.kind, self.id, str(self.args[0]), self.template))


class _Report(BackextError, ValueError):
    """An error that lists problems found in one source, with a heading: the report of :meth:`render`."""

    #: The heading of the report, a plural pair marked with ``N_plural``.
    _heading: tuple[str, str]

    problems: tuple[Problem, ...]
    source: str

    def __init__(self, problems: Sequence[Problem], source: str) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self.render())

    def render(self, locale: str | None = None) -> str:
        """The whole report, as its ``str`` is, with the heading and every message in *locale*'s words.

        ``None`` is English; see :meth:`PackError.render`.

        Raises:
            ValueError: If *locale* is not a well-formed language tag.

        .. versionadded:: 0.1.0
        """
        return report(self.source, self.problems, self._heading, locale)

    def __reduce__(self) -> tuple[type[_Report], tuple[tuple[Problem, ...], str]]:
        return (type(self), (self.problems, self.source))


class StateError(_Report):
    """A stored state is invalid, or does not fit the pack it is used with.

    Like :class:`PackError`, it lists every problem at once, each with a
    JSON Pointer into the stored state document.

    Attributes:
        problems: Every problem found.
        source: Where the state came from, such as ``"<state>"``.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> document = backext.converter.unstructure(backext.start(pack, "forearm-press-up"))
        >>> document["dose"]["hold_seconds"] = 999
        >>> try:
        ...     backext.load_state(document, pack)
        ... except backext.StateError as error:
        ...     print(error.problems[0].path, error.problems[0].code)
        /dose not-on-ladder

    .. versionadded:: 0.1.0
    """

    _heading = _STATE_HEADING

    def __init__(self, problems: Sequence[Problem], source: str = "<state>") -> None:
        super().__init__(problems, source)


class RulesError(_Report):
    """A rules document (:func:`~backext.load_rules`) is invalid.

    Like :class:`StateError`, it lists every problem at once, each with a
    JSON Pointer to the setting at fault.

    Attributes:
        problems: Every problem found.
        source: Where the rules came from, such as ``"<rules>"``.

    Example:
        >>> import backext
        >>> try:
        ...     backext.load_rules({"tolerated_pain": 3, "regress_pain": 3})
        ... except backext.RulesError as error:
        ...     print(error)
        <rules>: invalid rules, 1 problem:
          <rules>: error invalid-value: regress_pain (3) must be above tolerated_pain (3) (at "/regress_pain")

    .. versionadded:: 0.1.0
    """

    _heading = _RULES_HEADING

    def __init__(self, problems: Sequence[Problem], source: str = "<rules>") -> None:
        super().__init__(problems, source)
