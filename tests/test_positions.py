"""Line and column of every problem: the position-keeping readers and where problems point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import tomli_w
import yaml
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext._formats import serialize
from backext._positions import _prefixes, index_json, index_toml, locate
from backext._problems import escape_pointer
from strategies import packs


if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

BROKEN = Path(__file__).parent / "data" / "broken"


def pointers(document: object, pointer: str = "") -> dict[str, object]:
    """Every pointer in *document* and the value it resolves to."""
    found = {pointer: document}
    if isinstance(document, dict):
        for key, value in document.items():
            found.update(pointers(value, f"{pointer}/{escape_pointer(key)}"))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.update(pointers(value, f"{pointer}/{index}"))
    return found


def resolve(document: object, pointer: str) -> object:
    return pointers(document)[pointer]


# --- The readers, fuzzed against the standard parsers ----------------------------------------------------------------

_keys = st.text(max_size=6)
_scalars = (
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False, allow_infinity=False)
) | st.text(max_size=8)
json_documents = st.dictionaries(
    _keys,
    st.recursive(
        _scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3), max_leaves=12
    ),
    max_size=4,
)


@given(json_documents, st.sampled_from([None, 0, 2]), st.booleans())
def test_the_json_reader_finds_every_value_and_key(document, indent, ascii_only):
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    parsed = json.loads(text)
    index = index_json(text)
    assert set(index.entries) == set(pointers(parsed))
    for pointer, entry in index.entries.items():
        start, end = entry.value
        assert json.loads(text[start:end]) == resolve(parsed, pointer)
        if entry.key is not None:
            assert json.loads(text[slice(*entry.key)]) == pointer.rsplit("/", 1)[1].replace("~1", "/").replace(
                "~0", "~"
            )
    assert index.duplicates == []


def test_the_json_reader_finds_duplicate_keys():
    text = '{"a": {"b": 1, "b": 2}, "a": 3}'
    index = index_json(text)
    assert [(pointer, text[slice(*where)]) for pointer, where in index.duplicates] == [("/a/b", '"b"'), ("/a", '"a"')]


_toml_scalars = (
    st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
    | st.dates()
)
toml_documents = st.recursive(
    st.dictionaries(_keys, _toml_scalars, max_size=3),
    lambda inner: st.dictionaries(
        _keys, _toml_scalars | inner | st.lists(_toml_scalars, max_size=3) | st.lists(inner, max_size=2), max_size=4
    ),
    max_leaves=10,
)


@given(toml_documents, st.booleans())
def test_the_toml_reader_finds_every_value_and_key(document, multiline):
    text = tomli_w.dumps(document, multiline_strings=multiline)
    parsed = tomllib.loads(text)
    index = index_toml(text)
    assert set(pointers(parsed)) <= set(index.entries)
    for pointer, entry in index.entries.items():
        value = resolve(parsed, pointer)
        piece = text[slice(*entry.value)]
        if not isinstance(value, dict | list):
            assert tomllib.loads(f"v = {piece}")["v"] == value
        if entry.key is not None:
            key = text[slice(*entry.key)]
            name = tomllib.loads(f"{key} = 1").popitem()[0]
            parent, _, last = pointer.rpartition("/")
            if isinstance(resolve(parsed, parent), list):  # a table of an array of tables: its header's key
                last = parent.rpartition("/")[2]
            assert name == last.replace("~1", "/").replace("~0", "~")


@given(toml_documents, st.booleans(), st.data())
def test_the_toml_reader_asked_for_some_pointers_finds_them_where_the_whole_reading_does(document, multiline, data):
    text = tomli_w.dumps(document, multiline_strings=multiline)
    everything = index_toml(text).entries
    chosen = data.draw(st.lists(st.sampled_from(sorted(pointers(tomllib.loads(text)))), max_size=3))
    asked = index_toml(text, chosen).entries
    assert {pointer: asked[pointer] for pointer in chosen} == {pointer: everything[pointer] for pointer in chosen}
    assert set(asked) <= _prefixes(chosen), "nothing else is indexed"


#: Lines that look like headers inside strings and arrays, nested arrays, inline tables, quoted keys.
_HAND_WRITTEN_LINES = (
    "# a pack",
    "a.b = 1  # one",
    "c = { d = 'x', e.f = [1, # two",
    "  2] }",
    "[[t]]",
    "x = 1979-05-27 07:32:00Z",
    "list = [",
    "  'a', # a comment ]",
    '  "]",',
    "[1],",
    "]",
    "[[t]]",
    '"y z" = """two',
    '[t.not-a-header]"""',
    "nested = [[1], [2, 3]]",
    "inline = { p = { q = 1 } }",
    "[t.u]",
    "v = '''w",
    "[[t]]'''",
    "[[t]]",
    '"quoted . key".bare = "s\\"]"',
    "[ t . u . w ]",
    "z = 9",
)
_HAND_WRITTEN = "\n".join(_HAND_WRITTEN_LINES) + "\n"


