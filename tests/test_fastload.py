"""The loader's fast path decides nothing on its own: it agrees with the exact path.

Three shortcuts make loading fast, and each one is checked here against the
slow, exact way it stands in for:

- the generated structuring code against the detailed cattrs converter;
- the proof that a pack is clean (conditions checked while structuring, then
  :func:`links_clean`) against :func:`check_pack`;
- the colon count for duplicate JSON keys against a parser that sees every key.
"""

from __future__ import annotations

import copy
import json
import pathlib
import re
import subprocess
import sys

import attrs
import pytest
from cattrs.errors import BaseValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

import backext
from backext import _fastload
from backext._checks import _all_texts, check_pack
from backext._clean import links_clean
from backext._converter import WrongType, WrongValue, converter
from backext._model import Pack
from strategies import LOCALES, json_values, packs


def entries(node: object) -> int:
    """How many entries all the objects in *node* hold."""
    if isinstance(node, dict):
        return len(node) + sum(entries(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return sum(entries(item) for item in node)
    return 0


def exact(document: object) -> Pack | None:
    try:
        return converter.structure(document, Pack)
    except (BaseValidationError, WrongType, WrongValue):
        return None


def fast(document: object) -> Pack | None:
    try:
        structured = _fastload.structure(document, Pack)
    except Exception:  # noqa: BLE001 - anything means "refused"
        return None
    assert structured.entries == entries(document)
    return structured.value


def proven_clean(document: object) -> bool:
    """Whether the fast loader proves *document* clean (it must structure)."""
    structured = _fastload.structure(copy.deepcopy(document), Pack)
    return structured.clean and links_clean(structured.value, locales=structured.locales, plain=structured.plain)


def places(node: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """The path of every value inside *node*, as keys and indexes."""
    found = [at]
    if isinstance(node, dict):
        for key, value in node.items():
            found += places(value, (*at, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += places(item, (*at, index))
    return found


def parent_of(document: object, path: tuple[object, ...]) -> object:
    node = document
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    return node


@st.composite
def mutated_documents(draw: st.DrawFn) -> object:
    """A valid pack's document with one value replaced, removed or added anywhere in it."""
    document = json.loads(backext.dump_pack(draw(packs()), "json"))
    path = draw(st.sampled_from(places(document)[1:]))
    parent = parent_of(document, path)
    how = draw(st.sampled_from(["replace", "remove", "add", "tuple"]))
    if how == "replace":
        parent[path[-1]] = draw(json_values)  # type: ignore[index]
    elif how == "remove":
        del parent[path[-1]]  # type: ignore[attr-defined]
    elif how == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["id", "name", "extra", "cue", "en"]))] = draw(json_values)
    elif how == "tuple" and isinstance(parent[path[-1]], list):  # type: ignore[index]
        parent[path[-1]] = tuple(parent[path[-1]])  # type: ignore[index]  # an app's mapping may hold tuples
    return document


@given(pack=packs())
def test_fast_structuring_of_valid_packs_matches_the_converter(pack):
    document = json.loads(backext.dump_pack(pack, "json"))
    assert fast(document) == exact(document) == pack


@given(document=mutated_documents())
def test_fast_structuring_accepts_exactly_what_the_converter_accepts(document):
    assert fast(copy.deepcopy(document)) == exact(copy.deepcopy(document))


@given(value=json_values)
def test_fast_structuring_of_random_values(value):
    assert fast(value) == exact(value)


def test_fast_structuring_refuses_non_finite_numbers_and_lookalike_types():
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    for value in (float("nan"), float("inf"), -float("inf"), True, "5", None):
        changed = copy.deepcopy(document)
        changed["exercises"][0]["hold"]["target_seconds"] = value
        assert fast(changed) is None
        assert exact(changed) is None

    class Tag(str):
        __slots__ = ()

    changed = copy.deepcopy(document)
    changed["exercises"][0]["movements"] = [Tag("prone")]
    assert fast(changed) is None
    assert exact(changed) is None


def test_classes_without_slots_are_built_through_their_init():
    @attrs.frozen(kw_only=True, slots=False)
    class Loose:
        count: int

    assert _fastload.structure({"count": 2}, Loose).value == Loose(count=2)


def test_classes_with_validators_are_built_through_their_init():
    @attrs.frozen(kw_only=True)
    class Checked:
        count: int = attrs.field(validator=attrs.validators.ge(1))
        name: str | None = None

    assert _fastload.structure({"count": 2}, Checked) == _fastload.Structured(Checked(count=2), 1, True, 0, None)
    with pytest.raises(ValueError, match="count"):
        _fastload.structure({"count": 0, "name": "x"}, Checked)


# --- the proof of cleanliness against check_pack -----------------------------

_IDS = ("x", "ex-1", "Bad Id", "")
_NUMBERS = (-1, 0, 0.5, 1, 2, 5, 10, 29, 30, 31, 59, 60, 61)


@st.composite
def semantic_mutations(draw: st.DrawFn) -> dict:
    """A valid pack with one or two fields changed to values that checks (not types) may object to.

    Each value is drawn from a short list mixing good and bad values, so
    that many examples have exactly one problem: those are the ones that
    show whether the proof misses a check.
    """
    document = json.loads(backext.dump_pack(draw(packs()), "json"))
    exercises = document["exercises"]
    ids = [e["id"] for e in exercises] + ["nowhere"]
    for _ in range(draw(st.integers(1, 2))):
        exercise = draw(st.sampled_from(exercises))
        progression = exercise.setdefault("progression", {})
        where = draw(
            st.sampled_from(
                [
                    "id", "hold", "repetitions", "tolerated", "order", "link", "level", "modification",
                    "movement", "source", "text", "translation", "steps", "pack",
                ]
            )
        )  # fmt: skip
        if where == "id":
            exercise["id"] = draw(st.sampled_from([*_IDS, *ids]))
        elif where == "hold":
            field = draw(st.sampled_from(["start_seconds", "target_seconds", "increment_seconds"]))
            exercise["hold"][field] = draw(st.sampled_from(_NUMBERS))
        elif where == "repetitions":
            field = draw(st.sampled_from(["minimum", "maximum", "sets"]))
            exercise["repetitions"][field] = draw(st.sampled_from([n for n in _NUMBERS if isinstance(n, int)]))
        elif where == "tolerated":
            progression["tolerated_sessions"] = draw(st.integers(-1, 2))
        elif where == "order":
            progression["order"] = draw(st.lists(st.sampled_from(["hold", "repetitions"]), max_size=3))
        elif where == "link":
            field = draw(st.sampled_from(["next_exercise", "previous_exercise"]))
            progression[field] = draw(st.sampled_from(ids))
        elif where == "level":
            exercise["level"] = draw(st.sampled_from(["beginner", "intermediate", "advanced"]))
        elif where == "modification":
            direction = draw(st.sampled_from(["easier", "harder"]))
            exercise["modifications"] = [
                {
                    "id": draw(st.sampled_from(["easier", "easier", "harder", "Bad Id"])),
                    "name": draw(st.sampled_from(["Easier", "Easier", ""])),
                    "description": draw(st.sampled_from(["Less.", "Less.", " "])),
                    "direction": direction,
                    "requires_clearance": draw(st.booleans()),
                }
                for _ in range(draw(st.integers(1, 2)))
            ]
        elif where == "movement":
            exercise["movements"] = draw(st.lists(st.sampled_from(["prone", "sit-up", "crunch"]), max_size=2))
        elif where == "source":
            known = [source["id"] for source in document.get("sources", [])]
            exercise["sources"] = draw(st.lists(st.sampled_from(["nowhere", *known]), max_size=2))
        elif where == "text":
            field = draw(st.sampled_from(["name", "purpose", "equipment", "safety_notes"]))
            value = draw(st.sampled_from(["", " \t", "Fine"]))
            exercise[field] = [value] if field in ("equipment", "safety_notes") else value
        elif where == "translation":
            tags = draw(st.lists(st.sampled_from([*LOCALES, "not_a_tag"]), min_size=1, max_size=3, unique=True))
            exercise["name"] = {tag: draw(st.sampled_from(["Text", "Text", " "])) for tag in tags}
        elif where == "steps":
            exercise["steps"] = draw(
                st.sampled_from([[], [{"text": "Go.", "cue": ""}], [{"text": " "}], [{"text": "Go.", "cue": "Go"}]])
            )
        else:
            field = draw(st.sampled_from(["id", "version", "default_locale", "disclaimer", "sources", "exercises"]))
            if field == "exercises":
                document["exercises"] = [*exercises, exercises[0]]
            elif field in ("disclaimer", "sources"):
                document.pop(field, None)
            else:
                document[field] = draw(st.sampled_from(["", " ", "en", "Bad Id", "x"]))
    if exact(document) is None:  # pragma: no cover - every change above keeps the types right
        raise AssertionError(document)
    return document


@settings(max_examples=4 * settings.default.max_examples)
@given(document=semantic_mutations())
def test_the_proof_agrees_with_check_pack(document):
    assert proven_clean(document) == (check_pack(exact(document)) == [])


def _builtin() -> dict:
    return json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


def _builtin_in_english() -> dict:
    """The built-in pack's document with every text a plain English string, as it was before it was translated."""
    pack = backext.builtin_pack()
    english = {pointer: pack.localize(text, "en") for pointer, text in _all_texts(pack)}

    def walk(node: object, at: str) -> object:
        if at in english:
            return english[at]
        if isinstance(node, dict):
            return {key: walk(value, f"{at}/{key}") for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item, f"{at}/{index}") for index, item in enumerate(node)]
        return node

    document = walk(_builtin(), "")
    assert isinstance(document, dict)
    return document


def test_the_translated_builtin_pack_is_proven_clean():
    document = _builtin()
    assert isinstance(document["title"], dict)
    assert set(document["title"]) == {"en", "de", "fr", "es"}
    assert proven_clean(document)


def _at(pointer: str, value: object):
    def change(document: dict) -> None:
        *parents, last = pointer.split("/")[1:]
        node: object = document
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]  # type: ignore[index]
        node[int(last) if isinstance(node, list) else last] = value  # type: ignore[index]

    return change


