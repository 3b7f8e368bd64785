"""Every problem message is marked for the catalogs: a plain string would stay English in every language."""

from __future__ import annotations

import ast
import pathlib
import re

import backext


SOURCE = pathlib.Path(backext.__file__).parent


def _unmarked() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            template = node.args[2]
            # A template of placeholders only ("{detail}") has no words to translate.
            wordless = isinstance(template, ast.Constant) and not re.sub(r"\{\w+\}", "", str(template.value)).strip()
            if name in {"problem", "made"} and isinstance(template, (ast.Constant, ast.JoinedStr)) and not wordless:
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {ast.unparse(template)}")
    return found


def test_every_problem_template_is_marked_for_translation():
    # problem(path, code, template, ...): the template is the catalogs' message id, marked with N_ or N_plural.
    assert _unmarked() == []


def test_the_state_problems_once_left_in_english_are_translated():
    pack = backext.builtin_pack()
    state = backext.converter.unstructure(backext.start(pack, "forearm-press-up"))
    tampered = dict(state, tolerated_streak=99)
    try:
        backext.load_state(tampered, pack)
    except backext.StateError as error:
        said = [p.render("de") for p in error.problems]
    assert "eine Reihe von 99 gut vertragenen Einheiten hätte die Dosis schon gesteigert" in said
    dose = {"exercise_id": "forearm-press-up", "hold_seconds": 999, "repetitions": 10}
    try:
        backext.load_state(dict(state, tolerated=[dose]), pack)
    except backext.StateError as error:
        said = [p.render("fr") for p in error.problems]
    assert "pas une dose dans les limites d'un exercice du pack" in said


def test_a_value_the_model_refuses_has_a_registered_code_and_a_translated_message():
    pack = backext.builtin_pack()
    state = backext.converter.unstructure(backext.start(pack, "forearm-press-up"))
    state["stop"] = {"date": "2026-01-05", "pain": 11}
    try:
        backext.load_state(state, pack)
    except backext.StateError as error:
        found = error.problems
    assert {p.code for p in found} <= set(backext.PROBLEM_CODES)
    assert [p.code for p in found] == ["invalid-value"]
    assert found[0].render("de") != found[0].message


def test_no_message_is_marked_inside_an_f_string():
    # Babel extracts calls inside f-strings on Python 3.12 and later only (PEP 701): the catalogs would differ.
    import io  # noqa: PLC0415
    import tokenize  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    found = []
    for path in sorted((Path(__file__).parent.parent / "src" / "backext").rglob("*.py")):
        source = path.read_text("utf-8")
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        fstring = getattr(tokenize, "FSTRING_START", None)
        inside = 0
        for token in tokens:
            if fstring is not None and token.type == fstring:
                inside += 1
            elif fstring is not None and token.type == tokenize.FSTRING_END:  # type: ignore[attr-defined]
                inside -= 1
            elif token.type == tokenize.STRING and token.string[:2].lower() in {"f'", 'f"', "rf", "fr"}:
                if any(mark in token.string for mark in ("N_(", "NC_(", "N_plural(")):
                    found.append(f"{path.name}:{token.start[0]}")
            elif inside and token.type == tokenize.NAME and token.string in {"N_", "NC_", "N_plural"}:
                found.append(f"{path.name}:{token.start[0]}")
    assert found == []
