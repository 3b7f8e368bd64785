"""Readable renderings of a routine: plain text and Markdown."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable
from typing import Literal

from ._i18n import gettext, ngettext
from ._model import Avoid, Exercise, Hold, Modification, Pack, Repetitions
from ._state import Prescription
from ._wrong import show_number


__all__ = ["describe_dose", "describe_hold", "describe_prescription", "describe_repetitions", "number", "render"]

_WIDTH = 79


def number(value: float) -> str:
    """Write *value* without a needless ``.0``: ``5``, ``1.5``.

    Any number at all can be written, however large (an integer too long to
    write in full is described by its length).

    Example:
        >>> number(5.0), number(1.5), number(10**400)
        ('5', '1.5', 'an integer of about 401 digits')
    """
    if isinstance(value, int):
        return show_number(value)
    if math.isfinite(value) and value.is_integer():
        return show_number(int(value))
    return f"{value:g}"


def _seconds(value: float) -> str:
    return f"{number(value)} second" + ("" if value == 1 else "s")


def describe_hold(hold: Hold) -> str:
    """The hold in words, such as "hold for 5 seconds, building up to 30 seconds".

    Example:
        >>> describe_hold(Hold(start_seconds=1, target_seconds=2))
        'hold for 1 to 2 seconds'
    """
    if hold.progresses:
        assert hold.increment_seconds is not None  # noqa: S101 - implied by progresses
        return (
            f"hold for {_seconds(hold.start_seconds)}, building up to {_seconds(hold.target_seconds)}"
            f" ({_seconds(hold.increment_seconds)} at a time)"
        )
    if hold.target_seconds > hold.start_seconds:
        return f"hold for {number(hold.start_seconds)} to {_seconds(hold.target_seconds)}"
    return f"hold for {_seconds(hold.start_seconds)}"


def describe_repetitions(repetitions: Repetitions) -> str:
    """The repetitions in words, such as "8 to 10 repetitions, 1 set"."""
    if repetitions.maximum > repetitions.minimum:
        count = f"{repetitions.minimum} to {repetitions.maximum} repetitions"
    else:
        count = f"{repetitions.minimum} repetition" + ("" if repetitions.minimum == 1 else "s")
    sets = f"{repetitions.sets} set" + ("" if repetitions.sets == 1 else "s")
    return f"{count}, {sets}"


def describe_dose(exercise: Exercise) -> str:
    """The exercise's dose in one sentence."""
    text = f"{describe_hold(exercise.hold)}; {describe_repetitions(exercise.repetitions)}."
    return text[0].upper() + text[1:]


def describe_prescription(prescription: Prescription, *, locale: str | None = None) -> str:
    """One session's dose in words, such as "hold 5 seconds, 8 repetitions, 1 set", in *locale*.

    Example:
        >>> import backext
        >>> state = backext.start(backext.builtin_pack(), "prone-chest-lift")
        >>> describe_prescription(state.prescription)
        'hold 5 seconds, 8 repetitions, 1 set'
    """
    seconds = prescription.hold_seconds
    whole = int(seconds) if float(seconds).is_integer() else 2  # a fraction takes the plural
    hold = ngettext("hold {seconds} second", "hold {seconds} seconds", whole, locale).format(seconds=number(seconds))
    repetitions = ngettext("{count} repetition", "{count} repetitions", prescription.repetitions, locale).format(
        count=prescription.repetitions
    )
    sets = ngettext("{count} set", "{count} sets", prescription.sets, locale).format(count=prescription.sets)
    return gettext("{hold}, {repetitions}, {sets}", locale).format(hold=hold, repetitions=repetitions, sets=sets)


def _modification_line(pack: Pack, modification: Modification, locale: str | None) -> str:
    notes = [modification.direction.value]
    if modification.requires_clearance:
        notes.append("only with a clinician's clearance")
    if modification.hold_seconds_change:
        change = modification.hold_seconds_change
        notes.append(f"hold {'+' if change > 0 else ''}{number(change)} s")
    if modification.repetitions_change:
        change = modification.repetitions_change
        notes.append(f"repetitions {'+' if change > 0 else ''}{number(change)}")
    return (
        f"{pack.localize(modification.name, locale)} ({'; '.join(notes)}): "
        f"{pack.localize(modification.description, locale)}"
    )


#: A word too long for one line: :mod:`textwrap` cuts it in time quadratic in its length.
_LONG_WORD = re.compile(rf"\S{{{_WIDTH},}}")


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    first = indent if first is None else first
    if _LONG_WORD.search(text):
        return _wrap_long_words(text, indent, first)
    return textwrap.fill(text, width=_WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False)