#: One change to the built-in pack per question the proof asks: each leaves exactly one kind of problem.
ONE_PROBLEM = {
    "pack id": _at("/id", "Back"),
    "default locale": _at("/default_locale", "en_GB"),
    "version": _at("/version", " "),
    "no exercises": _at("/exercises", []),
    "no disclaimer": lambda d: d.pop("disclaimer"),
    "no sources": lambda d: [d.pop("sources"), *(e.pop("sources") for e in d["exercises"])],
    "source id": _at("/sources/0/id", "Sinaki"),
    "duplicate source": lambda d: d["sources"].append(d["sources"][0]),
    "citation": _at("/sources/0/citation", ""),
    "exercise id": _at("/exercises/2/id", "Chest lift"),
    "duplicate exercise": lambda d: d["exercises"].append(d["exercises"][2]),
    "no steps": _at("/exercises/1/steps", []),
    "hold start": _at("/exercises/0/hold/start_seconds", 0),
    "hold target": _at("/exercises/0/hold/target_seconds", 61),
    "hold order": _at("/exercises/0/hold/target_seconds", 4),
    "increment": _at("/exercises/0/hold/increment_seconds", 0),
    "increment span": _at("/exercises/0/hold/increment_seconds", 26),
    "minimum": _at("/exercises/0/repetitions/minimum", 0),
    "maximum": _at("/exercises/0/repetitions/maximum", 31),
    "maximum below minimum": _at("/exercises/2/repetitions/maximum", 7),
    "no sets": _at("/exercises/0/repetitions/sets", 0),
    "many sets": _at("/exercises/0/repetitions/sets", 6),
    "tolerated": _at("/exercises/0/progression/tolerated_sessions", 0),
    "order": _at("/exercises/0/progression/order", ["hold", "hold"]),
    "next unknown": _at("/exercises/0/progression/next_exercise", "nowhere"),
    "previous unknown": _at("/exercises/1/progression/previous_exercise", "nowhere"),
    "next self": _at("/exercises/0/progression/next_exercise", "forearm-press-up"),
    "previous self": _at("/exercises/1/progression/previous_exercise", "hand-press-up"),
    "next down": _at("/exercises/1/progression/next_exercise", "forearm-press-up"),
    "next skips": _at("/exercises/0/progression/next_exercise", "prone-chest-lift"),
    "previous up": _at("/exercises/1/progression/previous_exercise", "prone-chest-lift"),
    "previous skips": _at("/exercises/2/progression/previous_exercise", "forearm-press-up"),
    "next cycle": _at("/exercises/2/progression/next_exercise", "hand-press-up"),
    "previous cycle": lambda d: [
        _at("/exercises/1/progression/previous_exercise", "prone-chest-lift")(d),
        _at("/exercises/1/level", "advanced")(d),
    ],
    "variation id": _at("/exercises/2/modifications/0/id", "Legs"),
    "duplicate variation": lambda d: d["exercises"][2]["modifications"].append(d["exercises"][2]["modifications"][0]),
    "harder variation": _at("/exercises/2/modifications/0/requires_clearance", False),
    "movement": lambda d: d["exercises"][0]["movements"].append("crunch"),
    "source": lambda d: d["exercises"][0]["sources"].append("nobody"),
    "name": _at("/exercises/0/name", ""),
    "cue": _at("/exercises/0/steps/0/cue", " "),
    "equipment": _at("/exercises/0/equipment", [" "]),
    "variation text": _at("/exercises/2/modifications/0/description", "\n"),
    "translation empty": _at("/title", {"en": "Back", "de": " "}),
    "translation tag": _at("/title", {"en": "Back", "en_GB": "Back"}),
    "translation default": _at("/title", {"de": "Rücken"}),
    "translation incomplete": _at("/exercises/0/name", {"en": "Press", "de": "Drücken"}),
    "no translations": _at("/title", {}),
    "translations differ": lambda d: [
        _at("/title", {"en": "Back", "de": "Rücken"})(d),
        _at("/disclaimer", {"en": "Careful", "fr": "Attention"})(d),
    ],
    "a locale only in a later text": lambda d: [
        _at("/title", {"en": "Back"})(d),
        _at("/disclaimer", {"en": "Careful", "fr": "Attention"})(d),
    ],
    "translation blank": _at("/exercises/1/steps/0/text", {"en": "\t"}),
    "blank note beside a translated one": _at("/exercises/0/safety_notes", [{"en": "Slowly."}, " "]),
}


