"""The catalogue of problem codes: every code a validator can report.

The catalogue is data, so that the documentation can render it and programs
can look a code up. A code, once published, keeps its meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ._i18n import N_, gettext
from ._problems import Severity


__all__ = ["PROBLEM_CODES", "ProblemCode"]


@attrs.frozen(kw_only=True)
class ProblemCode:
    """One entry of the catalogue of problem codes.

    Attributes:
        code: The stable, kebab-case code.
        severity: How bad a problem with this code is.
        description: What the code means and how to fix it.
        example: A small example of input that has the problem.

    Example:
        >>> import backext
        >>> backext.PROBLEM_CODES["unknown-field"].severity
        'error'

    .. versionadded:: 0.1.0
    """

    code: str
    severity: Severity
    description: str
    example: str

    def describe(self, locale: str | None = None) -> str:
        """The :attr:`description` in *locale*'s words (English for ``None``, or where there is no translation).

        Example:
            >>> import backext
            >>> backext.PROBLEM_CODES["wrong-type"].describe("de").split(".")[0]
            'Ein Wert hat den falschen Typ'

        .. versionadded:: 0.1.0
        """
        return gettext(self.description, locale)


def _catalogue(*entries: ProblemCode) -> Mapping[str, ProblemCode]:
    return MappingProxyType({entry.code: entry for entry in entries})


#: Every problem code, keyed by code, in the order the docs list them.
PROBLEM_CODES: Mapping[str, ProblemCode] = _catalogue(
    # Reading and parsing
    ProblemCode(
        code="unreadable",
        severity="error",
        description=N_("The file could not be opened or read: it does not exist, or is a folder, or is not readable."),
        example="backext validate missing.json",
    ),
    ProblemCode(
        code="unknown-format",
        severity="error",
        description=N_(
            "backext validate cannot tell the file's format from its suffix: name it .json, .toml, .yaml "
            "or .yml, or pass --input-format."
        ),
        example="backext validate pack.txt",
    ),
    ProblemCode(
        code="too-large",
        severity="error",
        description=N_(
            "The file is larger than the size limit (Limits.max_bytes, 16 MiB by default) and was not parsed."
        ),
        example="a 20 MiB JSON file",
    ),
    ProblemCode(
        code="not-utf8",
        severity="error",
        description=N_("The file is not UTF-8 text; the message gives the offset of the first bad byte."),
        example='{"id": "caf\\xe9"} saved as Latin-1',
    ),
    ProblemCode(
        code="syntax-error",
        severity="error",
        description=N_("The file is not valid JSON, TOML or YAML (or uses a YAML tag other than the standard ones)."),
        example='{"id": "my-pack",}',
    ),
    ProblemCode(
        code="duplicate-key",
        severity="error",
        description=N_("A key appears twice in one object; every format refuses this rather than keep the last value."),
        example='{"id": "a", "id": "b"}',
    ),
    ProblemCode(
        code="too-deep",
        severity="error",
        description=N_(
            "Objects and lists nest deeper than the limit (Limits.max_depth, 32 by default), or a value "
            "contains itself (a YAML alias inside its own anchor, a mapping that holds itself)."
        ),
        example="a: &a [*a]",
    ),
    ProblemCode(
        code="too-many-aliases",
        severity="error",
        description=N_("A YAML document uses more than 100 aliases, as in a 'billion laughs' attack."),
        example="a: &a [x, x]\nb: &b [*a, *a]\n...",
    ),
    ProblemCode(
        code="too-many-values",
        severity="error",
        description=N_(
            "A document or a mapping stands for more values than the limit (Limits.max_values, "
            "1,000,000 by default) once each alias, or each shared object, is counted every time it is used. A "
            "file of session logs (backext fhir --logs) holds at most 1,000 logs and 50,000 values."
        ),
        example="nine anchors, each a list of nine aliases of the one before",
    ),
    ProblemCode(
        code="too-long",
        severity="error",
        description=N_(
            "A string or a key is longer than the limit (Limits.max_string_length, 100,000 characters by default)."
        ),
        example='"purpose": "..." of a million characters',
    ),
    ProblemCode(
        code="yaml-unavailable",
        severity="error",
        description=N_("Reading YAML needs PyYAML, which is not installed: install backext[yaml]."),
        example="backext validate pack.yaml, without PyYAML",
    ),
    # Structure
    ProblemCode(
        code="missing-field",
        severity="error",
        description=N_("A required field is missing. The path points at the object that lacks it."),
        example='"hold": {"start_seconds": 5}',
    ),
    ProblemCode(
        code="wrong-type",
        severity="error",
        description=N_(
            'A value has the wrong type. Nothing is converted: the string "5" is not the number 5, '
            "true is not 1, and 5.5 is not a whole number."
        ),
        example='"start_seconds": "5"',
    ),
    ProblemCode(
        code="unknown-field",
        severity="error",
        description=N_(
            "A field the schema does not know, often a misspelling; the message suggests the closest known field."
        ),
        example='"hold": {"start_secs": 5}',
    ),
    ProblemCode(
        code="invalid-choice",
        severity="error",
        description=N_("A value is not one of the allowed words, such as a level or a movement tag."),
        example='"level": "expert"',
    ),
    ProblemCode(
        code="invalid-date",
        severity="error",
        description=N_("A date is not written YYYY-MM-DD, or is not a real day."),
        example='"date": "2026-02-30"',
    ),
    ProblemCode(
        code="empty-value",
        severity="error",
        description=N_("A text, list or version that must have content is empty or only spaces."),
        example='"steps": []',
    ),
    ProblemCode(
        code="unsupported-schema-version",
        severity="error",
        description=N_(
            "The pack is written for a schema version this library does not read: upgrade backext, or fix the version."
        ),
        example='"schema_version": 2',
    ),
    # Values
    ProblemCode(
        code="not-finite",
        severity="error",
        description=N_("A number is NaN or infinite."),
        example='"start_seconds": NaN',
    ),
    ProblemCode(
        code="number-out-of-range",
        severity="error",
        description=N_(
            "A number is larger in magnitude than the limit (Limits.max_number, 1,000,000,000 by default), "
            "or an integer in the file has more than 100 digits."
        ),
        example='"target_seconds": 1e12',
    ),
    ProblemCode(
        code="not-positive",
        severity="error",
        description=N_("A duration or a count that must be above zero is not."),
        example='"start_seconds": 0',
    ),
    ProblemCode(
        code="hold-start-above-target",
        severity="error",
        description=N_("A hold starts longer than its target."),
        example='"hold": {"start_seconds": 30, "target_seconds": 5}',
    ),
    ProblemCode(
        code="too-precise",
        severity="error",
        description=N_("A hold is not a whole number of tenths of a second: holds are exact to a tenth of a second."),
        example='"start_seconds": 5.05',
    ),
    ProblemCode(
        code="increment-too-large",
        severity="error",
        description=N_("A hold's increment is larger than the whole span from start to target."),
        example='"hold": {"start_seconds": 5, "target_seconds": 10, "increment_seconds": 20}',
    ),
    ProblemCode(
        code="repetitions-min-above-max",
        severity="error",
        description=N_("The fewest repetitions are more than the most repetitions."),
        example='"repetitions": {"minimum": 10, "maximum": 8}',
    ),
    ProblemCode(
        code="ladder-too-long",
        severity="error",
        description=N_(
            "The ladder of doses from an exercise to the top of its progression (its own doses and those "
            "of every next exercise) is longer than the limit (Limits.max_ladder_rungs, 1,000 by default): an "
            "increment is tiny, a range enormous, or a chain of exercises very long. The engine and the plan walk "
            "this ladder."
        ),
        example='"hold": {"start_seconds": 5, "target_seconds": 300, "increment_seconds": 0.1}',
    ),
    ProblemCode(
        code="session-too-long",
        severity="error",
        description=N_(
            "One session of the exercise at its full dose would have more timed cues than the limit "
            "(Limits.max_session_cues, 100,000 by default): backext.timeline counts down every second of every hold "
            "of every repetition of every set."
        ),
        example=(
            '"hold": {"start_seconds": 600, "target_seconds": 600}, '
            '"repetitions": {"minimum": 100, "maximum": 100, "sets": 5}'
        ),
    ),
    ProblemCode(
        code="implausible-dose",
        severity="warning",
        description=N_(
            "A dose is outside what is plausible for a back-extension exercise (a hold over 60 s, more "
            "than 30 repetitions or more than 5 sets): check it is meant."
        ),
        example='"hold": {"start_seconds": 5, "target_seconds": 120, "increment_seconds": 5}',
    ),
    ProblemCode(
        code="too-many-exercises",
        severity="error",
        description=N_("The pack has more exercises than the limit (Limits.max_exercises, 10,000 by default)."),
        example="a pack of 20,000 exercises",
    ),
    # Identity and references
    ProblemCode(
        code="invalid-id",
        severity="error",
        description=N_("An id is not a slug: use lower-case letters, digits and single hyphens."),
        example='"id": "Chest Lift"',
    ),
    ProblemCode(
        code="duplicate-id",
        severity="error",
        description=N_("Two exercises (or sources, or variations of one exercise) share an id."),
        example='two exercises with "id": "chest-lift"',
    ),
    ProblemCode(
        code="unknown-reference",
        severity="error",
        description=N_("A reference names an exercise or source that the pack does not have."),
        example='"next_exercise": "chest-lfit"',
    ),
    ProblemCode(
        code="self-reference",
        severity="error",
        description=N_("An exercise names itself as its next or previous exercise."),
        example='"id": "a", ... "next_exercise": "a"',
    ),
    ProblemCode(
        code="progression-cycle",
        severity="error",
        description=N_("Following next (or previous) exercises leads back to where it started."),
        example="a -> b -> a",
    ),
    ProblemCode(
        code="level-goes-down",
        severity="error",
        description=N_("A next exercise is at a lower level, or a previous exercise at a higher one."),
        example="an advanced exercise whose next exercise is a beginner one",
    ),
    ProblemCode(
        code="level-skipped",
        severity="error",
        description=N_(
            "A next or previous exercise is two levels away. The engine never skips a level, so it would "
            "not follow this link: put an exercise of the level between them."
        ),
        example="a beginner exercise whose next exercise is an advanced one",
    ),
    # Text
    ProblemCode(
        code="invalid-locale",
        severity="error",
        description=N_(
            "A locale tag is not a BCP 47 language tag with a primary language subtag, such as en, de-CH or "
            "es-419 (a private-use tag such as x-klingon names no language)."
        ),
        example='"name": {"english": "Press-up"}',
    ),
    ProblemCode(
        code="missing-default-locale",
        severity="error",
        description=N_(
            "A translated text has no translation in the pack's default locale, the one every text falls back to."
        ),
        example='"default_locale": "en", ... "name": {"de": "Liegestütz"}',
    ),
    ProblemCode(
        code="duplicate-locale",
        severity="error",
        description=N_(
            "A text has two translations under the same language tag written in two ways (tags are compared "
            "regardless of case, as BCP 47 asks): which one a person reads would be a matter of chance."
        ),
        example='"name": {"de": "Liegestütz", "DE": "Stütz"}',
    ),
    ProblemCode(
        code="incomplete-translation",
        severity="warning",
        description=N_(
            "Some texts of the pack are translated into a locale that this text lacks; readers of that "
            "locale will see the default locale here."
        ),
        example='"title": {"en": "...", "de": "..."}, "name": "Press-up"',
    ),
    # Safety
    ProblemCode(
        code="contraindicated-movement",
        severity="error",
        description=N_(
            "An exercise is tagged with a movement that osteoporosis guidance advises against: loaded or "
            "end-range spinal flexion, twisting while bent forward, sit-ups, crunches, toe-touches."
        ),
        example='"movements": ["spinal-extension", "sit-up"]',
    ),
    ProblemCode(
        code="no-movements",
        severity="warning",
        description=N_(
            "An exercise names no movements, so it cannot be checked against the movements osteoporosis guidance "
            "advises against: tag each exercise with what it asks of the spine (spinal-extension, prone, ...)."
        ),
        example='"movements": []',
    ),
    ProblemCode(
        code="harder-without-clearance",
        severity="warning",
        description=N_("A harder variation does not ask for a clinician's clearance."),
        example='{"direction": "harder", "requires_clearance": false}',
    ),
    ProblemCode(
        code="variation-changes-nothing",
        severity="warning",
        description=N_(
            "A variation asks for a change of the hold or the repetitions, but doses stay within the "
            "exercise's limits, so at no dose of its ladder does the variation change what is prescribed (a longer "
            "hold on an exercise whose start is its target, fewer repetitions on one whose repetitions never grow)."
        ),
        example='"hold": {"start_seconds": 5, "target_seconds": 5}, ... {"hold_seconds_change": 2}',
    ),
    ProblemCode(
        code="dose-never-grows",
        severity="warning",
        description=N_(
            "A part of the dose is written to grow but never does: a hold with an increment, or repetitions with a "
            "maximum above the minimum, that the progression's order leaves out, or a hold with an increment whose "
            "target is its start. The engine prescribes its start every time and moves on without it."
        ),
        example='"progression": {"order": ["repetitions"]}, "hold": {... "increment_seconds": 5}',
    ),
    ProblemCode(
        code="easier-adds-load",
        severity="warning",
        description=N_(
            "A variation marked easier lengthens the hold or adds repetitions: make it take away, or mark "
            "it harder (a harder variation also asks for a clearance)."
        ),
        example='{"direction": "easier", "repetitions_change": 2}',
    ),
    ProblemCode(
        code="easier-cannot-lower-start",
        severity="warning",
        description=N_(
            "A variation marked easier only takes away from the dose. Doses stay within the exercise's "
            "limits, so at the starting dose, where an easier variation is most needed, it lowers nothing: lower the "
            "exercise's start, or add an easier exercise before it. (A variation that changes no number, only how the "
            "exercise is done, draws no warning.)"
        ),
        example='"hold": {"start_seconds": 5, ...}, ... {"direction": "easier", "hold_seconds_change": -2}',
    ),
    ProblemCode(
        code="repeated-entry",
        severity="warning",
        description=N_(
            "An exercise or an entry to avoid cites the same source, or names the same movement, more than once. It"
            " is listed as many times as it is written (a handout prints the source twice): write it once."
        ),
        example='"sources": ["sinaki-2002", "sinaki-2002"]',
    ),
    ProblemCode(
        code="one-way-link",
        severity="warning",
        description=N_(
            "An exercise's next_exercise leads to an exercise that names no previous_exercise. The engine steps a"
            " person down the way they came up, along this link, but the ladder says so in one direction only: name"
            " the exercise as the other's previous_exercise."
        ),
        example='"next_exercise": "hand-press-up"  (and hand-press-up has no "previous_exercise")',
    ),
    ProblemCode(
        code="previous-asks-more",
        severity="warning",
        description=N_(
            "An exercise's previous_exercise is at the same level, and its starting dose asks for more (a longer"
            " hold, more repetitions or more sets, and nowhere less): a step down after pain would raise the numbers"
            " the person does. Link to an easier exercise, or lower the other exercise's start."
        ),
        example='"level": "beginner", ... "previous_exercise": "forearm-press-up"  (also beginner, starting at 5 s'
        " against 1 s)",
    ),
    ProblemCode(
        code="link-to-refused",
        severity="warning",
        description=N_(
            "A next or previous exercise is refused, because it is tagged with a movement osteoporosis "
            "guidance advises against (contraindicated-movement): the ladder leads to an exercise that cannot be "
            "prescribed. Move the movement to the pack's exercises to avoid, and link to another exercise."
        ),
        example='"next_exercise": "sit-up"  (an exercise tagged "sit-up")',
    ),
    ProblemCode(
        code="source-url-not-web",
        severity="warning",
        description=N_(
            "A source's address is not an http or https address a browser opens as written (javascript:, "
            "data:, file:, a bare path, one with no host, a host that is no name nor IP address, an unclosed IPv6 "
            "host or a port beyond 65535, one with spaces, control characters or a backslash in it, one longer "
            "than 2,000 characters, a user name before the host, or a host with a full-width letter or a label "
            "that mixes scripts, which a browser shows as another host). A handout prints it as text and never as "
            "a link; give the source's DOI or "
            "PubMed address instead."
        ),
        example='"url": "javascript:alert(1)"',
    ),
    ProblemCode(
        code="media-outside-folder",
        severity="warning",
        description=N_(
            "A step's or a variation's media is neither a relative path that stays inside the pack's "
            "folder nor an http or https address: an absolute path, one with .. or a backslash, a doubled or trailing "
            "slash or a ./ part, a drive letter, or another scheme (data:, file:, javascript:). A handout never "
            "embeds it; put the picture in the pack's folder and name it by its path from there."
        ),
        example='"media": "../../etc/picture.svg"',
    ),
    ProblemCode(
        code="media-file-outside-folder",
        severity="warning",
        description=N_(
            "A picture named by a path is a symbolic link that leads out of the pack's folder, which a handout "
            "refuses, or a hard link, a file with other names that may be outside the folder, which a handout embeds "
            "as it is. Copy the picture into the folder instead. Checked only for a pack read from a file "
            "(validate_pack with a path, backext validate)."
        ),
        example='"media": "media/start.svg"  (a hard link to ~/secret.svg)',
    ),
    ProblemCode(
        code="media-missing",
        severity="warning",
        description=N_(
            "A picture named by a path inside the pack's folder is not a file there (it does not exist, or it is a "
            "folder, or a symbolic link that leads nowhere), so a handout leaves it out. Put the picture at that "
            "path, next to the pack, or correct the path. Checked only for a pack read from a file (validate_pack "
            "with a path, backext validate), and only for a path with a folder or a suffix (media/start.svg, "
            "start.png): a bare name such as forearm-start may be an app's asset name, and is not looked for."
        ),
        example='"media": "media/start.svg"  (no file media/start.svg next to the pack)',
    ),
    ProblemCode(
        code="no-disclaimer",
        severity="warning",
        description=N_(
            "The pack has no disclaimer telling a person to exercise with a health-care provider's guidance."
        ),
        example="a pack without a disclaimer field",
    ),
    ProblemCode(
        code="no-sources",
        severity="warning",
        description=N_("The pack cites no sources for its content."),
        example="a pack without sources",
    ),
    ProblemCode(
        code="avoided-in-ladder",
        severity="error",
        description=N_(
            "A next or previous exercise names an entry of the pack's exercises to avoid: those are there to "
            "warn, and can never be part of a ladder."
        ),
        example='progression: {next_exercise: "sit-ups-and-crunches"}',
    ),
    ProblemCode(
        code="unused-source",
        severity="warning",
        description=N_("A source that no exercise cites: cite it in an exercise's sources, or remove it."),
        example='sources: [{id: "sinaki-2002", ...}] with no exercise listing "sinaki-2002"',
    ),
    # Stored states (load_state)
    ProblemCode(
        code="unsupported-state-version",
        severity="error",
        description=N_("A stored state is in a format this version of backext does not read (load_state)."),
        example='{"format_version": 99, ...}',
    ),
    ProblemCode(
        code="wrong-pack",
        severity="error",
        description=N_("A stored state belongs to another pack than the one it is used with."),
        example="a state of 'clinic-pack' loaded with the built-in pack",
    ),
    ProblemCode(
        code="unknown-exercise",
        severity="error",
        description=N_(
            "A stored state names an exercise the pack does not have (removed by an update, or edited), or a file"
            " of session logs for backext fhir --logs names one."
        ),
        example='"dose": {"exercise_id": "plank", ...}',
    ),
    ProblemCode(
        code="not-on-ladder",
        severity="error",
        description=N_(
            "A stored state's dose is not a step of its exercise's ladder in the pack version it was stored against."
        ),
        example='"hold_seconds": 999',
    ),
    ProblemCode(
        code="prescription-mismatch",
        severity="error",
        description=N_("A stored state's prescription is not the one its dose and variations give."),
        example="a prescription of 30 s on a dose of 5 s",
    ),
    ProblemCode(
        code="unknown-variation",
        severity="error",
        description=N_("A stored state (or its clearances) names a variation the exercise or pack does not have."),
        example='"modifications": ["arm-lift"]',
    ),
    ProblemCode(
        code="uncleared-variation",
        severity="error",
        description=N_("A stored state uses a variation that needs a clearance, with none in force."),
        example='"modifications": ["leg-lift"] without a clearance',
    ),
    ProblemCode(
        code="out-of-range",
        severity="error",
        description=N_(
            "A stored state's count or date is out of range: a run of sessions that would already have stepped up,"
            " a pending session that is not the last, a stop without a red flag or severe pain (or with a red flag"
            " twice), or a clearance that ends before it begins. In a rules document (load_rules, --rules): a"
            " setting outside its range. In a file of session logs: a next-day pain on 9999-12-31, whose day after"
            " no calendar holds."
        ),
        example='"tolerated_streak": 99',
    ),
    ProblemCode(
        code="invalid-value",
        severity="error",
        description=N_(
            "A value of a stored state, a session log or a FHIR import that the model's own check refuses, such as"
            " a pain rating outside 0 to 10 in a stop, or settings of a rules document that do not fit one another"
            " (regress_pain not above tolerated_pain); the message says what is allowed."
        ),
        example='"stop": {"date": "2026-01-05", "pain": 11}',
    ),
    # Reporting
    ProblemCode(
        code="too-many-problems",
        severity="warning",
        description=N_(
            "More problems were found than the limit on those reported (Limits.max_problems, 1,000 by "
            "default); the message says how many were left out. Errors are reported before warnings are left out."
        ),
        example="a pack with 5,000 unknown fields",
    ),
)
