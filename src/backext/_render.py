"""Readable renderings of a routine: plain text and Markdown."""

from __future__ import annotations

import bisect
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from ._i18n import NC_, gettext, ngettext, pgettext, plural_count
from ._messages import Message
from ._model import Avoid, Exercise, Hold, Modification, Pack, Repetitions
from ._vocabulary import Dimension, Direction, Level
from ._width import column_offsets, display_width, is_narrow
from ._wrong import show_number, shown_number


if TYPE_CHECKING:
    import datetime

    from ._state import Prescription  # the engine's state: not imported to show or check a pack
    from ._text import Text


__all__ = [
    "LEVEL_WORDS",
    "amount",
    "describe_dose",
    "describe_hold",
    "describe_prescription",
    "describe_repetitions",
    "level_name",
    "localized_number",
    "number",
    "render",
    "seconds",
    "signed",
]

_WIDTH = 79


def number(value: float) -> str:
    """Write *value* in full, exactly, without a needless ``.0`` and never in scientific notation: ``5``, ``1.5``.

    A float is written with the shortest digits that read back as the same
    number (a hold of ``1234567.5`` seconds is ``1234567.5``, not
    ``1.23457e+06``), so at most about 330 characters. An integer of more
    than 64 bits is described by its number of digits instead (Python
    refuses to write integers of more than 4300 digits, and writing them
    takes time quadratic in their length); :func:`localized_number` says so
    in the person's language.

    Example:
        >>> number(5.0), number(1.5), number(1234567.5), number(1e20), number(10**400)
        ('5', '1.5', '1234567.5', '100000000000000000000', 'an integer of about 401 digits')
    """
    if isinstance(value, int):
        return show_number(value)
    return _digits(value)