@pytest.mark.parametrize("change", sorted(ONE_PROBLEM))
def test_the_proof_sees_each_problem(change):
    document = _builtin()
    ONE_PROBLEM[change](document)
    pack = exact(document)
    assert pack is not None
    assert check_pack(pack)
    assert not proven_clean(document)


def test_links_against_the_order_of_the_list_are_clean():
    # Exercises listed from the hardest down: no link points further down the list, and there is no cycle.
    document = _builtin()
    document["exercises"].reverse()
    pack = exact(document)
    assert pack is not None
    assert check_pack(pack) == []
    assert proven_clean(document)


def test_a_blank_plain_text_beside_translations_is_not_clean():
    document = _builtin_in_english()
    document["title"] = {"en": "Back"}
    document["exercises"][0]["name"] = " "
    pack = exact(document)
    assert pack is not None
    assert not proven_clean(document)
    assert [p.code for p in check_pack(pack)] == ["empty-value"]


def test_texts_translated_into_the_default_locale_only_are_clean_beside_plain_ones():
    document = _builtin_in_english()
    document["title"] = {"en": "Back"}
    document["exercises"][0]["safety_notes"] = [{"en": "Slowly."}, "Gently."]
    pack = exact(document)
    assert pack is not None
    assert check_pack(pack) == []
    assert proven_clean(document)


