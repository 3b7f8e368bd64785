"""The two strict YAML loaders agree: libyaml's parser in C, and PyYAML's own in pure Python.

:data:`backext._yaml.Loader` is the C one wherever PyYAML was built with
libyaml; the pure-Python one is the fallback elsewhere. Whichever runs, a
text gives the same pack or the same problems: the strictness (duplicate
keys, aliases counted and measured, tags, long integers) is shared code.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import _yaml
from hostile_corpus import cases
from strategies import packs


#: Both loaders where PyYAML has libyaml (as its wheels do); else the fallback stands in for both.
LOADERS = {"libyaml": _yaml.CStrictLoader or _yaml.StrictLoader, "pure Python": _yaml.StrictLoader}


def outcomes(text: str | bytes, limits: backext.Limits | None = None) -> dict[str, list[tuple[str, str, int | None]]]:
    """The problems each loader finds in *text*: code, pointer and line."""
    found = {}
    for name, loader in LOADERS.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_yaml, "Loader", loader)
            found[name] = [(p.code, p.path, p.line) for p in backext.validate_pack(text, format="yaml", limits=limits)]
    return found


def test_the_c_loader_is_used_where_pyyaml_has_libyaml():
    assert _yaml.Loader is (_yaml.CStrictLoader if yaml.__with_libyaml__ else _yaml.StrictLoader)
    assert not issubclass(_yaml.StrictLoader, yaml.cyaml.CParser)
    if yaml.__with_libyaml__:
        assert issubclass(_yaml.CStrictLoader, yaml.cyaml.CParser)


def test_the_pure_python_fallback_loads_the_builtin_pack(monkeypatch):
    monkeypatch.setattr(_yaml, "Loader", _yaml.StrictLoader)
    text = backext.dump_pack(backext.builtin_pack(), "yaml")
    assert backext.load_pack(text, format="yaml") == backext.builtin_pack()


@given(pack=packs())
def test_both_loaders_give_the_same_pack(pack):
    text = backext.dump_pack(pack, "yaml")
    loaded = {}
    for name, loader in LOADERS.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_yaml, "Loader", loader)
            loaded[name] = backext.load_pack(text, format="yaml")
    assert loaded["libyaml"] == loaded["pure Python"] == pack


_LINES = st.sampled_from(
    [
        "id: again",
        "title: &t Title",
        "version: *t",
        "disclaimer: !!python/name:os.system",
        "default_locale: !!binary aGVsbG8=",
        "schema_version: 0x10",
        "schema_version: " + "9" * 150,
        "sources: [*t, *t, *t]",
        "x: 1:20:30",
        "? [a, b]\n: c",
        "<<: {id: merged}",
        "title: 2024-01-02",
        "title: ~",
        "'id': quoted",
        '"id": double',
        "exercises: []",
    ]
)


@given(pack=packs(), lines=st.lists(_LINES, max_size=3), where=st.integers(0, 1000))
def test_both_loaders_find_the_same_problems(pack, lines, where):
    """Duplicate keys, aliases, tags, long and sexagesimal integers, odd keys: the same problems at the same lines."""
    text = backext.dump_pack(pack, "yaml").splitlines()
    top = [index for index, line in enumerate(text) if line and not line.startswith((" ", "-"))]
    at = top[where % len(top)]
    changed = "\n".join([*text[:at], *lines, *text[at:]]) + "\n"
    found = outcomes(changed)
    assert found["libyaml"] == found["pure Python"]


@pytest.mark.parametrize("case", [c for c in cases() if c.name.endswith((".yaml", ".yml"))], ids=lambda c: c.name)
def test_both_loaders_agree_on_the_hostile_corpus(case):
    found = outcomes(case.content)
    codes = {name: {code for code, _, _ in problems} for name, problems in found.items()}
    assert codes["libyaml"] == codes["pure Python"]


def test_an_alias_bomb_is_refused_at_the_same_alias():
    text = "a: &a [x]\n" + "".join(f"b{i}: *a\n" for i in range(150))
    found = outcomes(text)
    assert found["libyaml"] == found["pure Python"] == [("too-many-aliases", "", 102)]


@pytest.mark.parametrize("alias", ["", "a: &a [x]\nb: *a\n"])
def test_too_many_values_at_the_same_place_with_or_without_an_alias(alias):
    """Without any "*", libyaml composes the nodes and they are counted; with one, the Python composer counts."""
    text = alias + "".join(f"k{index}: [1, 2, [3, 4]]\n" for index in range(40))
    found = outcomes(text, backext.Limits(max_values=100))
    assert found["libyaml"] == found["pure Python"]
    assert found["libyaml"][0][0] == "too-many-values"


def test_libyaml_refuses_nesting_beyond_its_own_bound_as_too_deep():
    for text in ("[" * 5000, "- " * 5000 + "x\n", "a: {" * 2000):
        found = outcomes(text)
        assert [code for code, _, _ in found["libyaml"]] == ["too-deep"]
        assert [code for code, _, _ in found["pure Python"]] == ["too-deep"]


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_an_old_libyaml_without_a_nesting_bound_leaves_composing_to_python(monkeypatch):
    """libyaml before 0.2.6 composes deep nesting in recursive C code, which a hostile text overflows."""
    assert _yaml._C_BOUNDS_NESTING is (yaml._yaml.get_version() >= (0, 2, 6))
    monkeypatch.setattr(_yaml, "_C_BOUNDS_NESTING", False)
    monkeypatch.setattr(_yaml, "Loader", _yaml.CStrictLoader)
    for text in ("[" * 50_000 + "]" * 50_000, "- " * 5000 + "x\n", "a: {" * 2000):
        assert [p.code for p in backext.validate_pack(text, format="yaml")] == ["too-deep"]
    text = backext.dump_pack(backext.builtin_pack(), "yaml")
    assert backext.load_pack(text, format="yaml") == backext.builtin_pack()


_STRICT = {"duplicate-key", "too-many-aliases", "too-deep", "too-many-values", "number-out-of-range", "wrong-type"}
_PIECES = st.sampled_from(
    [*"ab1:-[]{},&*!?|>'\"#% \n.~", "!!str ", "!!int ", "!!python/none ", "<<: ", "&x ", "*x", "a: 1\n", "9" * 120]
)


@given(text=st.lists(_PIECES, max_size=30).map("".join))
def test_the_loaders_are_equally_strict_on_any_text(text):
    """libyaml and PyYAML differ on some corners of YAML's syntax; never on what backext refuses beyond it."""
    found = outcomes(text)
    codes = {name: {code for code, _, _ in problems} for name, problems in found.items()}
    if "syntax-error" not in codes["libyaml"] | codes["pure Python"]:
        assert codes["libyaml"] & _STRICT == codes["pure Python"] & _STRICT