def _digits(value: float) -> str:
    """A float's shortest exact digits, positional (no exponent), without a trailing ``.0``."""
    if not math.isfinite(value):
        return repr(value)
    if value == 0:
        return "0"
    import decimal  # noqa: PLC0415 - only to write a float in full

    text = format(decimal.Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount(value: object) -> float | str:
    """*value* as the value of a :class:`~backext.Message`, to be written in the person's language when rendered.

    A real, finite number is kept as it is (the message writes it with the
    language's decimal separator); anything else (an infinity, a value of
    the wrong type, in a pack that does not validate) as English words.

    Example:
        >>> amount(1.5), amount(float("inf")), amount(True)
        (1.5, 'inf', 'True')
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return number(value) if isinstance(value, float) else repr(value)


def signed(value: object) -> Message | str:
    """*value* with its sign, for a message: ``+5``, ``-1,5`` in German, ``0``.

    Example:
        >>> [signed(value).render("de") for value in (5, -1.5, 0)]
        ['+5', '-1,5', '0']
    """
    shown = amount(value)
    if isinstance(shown, str):
        return shown
    return Message(template="+{value}" if shown > 0 else "{value}", values={"value": shown})


def localized_number(value: float, locale: str | None = None, default_locale: str | None = None) -> str:
    """:func:`number` in *locale*'s language: ``1.5`` in English, ``1,5`` in German.

    The decimal separator is the language's, and an integer too long to
    write in full is described by its length in the language's words.

    Example:
        >>> localized_number(1.5, "de"), localized_number(1.5), localized_number(10)
        ('1,5', '1.5', '10')
        >>> localized_number(10**30, "de")
        'eine ganze Zahl mit etwa 31 Ziffern'
    """
    shown = shown_number(value)
    if isinstance(shown, Message):  # too long to write in full: described by its size
        return attrs.evolve(shown, default_locale=default_locale or "en").render(locale)
    if isinstance(value, int) or isinstance(shown, str):
        return str(shown)
    text = _digits(value)
    if "." not in text:
        return text
    # Translators: the decimal separator of the language, such as "," for 1,5.
    return text.replace(".", pgettext("decimal separator", ".", locale, default_locale))


def localized_date(value: datetime.date, locale: str | None = None, default_locale: str | None = None) -> str:
    """*value* written as the language writes a date in numbers: ``2026-01-05`` in English, ``05.01.2026`` in German.

    English keeps ISO 8601, which no reader misreads; each catalog orders the
    day, month and year (two digits, two digits, four) as its language does.

    Example:
        >>> import datetime
        >>> day = datetime.date(2026, 1, 5)
        >>> localized_date(day), localized_date(day, "de-AT"), localized_date(day, "fr")
        ('2026-01-05', '05.01.2026', '05/01/2026')
    """
    # Translators: a date in numbers: order {day}, {month} and {year} and choose the separators as the language
    # writes a date ("05.01.2026"). {day} and {month} have two digits, {year} four.
    template = pgettext("date", "{year}-{month}-{day}", locale, default_locale)
    return template.format(year=f"{value.year:04d}", month=f"{value.month:02d}", day=f"{value.day:02d}")


def seconds(value: float, locale: str | None = None, default_locale: str | None = None) -> str:
    """*value* seconds in words, the plural right: ``1 second``, ``5 seconds``, ``1,5 Sekunden``.

    Example:
        >>> seconds(1), seconds(5), seconds(1.5, "de")
        ('1 second', '5 seconds', '1,5 Sekunden')
    """
    text = ngettext(
        "{seconds} second", "{seconds} seconds", plural_count(value, locale, default_locale), locale, default_locale
    )
    return text.format(seconds=localized_number(value, locale, default_locale))


def describe_hold(hold: Hold, locale: str | None = None, *, default_locale: str | None = None) -> str:
    """The hold in words, such as "hold for 5 seconds, building up to 30 seconds".

    Args:
        hold: The hold.
        locale: The language to write it in (BCP 47 fallback, then
            *default_locale*, then English).
        default_locale: The language to fall back to, such as the pack's.

    Example:
        >>> describe_hold(Hold(start_seconds=1, target_seconds=2))
        'hold for 1 to 2 seconds'
        >>> describe_hold(Hold(start_seconds=1, target_seconds=1), "fr")
        'tenir 1 seconde'
    """
    tags = (locale, default_locale)
    if hold.progresses:
        assert hold.increment_seconds is not None  # noqa: S101 - implied by progresses
        text = gettext("hold for {start}, building up to {target} ({increment} at a time)", *tags)
        return text.format(
            start=seconds(hold.start_seconds, *tags),
            target=seconds(hold.target_seconds, *tags),
            increment=seconds(hold.increment_seconds, *tags),
        )
    if hold.target_seconds > hold.start_seconds:
        text = ngettext(
            "hold for {start} to {target} second",
            "hold for {start} to {target} seconds",
            plural_count(hold.target_seconds, *tags),
            *tags,
        )
        return text.format(
            start=localized_number(hold.start_seconds, *tags), target=localized_number(hold.target_seconds, *tags)
        )
    return gettext("hold for {duration}", *tags).format(duration=seconds(hold.start_seconds, *tags))


def describe_repetitions(
    repetitions: Repetitions, locale: str | None = None, *, default_locale: str | None = None
) -> str:
    """The repetitions in words, such as "8 to 10 repetitions, 1 set".

    Example:
        >>> describe_repetitions(Repetitions(minimum=8, maximum=10, sets=1))
        '8 to 10 repetitions, 1 set'
        >>> describe_repetitions(Repetitions(minimum=1, maximum=1, sets=2), "es")
        '1 repetición, 2 series'
    """
    tags = (locale, default_locale)
    low, high = repetitions.minimum, repetitions.maximum
    if high > low:
        count = ngettext(
            "{minimum} to {maximum} repetition", "{minimum} to {maximum} repetitions", plural_count(high, *tags), *tags
        ).format(minimum=number(low), maximum=number(high))
    else:
        count = ngettext("{count} repetition", "{count} repetitions", plural_count(low, *tags), *tags).format(
            count=number(low)
        )
    sets = ngettext("{count} set", "{count} sets", plural_count(repetitions.sets, *tags), *tags).format(
        count=number(repetitions.sets)
    )
    return gettext("{repetitions}, {sets}", *tags).format(repetitions=count, sets=sets)


def describe_dose(exercise: Exercise, locale: str | None = None, *, default_locale: str | None = None) -> str:
    """The exercise's dose in one sentence, such as "Hold for 5 seconds; 10 repetitions, 1 set."."""
    tags = (locale, default_locale)
    hold = exercise.hold
    if Dimension.HOLD not in exercise.progression.order:  # a hold the order leaves out never grows: a range
        hold = attrs.evolve(hold, increment_seconds=None)
    text = gettext("{hold}; {repetitions}.", *tags).format(
        hold=describe_hold(hold, locale, default_locale=default_locale),
        repetitions=describe_repetitions(exercise.repetitions, locale, default_locale=default_locale),
    )
    return text[:1].upper() + text[1:]


def describe_prescription(
    prescription: Prescription, locale: str | None = None, *, default_locale: str | None = None, sentence: bool = False
) -> str:
    """One session's dose in words, such as "hold for 5 seconds; 10 repetitions, 1 set".

    The same words as :func:`describe_dose`, for the dose of one day rather
    than an exercise's range; with *sentence*, a sentence as
    :func:`describe_dose` writes it.

    Example:
        >>> import backext
        >>> state = backext.start(backext.builtin_pack(), "prone-chest-lift")
        >>> describe_prescription(state.prescription)
        'hold for 5 seconds; 8 repetitions, 1 set'
        >>> describe_prescription(state.prescription, "de", sentence=True)
        '5 Sekunden halten; 8 Wiederholungen, 1 Satz.'
    """
    tags = (locale, default_locale)
    seconds_, count = prescription.hold_seconds, prescription.repetitions
    values = {
        "hold": describe_hold(
            Hold(start_seconds=seconds_, target_seconds=seconds_), locale, default_locale=default_locale
        ),
        "repetitions": describe_repetitions(
            Repetitions(minimum=count, maximum=count, sets=prescription.sets), locale, default_locale=default_locale
        ),
    }
    if not sentence:
        # Translators: one day's dose, as in a calendar event's title: "hold for 5 seconds; 10 repetitions, 1 set".
        return gettext("{hold}; {repetitions}", *tags).format(**values)
    text = gettext("{hold}; {repetitions}.", *tags).format(**values)
    return text[:1].upper() + text[1:]


def level_name(level: Level, locale: str | None = None, default_locale: str | None = None) -> str:
    """The level in words, in *locale*'s language.

    Example:
        >>> level_name(Level.BEGINNER), level_name(Level.ADVANCED, "fr")
        ('beginner', 'avancé')
    """
    return pgettext("level", LEVEL_WORDS[level], locale, default_locale)


#: Each level's name, as the catalogs know it (context ``level``).
LEVEL_WORDS = {
    Level.BEGINNER: NC_("level", "beginner"),
    Level.INTERMEDIATE: NC_("level", "intermediate"),
    Level.ADVANCED: NC_("level", "advanced"),
}

_DIRECTIONS = {Direction.EASIER: NC_("direction", "easier"), Direction.HARDER: NC_("direction", "harder")}


def _signed(value: float, locale: str | None, default_locale: str | None) -> str:
    return f"{'+' if value > 0 else ''}{localized_number(value, locale, default_locale)}"


def _modification_line(pack: Pack, modification: Modification, locale: str | None, *, md: bool = False) -> str:
    tags = (locale, pack.default_locale)
    name, description = pack.localize(modification.name, locale), pack.localize(modification.description, locale)
    name, description = (_markdown(name), _markdown(description)) if md else (one_line(name), one_line(description))
    notes = [pgettext("direction", _DIRECTIONS[modification.direction], *tags)]
    if modification.requires_clearance:
        notes.append(gettext("only with a clinician's clearance", *tags))
    if modification.hold_seconds_change:
        change = _signed(modification.hold_seconds_change, *tags)
        notes.append(gettext("hold {change} s", *tags).format(change=change))
    if modification.repetitions_change:
        change = _signed(modification.repetitions_change, *tags)
        notes.append(gettext("repetitions {change}", *tags).format(change=change))
    return gettext("{name} ({notes}): {description}", *tags).format(
        name=name, notes=gettext("; ", *tags).join(notes), description=description
    )


#: A word too long for one line: :mod:`textwrap` cuts it in time quadratic in its length.
_LONG_WORD = re.compile(rf"\S{{{_WIDTH},}}")


#: A space no line may break at: before punctuation and signs that must not begin a line (French writes one before
#: ``;``, ``:``, ``?``, ``!``, ``»``, ``%`` and ``€``) and after ``«``. While lines are filled it is held as a
#: character that is not white space, so that the word and its punctuation stay on one line.
_UNBREAKABLE_SPACE = re.compile(r" (?=[;:?!»%€])|(?<=«) ")
_HELD = "\ue000"  # a private-use character: no text of the library's holds one (a pack's that does is left as is)


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    first = indent if first is None else first
    held = _HELD not in text
    if held:
        text = _UNBREAKABLE_SPACE.sub(_HELD, text)
    if _LONG_WORD.search(text) or not is_narrow(text):
        filled = _wrap_in_columns(text, indent, first)
    else:
        filled = textwrap.fill(
            text, width=_WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
        )
    return filled.replace(_HELD, " ") if held else filled


def _wrap_in_columns(text: str, indent: str, first: str) -> str:
    """Fill lines greedily as :func:`textwrap.fill` does, measuring in columns, cutting words longer than a line.

    A wide character (Chinese, Japanese, Korean) takes two columns and a combining mark none, so that a line of
    them is no wider on a terminal than one of Latin letters; it runs in time linear in the text's length.
    """
    lines: list[str] = []
    line: list[str] = []
    prefix = first
    used = display_width(prefix)
    whole = _WIDTH - display_width(indent)  # the room of a line after the first
    for word in text.split():
        room = _WIDTH - used - (1 if line else 0)
        offsets = column_offsets(word)
        width = offsets[-1]
        if width <= room:
            line.append(word)
            used += width + (1 if len(line) > 1 else 0)
            continue
        start = 0
        if width > whole:  # a word no line can hold: fill this line, then whole lines
            start = _cut(offsets, 0, room) if room > 0 else 0
            if start:
                line.append(word[:start])
            lines.append(prefix + " ".join(line))
            prefix, line = indent, []
            step = max(1, whole)
            while width - offsets[start] > step:
                end = max(_cut(offsets, start, step), start + 1)  # a wide character on a one-column line: alone
                lines.append(prefix + word[start:end])
                start = end
            line, used = [word[start:]], display_width(prefix) + width - offsets[start]
        else:
            lines.append(prefix + " ".join(line))
            prefix, line, used = indent, [word], display_width(indent) + width
    if line:
        lines.append(prefix + " ".join(line))
    return "\n".join(lines)


def _cut(offsets: Sequence[int], start: int, room: int) -> int:
    """The end of the longest piece from *start* that takes at most *room* columns, by the column *offsets*."""
    return bisect.bisect_right(offsets, offsets[start] + room) - 1


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
        locale: The locale to show texts in: the pack's texts and the
            library's words (headings, the dose) alike, each with BCP 47
            fallback, then the pack's default locale, then English. ``None``
            is the pack's default.
        style: ``"text"`` for a terminal, ``"markdown"`` for a document.
        avoid: Movements and exercises to avoid, shown last under a heading
            of their own.
    """
    md = style == "markdown"
    tags = (locale, pack.default_locale)

    def localize(text: Text) -> str:
        """A text of the pack in *locale*, on one line: in Markdown, escaped so that it is only ever text."""
        said = pack.localize(text, locale)
        return _markdown(said) if md else one_line(said)

    def cite(citation: str) -> str:
        return _markdown(citation) if md else citation

    def paragraph(text: str) -> str:
        return text if md else _wrap(text)  # Markdown is not wrapped: a word at a line's start could begin a list

    def label(word: str) -> str:
        """*word*, a heading before a text, with the colon of the language ("Dose:", "Dose :")."""
        # Translators: a heading before its text, such as "Dose:"; French puts a space before the colon.
        return gettext("{label}:", *tags).format(label=word)

    def labelled(word: str, text: str) -> str:
        return f"**{label(word)}** {text}" if md else _wrap(f"{label(word)} {text}")

    out: list[str] = []
    title = localize(pack.title)
    out.append(f"# {title}" if md else _underlined(title, "="))
    if pack.disclaimer is not None:
        out.append(labelled(gettext("Before you start", *tags), localize(pack.disclaimer)))
    sources = {source.id: source for source in pack.sources}
    for exercise in exercises:
        name = gettext("{name} ({level})", *tags).format(
            name=localize(exercise.name), level=level_name(exercise.level, *tags)
        )
        out.append(f"## {name}" if md else _underlined(name, "-"))
        out.append(paragraph(localize(exercise.purpose)))
        out.append(labelled(gettext("Starting position", *tags), localize(exercise.starting_position)))
        if exercise.equipment:
            # Translators: between the items of a list on one line.
            things = gettext("; ", *tags).join(localize(e) for e in exercise.equipment)
            out.append(labelled(gettext("You need", *tags), things))
        steps = []
        for number_, step in enumerate(exercise.steps, start=1):
            text = localize(step.text)
            steps.append(f"{number_}. {text}" if md else _wrap(text, "     ", f"  {number_}. "))
        heading = gettext("Steps", *tags)
        out.append((f"**{heading}**\n\n" if md else f"{label(heading)}\n") + "\n".join(steps))
        dose = describe_dose(exercise, locale, default_locale=pack.default_locale)
        out.append(labelled(gettext("Dose", *tags), dose))
        if exercise.modifications:
            lines = [_modification_line(pack, m, locale, md=md) for m in exercise.modifications]
            out.append(_bullets(gettext("Variations", *tags), lines, md=md, label=label))
        if exercise.safety_notes:
            lines = [localize(note) for note in exercise.safety_notes]
            out.append(_bullets(gettext("Safety", *tags), lines, md=md, label=label))
        cited = [cite(sources[s].citation) for s in exercise.sources if s in sources]
        if cited:
            out.append(_bullets(gettext("Sources", *tags), cited, md=md, label=label))
    entries = list(avoid)
    if entries:
        heading = gettext("What to avoid", *tags)
        out.append(f"## {heading}" if md else _underlined(heading, "-"))
        for entry in entries:
            name = localize(entry.name)
            out.append(f"### {name}" if md else _wrap(label(name)))
            out.append(paragraph(localize(entry.description)))
            out.append(labelled(gettext("Why", *tags), localize(entry.why)))
            cited = [cite(sources[s].citation) for s in entry.sources if s in sources]
            if cited:
                out.append(_bullets(gettext("Sources", *tags), cited, md=md, label=label))
    return "\n\n".join(out) + "\n"


#: The characters that may begin Markdown's inline markup, a block or raw HTML anywhere in a line.
_MARKDOWN_MARKUP = re.compile(r"([\\`*_\[\]<>|&#~])")

#: What begins a list, a heading's underline or a numbered item when it starts a line.
_MARKDOWN_LINE_START = re.compile(r"^([-+=]|\d{1,9}[.)])")

#: A line break, with the white space around it.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x85\u2028\u2029]\s*")


def one_line(text: str) -> str:
    """*text*, from a pack, on one line: a line break in a name or a cue would print a line of its own (a dose, say)."""
    return _LINE_BREAK.sub(" ", text.strip()) if _LINE_BREAK.search(text) else text


def _markdown(text: str) -> str:
    """*text*, from a pack, as Markdown that shows it as it is: on one line, its markup characters escaped.

    A pack is untrusted: a line break followed by ``# ...`` would be a heading, ``<script>`` raw HTML,
    ``[x](javascript:...)`` a link. Every character of markup is escaped with a backslash (CommonMark's escape
    for any ASCII punctuation), and so is a list marker or number at its start.
    """
    escaped = _MARKDOWN_MARKUP.sub(r"\\\1", one_line(text.strip()))
    return _MARKDOWN_LINE_START.sub(lambda match: f"{match[1][:-1]}\\{match[1][-1]}", escaped, count=1)


def _underlined(heading: str, rule: str) -> str:
    """*heading* over a line of *rule* as wide on a terminal as it is (two columns for each wide character)."""
    return f"{heading}\n{rule * display_width(heading)}"


def _bullets(heading: str, lines: list[str], *, md: bool, label: Callable[[str], str]) -> str:
    if md:
        return f"**{heading}**\n\n" + "\n".join(f"- {line}" for line in lines)
    return f"{label(heading)}\n" + "\n".join(_wrap(line, "    ", "  - ") for line in lines)