_TEXT_FIELDS = {"title", "name", "purpose", "starting_position", "text", "cue", "description", "disclaimer", "why"}


def translated(node: object, tags: tuple[str, ...], plain: frozenset[str] = frozenset(), key: str = "") -> object:
    """*node* with every text (except those under the keys in *plain*) given in each of *tags*."""
    if isinstance(node, dict):
        return {k: v if k in plain else translated(v, tags, plain, k) for k, v in node.items()}
    if isinstance(node, list):
        return [translated(item, tags, plain, key) for item in node]
    if isinstance(node, str) and key in _TEXT_FIELDS | {"equipment", "safety_notes"}:
        return dict.fromkeys(tags, node)
    return node


@pytest.mark.parametrize(
    ("tags", "plain", "clean"),
    [
        (("en", "de"), frozenset(), True),
        (("en",), frozenset({"safety_notes"}), True),
        (("en", "de"), frozenset({"safety_notes"}), False),  # plain notes have no German
        (("en", "de"), frozenset({"cue"}), False),
        (("en", "en_GB"), frozenset(), False),  # not a locale tag
        (("de", "fr"), frozenset(), False),  # no text in the default locale
    ],
)
def test_translated_packs(tags, plain, clean):
    document = translated(_builtin_in_english(), tags, plain)
    pack = exact(document)
    assert pack is not None
    assert isinstance(pack.title, backext.LocalizedText)
    assert (check_pack(pack) == []) is clean
    assert proven_clean(document) is clean