def _wrap_long_words(text: str, indent: str, first: str) -> str:
    """Fill lines greedily as :func:`textwrap.fill` does, cutting words longer than a line, in linear time."""
    lines: list[str] = []
    line: list[str] = []
    prefix = first
    used = len(prefix)
    for word in text.split():
        room = _WIDTH - used - (1 if line else 0)
        if len(word) <= room:
            line.append(word)
            used += len(word) + (1 if len(line) > 1 else 0)
            continue
        start = 0
        if len(word) > _WIDTH - len(indent):  # a word no line can hold: fill this line, then whole lines
            if room > 0:
                line.append(word[:room])
                start = room
            lines.append(prefix + " ".join(line))
            prefix, line = indent, []
            step = max(1, _WIDTH - len(indent))
            while len(word) - start > step:
                lines.append(prefix + word[start : start + step])
                start += step
            line, used = [word[start:]], len(prefix) + len(word) - start
        else:
            lines.append(prefix + " ".join(line))
            prefix, line, used = indent, [word], len(indent) + len(word)
    if line:
        lines.append(prefix + " ".join(line))
    return "\n".join(lines)


def render(
    pack: Pack,
    exercises: Iterable[Exercise],
    *,
    locale: str | None = None,
    style: Literal["text", "markdown"] = "text",
    avoid: Iterable[Avoid] = (),
) -> str:
    """Render *exercises* of *pack* as a readable routine.

    Args:
        pack: The pack the exercises come from (for its title, disclaimer,
            sources and default locale).
        exercises: The exercises to show, in order.
        locale: The locale to show texts in; the pack's default if ``None``.
        style: ``"text"`` for a terminal, ``"markdown"`` for a document.
        avoid: Movements and exercises to avoid, shown last under a heading
            of their own.
    """
    md = style == "markdown"
    out: list[str] = []
    title = pack.localize(pack.title, locale)
    out.append(f"# {title}" if md else f"{title}\n{'=' * len(title)}")
    if pack.disclaimer is not None:
        disclaimer = pack.localize(pack.disclaimer, locale)
        out.append(f"> **Before you start.** {disclaimer}" if md else _wrap(f"Before you start: {disclaimer}"))
    sources = {source.id: source for source in pack.sources}
    for exercise in exercises:
        name = f"{pack.localize(exercise.name, locale)} ({exercise.level.value})"
        out.append(f"## {name}" if md else f"{name}\n{'-' * len(name)}")
        out.append(_wrap(pack.localize(exercise.purpose, locale)))
        position = pack.localize(exercise.starting_position, locale)
        out.append(f"**Starting position:** {position}" if md else _wrap(f"Starting position: {position}"))
        if exercise.equipment:
            things = "; ".join(pack.localize(e, locale) for e in exercise.equipment)
            out.append(f"**You need:** {things}" if md else _wrap(f"You need: {things}"))
        steps = []
        for number_, step in enumerate(exercise.steps, start=1):
            text = pack.localize(step.text, locale)
            steps.append(f"{number_}. {text}" if md else _wrap(text, "     ", f"  {number_}. "))
        out.append(("**Steps**\n\n" if md else "Steps:\n") + "\n".join(steps))
        dose = describe_dose(exercise)
        out.append(f"**Dose:** {dose}" if md else _wrap(f"Dose: {dose}"))
        if exercise.modifications:
            lines = [_modification_line(pack, m, locale) for m in exercise.modifications]
            out.append(_bullets("Variations", lines, md=md))
        if exercise.safety_notes:
            lines = [pack.localize(note, locale) for note in exercise.safety_notes]
            out.append(_bullets("Safety", lines, md=md))
        cited = [sources[s].citation for s in exercise.sources if s in sources]
        if cited:
            out.append(_bullets("Sources", cited, md=md))
    entries = list(avoid)
    if entries:
        heading = "What to avoid"
        out.append(f"## {heading}" if md else f"{heading}\n{'-' * len(heading)}")
        for entry in entries:
            name = pack.localize(entry.name, locale)
            out.append(f"### {name}" if md else _wrap(f"{name}:"))
            out.append(_wrap(pack.localize(entry.description, locale)))
            why = pack.localize(entry.why, locale)
            out.append(f"**Why:** {why}" if md else _wrap(f"Why: {why}"))
            cited = [sources[s].citation for s in entry.sources if s in sources]
            if cited:
                out.append(_bullets("Sources", cited, md=md))
    return "\n\n".join(out) + "\n"


def _bullets(heading: str, lines: list[str], *, md: bool) -> str:
    if md:
        return f"**{heading}**\n\n" + "\n".join(f"- {line}" for line in lines)
    return f"{heading}:\n" + "\n".join(_wrap(line, "    ", "  - ") for line in lines)