def test_the_toml_reader_asked_for_some_pointers_passes_over_the_rest_of_a_hand_written_file():
    everything = index_toml(_HAND_WRITTEN).entries
    for pointer in pointers(tomllib.loads(_HAND_WRITTEN)):
        asked = index_toml(_HAND_WRITTEN, [pointer]).entries
        assert asked[pointer] == everything[pointer], pointer
        assert set(asked) <= _prefixes([pointer]), pointer


def test_the_toml_reader_stops_once_it_has_found_what_it_was_asked_for():
    pack = backext.dump_pack(backext.builtin_pack(), "toml")
    unreadable = pack + "\n[tail]\n= 'a key the reader cannot read'\n"  # never reached
    asked = index_toml(unreadable, ["/version", "/exercises/0/hold/start_seconds"]).entries
    assert unreadable[slice(*asked["/version"].value)] == '"1.0.0"'
    assert unreadable[slice(*asked["/exercises/0/hold/start_seconds"].value)] == "5"
    with pytest.raises(ValueError):
        index_toml(unreadable)


def test_the_toml_reader_knows_inline_tables_dotted_keys_and_comments():
    text = (
        "# a pack\n"
        "a.b = 1  # one\n"
        "c = { d = 'x', e.f = [1, # two\n  2] }\n"
        "[[t]]\nx = 1979-05-27 07:32:00Z\n"
        '[[t]]\n"y z" = """two\nlines"""\n'
        "[t.u]\nv = '''w'''\n"
    )
    index = index_toml(text)
    assert set(pointers(tomllib.loads(text))) <= set(index.entries)
    shown = {pointer: text[slice(*entry.value)] for pointer, entry in index.entries.items()}
    assert shown["/a/b"] == "1"
    assert shown["/c/e/f/1"] == "2"
    assert shown["/t/0/x"] == "1979-05-27 07:32:00Z"
    assert shown["/t/1/y z"] == '"""two\nlines"""'
    assert shown["/t/1/u/v"] == "'''w'''"


# --- Where problems point ---------------------------------------------------------------------------------------------


def _mutations(document: dict) -> list[tuple[str, str]]:
    """Where a mutation may go: (pointer, kind) for every value, and every object for an unknown key."""
    found = []
    for pointer, value in pointers(document).items():
        if pointer:
            found.append((pointer, "replace"))
            found.append((pointer, "delete"))
        if isinstance(value, dict):
            found.append((pointer, "add"))
    return [(p, k) for p, k in found if k != "delete" or not p.rsplit("/", 1)[1].isdigit()]