@given(pack=packs())
def test_valid_packs_are_clean(pack):
    assert proven_clean(json.loads(backext.dump_pack(pack, "json")))


@pytest.mark.parametrize(
    "replacement", ["", " ", "Bad Id", "prone-chest-lift", "sit-up", "harder", 0, -1, 0.5, 2, 31, 61, False]
)
def test_every_value_of_the_builtin_pack_changed_the_proof_agrees(replacement):
    # Each value in turn (every text, id, number and flag), replaced where the type allows it.
    document = _builtin()
    for path in places(document)[1:]:
        changed = copy.deepcopy(document)
        parent = parent_of(changed, path)
        if isinstance(parent[path[-1]], (dict, list)):  # type: ignore[index]
            continue
        parent[path[-1]] = replacement  # type: ignore[index]
        pack = exact(changed)
        if pack is not None:
            assert proven_clean(changed) == (check_pack(pack) == []), path


# --- duplicate JSON keys -------------------------------------------------------

_KEYS = st.sampled_from(["a", "b", "c:", 'q"', "\\"])
_STRINGS = st.sampled_from(["x", "a: b", "Note:", 'say "go": now', "\\", " : ", "\u003a", "tab\t:"])


def _objects(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(st.tuples(_KEYS, children), max_size=4).map(lambda pairs: ("object", pairs))


#: JSON trees whose objects are lists of pairs, so that a key may appear twice.
trees = st.recursive(
    st.none() | st.integers(-3, 3) | _STRINGS,
    lambda children: st.lists(children, max_size=3) | _objects(children),
    max_leaves=12,
)


def write(node: object, colon: str, comma: str, escape: bool) -> str:
    if isinstance(node, tuple):
        members = [
            write(key, colon, comma, escape) + colon + write(value, colon, comma, escape) for key, value in node[1]
        ]
        return "{" + comma.join(members) + "}"
    if isinstance(node, list):
        return "[" + comma.join(write(item, colon, comma, escape) for item in node) + "]"
    text = json.dumps(node)
    return text.replace(":", "\\u003a") if escape and isinstance(node, str) else text


def strings(node: object) -> list[str]:
    if isinstance(node, tuple):
        return [text for key, value in node[1] for text in (key, *strings(value))]
    if isinstance(node, list):
        return [text for item in node for text in strings(item)]
    return [node] if isinstance(node, str) else []


def has_duplicate(node: object) -> bool:
    if isinstance(node, tuple):
        keys = [key for key, _ in node[1]]
        return len(set(keys)) != len(keys) or any(has_duplicate(value) for _, value in node[1])
    if isinstance(node, list):
        return any(has_duplicate(item) for item in node)
    return False


@given(
    tree=_objects(trees),
    colon=st.sampled_from([":", ": ", " : ", "\n:\t", "\r\n :"]),
    comma=st.sampled_from([",", ", ", "\n,"]),
    escape=st.booleans(),
)
def test_a_duplicate_key_is_never_missed(tree, colon, comma, escape):
    data = write(tree, colon, comma, escape).encode()
    document = json.loads(data)
    if has_duplicate(tree):
        assert not _fastload.json_has_no_duplicates(data, entries(document))
    elif colon == ":" and not escape and all(re.fullmatch(r"(?:[^:\\\s\"]|(?<=[a-z]):)*", s) for s in strings(tree)):
        # Compact text whose strings have colons only after letters, as in prose: no doubt.
        assert _fastload.json_has_no_duplicates(data, entries(document))


def as_tree(node: object) -> object:
    if isinstance(node, dict):
        return ("object", [(key, as_tree(value)) for key, value in node.items()])
    if isinstance(node, list):
        return [as_tree(item) for item in node]
    return node


def objects_in(tree: object) -> list[tuple[str, list[tuple[str, object]]]]:
    if isinstance(tree, tuple):
        return [tree, *(o for _, value in tree[1] for o in objects_in(value))]
    if isinstance(tree, list):
        return [o for item in tree for o in objects_in(item)]
    return []


@given(pack=packs(), data=st.data(), colon=st.sampled_from([":", ": "]))
def test_load_pack_reports_a_duplicate_key_written_anywhere(pack, data, colon):
    tree = as_tree(json.loads(backext.dump_pack(pack, "json")))
    _, pairs = data.draw(st.sampled_from([o for o in objects_in(tree) if o[1]]))
    key, value = data.draw(st.sampled_from(pairs))
    pairs.insert(data.draw(st.integers(0, len(pairs))), (key, value))
    text = write(tree, colon, ",", escape=False)
    assert "duplicate-key" in [p.code for p in backext.validate_pack(text, format="json")]
    with pytest.raises(backext.PackError, match="appears twice"):
        backext.load_pack(text, format="json")


def test_the_shipped_structuring_code_is_the_generated_code():
    shipped = (pathlib.Path(_fastload.__file__).parent / "_structurers.py").read_text(encoding="utf-8")
    assert shipped == _fastload.module_source(Pack), (
        "regenerate it: python -m backext._fastload > src/backext/_structurers.py"
    )
    assert backext.load_pack(backext.dump_pack(backext.builtin_pack(), "json"), format="json") == (
        backext.builtin_pack()
    )


_WHICH = (
    "import sys, backext\n"
    "from backext import _fastload, _structurers\n"
    "if sys.argv[1] == 'other model':\n"
    "    _structurers.FINGERPRINT += ' and one more field'\n"
    "if sys.argv[1] == 'types resolved':  # as cattrs does: the fields' types are then classes, not text\n"
    "    import attrs\n"
    "    for cls in _structurers.FUNCTIONS:\n"
    "        attrs.resolve_types(cls)\n"
    "backext.builtin_pack()\n"
    "print(_fastload._function(backext.Pack).__module__)\n"
)


@pytest.mark.parametrize(
    ("model", "used"),
    [("this model", "backext._structurers"), ("types resolved", "backext._structurers"), ("other model", "None")],
)
def test_the_shipped_code_is_used_only_if_made_from_this_model(model, used):
    shown = subprocess.run([sys.executable, "-c", _WHICH, model], capture_output=True, text=True, check=True).stdout
    assert shown.split() == [used]  # otherwise the functions are generated again, in no module