def _mutate(document: dict, pointer: str, kind: str) -> None:
    parent_pointer, _, last = pointer.rpartition("/")
    if kind == "add":
        node = resolve(document, pointer)
        assert isinstance(node, dict)
        node["unknown_key"] = 1
        return
    parent = resolve(document, parent_pointer)
    key: int | str = int(last) if isinstance(parent, list) else last.replace("~1", "/").replace("~0", "~")
    if kind == "delete":
        del parent[key]  # type: ignore[union-attr]
    else:
        parent[key] = 7 if isinstance(parent[key], str) else "x"  # type: ignore[index]


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(previous) for previous in lines[: line - 1]) + column - 1


def _belongs(fmt: str, piece: str, *, text: str, column: int, value: object, pointer: str) -> bool:
    """Whether *piece* (the text at a problem's position) is the value at *pointer*, or its last key."""
    tokens = [raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")]
    token, parent = tokens[-1], tokens[-2] if len(tokens) > 1 else ""
    if fmt == "json":
        decoded = json.JSONDecoder().raw_decode(piece)[0]
        return bool(decoded in (value, token))
    if fmt == "yaml":
        decoded = yaml.safe_load(" " * (column - 1) + piece)
        return bool(decoded in (value, token) or (isinstance(decoded, dict) and token in decoded))
    if piece == text:  # the whole document
        return bool(tomllib.loads(piece) == value)
    if piece.startswith("["):  # a table's header, which names the table, or the array whose element it begins
        name = piece.strip("[]").split(".")[-1].strip().strip("\"'")
        return name in (token, parent)
    try:
        decoded = tomllib.loads(f"v = {piece}")["v"]
    except tomllib.TOMLDecodeError:
        decoded = tomllib.loads(f"{piece} = 1").popitem()[0] if "=" not in piece else None
    return bool(decoded in (value, token))


@given(packs(), st.sampled_from(backext.FORMATS), st.data())
def test_every_position_points_at_a_token_of_its_pointer(pack, fmt, data):
    document = json.loads(backext.dump_pack(pack, "json"))
    pointer, kind = data.draw(st.sampled_from(_mutations(document)))
    _mutate(document, pointer, kind)
    text = serialize(document, fmt)
    problems = backext.validate_pack(text, format=fmt)
    parsed = json.loads(json.dumps(document))
    for problem in problems:
        assert problem.line is not None, problem
        assert problem.end_line is not None
        assert problem.end_column is not None
        start = _offset(text, problem.line, problem.column)
        end = _offset(text, problem.end_line, problem.end_column)
        assert 0 <= start < end <= len(text), problem
        path = problem.path
        while path not in pointers(parsed):
            path = path.rsplit("/", 1)[0]
        piece = text[start:end]
        # A field the document leaves out (a default, such as no movements) is placed at what holds it.
        assert _belongs(fmt, piece, text=text, column=problem.column, value=resolve(parsed, path), pointer=path), (
            problem,
            piece,
        )


def test_a_mapping_has_no_positions():
    (problem, *_) = backext.validate_pack({"id": 5})
    assert (problem.line, problem.column, problem.end_line, problem.end_column) == (None, None, None, None)


def test_problems_with_a_line_keep_it_and_unreadable_text_leaves_problems_alone():
    placed = backext.Problem(path="/x", code="wrong-type", message="m", line=3, column=4)
    assert locate("{}", "json", [placed]) == [placed]
    loose = backext.Problem(path="/x", code="wrong-type", message="m")
    assert locate("{", "json", [loose]) == [loose]


@pytest.mark.parametrize("path", sorted(BROKEN.iterdir()), ids=lambda p: p.name)
def test_the_broken_copies_are_reported_on_the_line_of_the_value(path):
    text = path.read_text(encoding="utf-8")
    problems = backext.validate_pack(path)
    assert [p for p in problems if p.severity == "error"]
    parsed = pointers(
        json.loads(text)
        if path.suffix == ".json"
        else tomllib.loads(text)
        if path.suffix == ".toml"
        else yaml.safe_load(text)
    )
    lines = text.splitlines()
    for problem in problems:
        line = lines[problem.line - 1]
        token = problem.path.rsplit("/", 1)[-1]
        value = parsed.get(problem.path)
        shown = value if isinstance(value, str) else None
        assert token in line or (shown is not None and shown in line) or problem.code == "missing-field", (
            problem,
            line,
        )
        if problem.code == "missing-field":
            # The object that lacks the field: its key, its header, or its first line.
            assert line.strip().startswith(("-", "[[", "{", '"', token)), line


# Found by a black-box attack: a duplicate key in TOML or YAML was reported at the document (pointer ""), in TOML
# past the end of its line, and a JSON NaN at the document's first character.
@pytest.mark.parametrize(
    ("text", "suffix", "pointer", "line", "column"),
    [
        ("a = 1\na = 2\n", ".toml", "/a", 2, 1),
        ("[t]\nx = 1\n[t]\n", ".toml", "/t", 3, 1),
        ("[[s]]\nx = 1\n[[s]]\nx = 1\nx = 2\n", ".toml", "/s/1/x", 5, 1),
        (
            'id = "x"\n[[exercises]]\nid = "a"\n[exercises.name]\nen = "a"\n  en = "b"\n',
            ".toml",
            "/exercises/0/name/en",
            6,
            3,
        ),
        ("a = {b = 1, b = 2}\n", ".toml", "/a", 1, 18),
        ("a: 1\na: 2\n", ".yaml", "/a", 2, 1),
        ("id: x\nexercises:\n  - id: y\n    name: {en: a, en: b}\n", ".yaml", "/exercises/0/name/en", 4, 19),
        ("x: &b {k: 1}\ny:\n  <<: *b\n  z: 1\n  z: 2\n", ".yaml", "/y/z", 5, 3),
    ],
)
def test_a_duplicate_key_is_reported_at_the_key_with_its_pointer(tmp_path, text, suffix, pointer, line, column):  # noqa: PLR0917
    path = tmp_path / f"pack{suffix}"
    path.write_text(text, encoding="utf-8")
    [found] = [p for p in backext.validate_pack(path) if p.code == "duplicate-key"]
    assert (found.path, found.line, found.column) == (pointer, line, column)
    assert pointer.rsplit("/", 1)[1] in text.splitlines()[line - 1]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_json_constant_is_reported_where_it_stands(tmp_path, constant):
    path = tmp_path / "pack.json"
    path.write_text('{"id": "x",\n "a": "NaN \\" Infinity",\n  "b": [1, ' + constant + "]}", encoding="utf-8")
    [found] = backext.validate_pack(path)
    assert (found.code, found.line, found.column) == ("not-finite", 3, 12)
    assert found.path == "/b/1"  # the value's own pointer, not the document's


def test_a_json_constant_deep_in_a_pack_has_the_pointer_of_its_value():
    text = '{"id": "x", "exercises": [{"id": "a"}, {"dose": {"hold": {"seconds": -Infinity}}, "b~/c": NaN}]}'
    [found] = backext.validate_pack(text, format="json")
    assert (found.code, found.path, found.line, found.column) == ("not-finite", "/exercises/1/dose/hold/seconds", 1, 70)


@pytest.mark.parametrize("digits", [5_000, 200_000])  # beyond what Python converts at all
def test_a_json_integer_too_long_to_read_is_reported_where_it_stands(digits):
    long = "9" * digits
    text = '{"id": "1' + "0" * 150 + '",\n "a": [1.' + "0" * 150 + ', 2e5],\n  "b": {"c": [0, -' + long + "]}}"
    [found] = backext.validate_pack(text, format="json")
    assert (found.code, found.path, found.line, found.column) == ("number-out-of-range", "/b/c/1", 3, 18)


@pytest.mark.parametrize("digits", [101, 4_300, 5_000])
def test_a_yaml_integer_too_long_is_reported_at_its_pointer_beside_the_reader_s_other_problems(digits):
    # Found by a black-box attack: it was "invalid YAML" at the whole document, and hid a duplicate key after it.
    text = "id: x\nb:\n  c: [0, -" + "9" * digits + "]\nid: y\nd: " + "8" * digits + "\n"
    found = backext.validate_pack(text, format="yaml")
    placed = [(p.code, p.path, p.line, p.column) for p in found]
    assert placed == [
        ("number-out-of-range", "/b/c/1", 3, 10),
        ("duplicate-key", "/id", 4, 1),
        ("number-out-of-range", "/d", 5, 4),
    ]


# --- Documents too deep for the parser: the bracket that goes too deep ------------------------------------------------

_DEEP = 100_000


@pytest.mark.parametrize(
    ("text", "fmt", "path", "line", "column"),
    [
        ("[" * _DEEP + "]" * _DEEP, "json", "/0" * 32, 1, 33),
        ('{"a]": "[{\\"",\n "b": ' + "[" * _DEEP + "]" * _DEEP + "}", "json", "/b" + "/0" * 31, 2, 38),
        ('a = "[[" # [[[\nb = """\n[[\n"""\nc = ' + "[" * _DEEP + "]" * _DEEP + "\n", "toml", "/c" + "/0" * 31, 5, 36),
    ],
)
def test_a_document_too_deep_to_read_is_reported_at_the_bracket_beyond_the_limit(text, fmt, path, line, column):
    # Where a document read in full is: the value that nests one level past the limit (a TOML document's
    # root table is a level), with its pointer (before round 10: "" and, in TOML, one bracket further).
    [found] = backext.validate_pack(text, format=fmt)
    assert (found.code, found.path, found.line, found.column) == ("too-deep", path, line, column)
    assert text.splitlines()[line - 1][column - 1] == "["


@pytest.mark.parametrize("fmt", ["json", "toml"])
@pytest.mark.parametrize(
    "hostile", ['"' + '\\"' * 100_000, '"""' * 50_000, "'''" * 50_000, '"\\"' * 50_000 + "\\\n", "'" * 100_000]
)
def test_looking_for_the_bracket_never_goes_back_over_unterminated_strings(fmt, hostile):
    # Quadratic scanning of these would take minutes; the scan is linear and finds the bracket after them or not.
    from backext._formats import _too_deep_at  # noqa: PLC0415

    line, column = _too_deep_at("[" * 40 + hostile + "[" * 40, fmt, 32)
    assert (line, column) == (1, 33)
    _too_deep_at(hostile + "[" * 40, fmt, 32)


@given(st.text(alphabet="[]{}\"\\'#\n ax", max_size=80), st.sampled_from(["json", "toml"]))
def test_the_bracket_found_is_a_bracket(text, fmt):
    from backext._formats import _too_deep_at  # noqa: PLC0415

    line, column = _too_deep_at(text, fmt, 2)
    if line is not None:
        assert column is not None
        assert text.split("\n")[line - 1][column - 1] in "[{"


# --- Third round: keys over the limit, long pointers, empty documents ------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_a_key_over_the_length_limit_is_reported_at_the_key(tmp_path, fmt):
    pack = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    key = "k" * 100_001  # one more character than the default limit
    pack["exercises"][1][key] = 1
    text = serialize(pack, fmt)
    path = tmp_path / f"pack.{fmt}"
    path.write_text(text, "utf-8")
    [found] = backext.validate_pack(path)
    assert (found.code, found.path) == ("too-long", "/exercises/1/" + key)
    line = text.splitlines()[found.line - 1]
    assert line[found.column - 1 :].lstrip("\"'").startswith(key)  # at the key, not its value


def test_a_report_line_does_not_grow_with_a_long_key(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text('{"' + "k" * 5000 + '": 1}', "utf-8")
    out = subprocess_validate(path)
    assert max(len(line) for line in out.splitlines()) < 600
    [found] = [p for p in backext.validate_pack(path) if p.code == "unknown-field"]
    assert found.path == "/" + "k" * 5000  # the problem keeps the whole pointer


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_an_empty_yaml_document_is_reported_at_its_start(tmp_path, text):
    path = tmp_path / "pack.yaml"
    path.write_text(text, "utf-8")
    [found] = backext.validate_pack(path)
    assert (found.code, found.path, found.line, found.column) == ("wrong-type", "", 1, 1)


def subprocess_validate(path: Path) -> str:
    from backext import _report  # noqa: PLC0415

    return "".join(_report.text([(str(path), backext.validate_pack(path))]))


@pytest.mark.parametrize(
    "tabbed",
    [
        "schema_version:\t1\n",  # far from the mistake
        "schema_version: 1\t\n",
        "schema_version: 1\t# a comment\n",
        "schema_version:\t\t1\n",
    ],
)
def test_a_tab_between_tokens_keeps_every_yaml_position(tabbed):
    text = backext.dump_pack(backext.builtin_pack(), "yaml")
    lines = text.splitlines(keepends=True)
    assert lines[0] == "schema_version: 1\n"
    level = next(number for number, line in enumerate(lines) if line.strip().startswith("level:"))
    lines[level] = lines[level].replace("level: ", "level:\t", 1).rstrip("\n") + "x\n"
    lines[0] = tabbed
    problems = backext.validate_pack("".join(lines), format="yaml")
    assert [(p.code, p.line) for p in problems] == [("invalid-choice", level + 1)]
    assert problems[0].column == lines[level].index("\t") + 2


@pytest.mark.parametrize(
    ("text", "fmt", "line", "column"),
    [
        ('schema_version = 1\nid = "x"\n[', "toml", 3, 2),  # at the end of the document: where it ends
        ('{"id": "x",\r "title": "t"\r "version": 1}', "json", 3, 2),  # a CR alone ends a line
        ('id: "a\u2028b\u2028c"\ntitle: t\nid: b\n', "yaml", 3, 1),  # U+2028 inside a string ends no line
    ],
)
def test_parse_errors_count_lines_as_the_positions_of_every_other_problem_do(text, fmt, line, column):
    [found] = backext.validate_pack(text, format=fmt)
    assert (found.line, found.column) == (line, column)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ('{"id": "😀😀", "x": "'.encode() + b'\xff"}', (1, 20)),
        ('{\n "name": "Rücken", "x": "'.encode() + b'\xff"}', (2, 26)),
        ('{\r "a": "é",\r "b": "'.encode() + b'\xff"}', (3, 8)),
        # Found by a black-box attack: after a byte-order mark the byte named was another, three columns short.
        (b"\xef\xbb\xbf" + b'{"id": "ab\xff"}', (1, 11)),
    ],
)
def test_a_byte_that_is_not_utf8_is_placed_in_characters(data, where):
    # Found by a black-box attack: the column counted bytes (an emoji is four), not characters as every other
    # position (and SARIF's unicodeCodePoints) does; a lone CR did not end a line.
    (found,) = backext.validate_pack(data, format="json")
    assert found.code == "not-utf8"
    assert (found.line, found.column) == where
    assert "(0xff)" in found.message


def test_placing_a_problem_after_a_toml_string_of_many_escapes_keeps_no_memory_per_escape():
    # Found by a black-box attack: 16 MiB of \u escapes in one string used 1-2 GB to place its too-long problem.
    import sys  # noqa: PLC0415

    from memory import peak as measured  # noqa: PLC0415

    text = 'a = "' + "\\u0041" * 200_000 + '"\nb = """' + 'x\\"' * 200_000 + '"""\n'
    limits = backext.Limits(max_string_length=1_000)
    found, peak = measured(lambda: backext.validate_pack(text, format="toml", limits=limits))
    assert [(p.code, p.path, p.line) for p in found] == [("too-long", "/a", 1)]  # the first in the document
    # Possessive repetition (Python 3.11 on) keeps nothing per escape; before it, the engine's own stack does.
    most = 4 if sys.version_info >= (3, 11) else 40
    assert peak < most * len(text), (peak, len(text))
