"""backext.fhir: export to and import from HL7 FHIR R4B and R5, validated by fhir.resources' models."""

from __future__ import annotations

import datetime
import json
import pathlib
import pickle
import re
import subprocess
import sys

import attrs
import pytest
from hypothesis import given

import backext
from backext import fhir
from backext._cli import main
from backext.fhir import _definitions, _models
from backext.fhir._terms import EXTENSIONS, SESSION_CONCEPTS
from strategies import any_session_logs


VERSIONS = ("R4B", "R5")
PACK = backext.builtin_pack()
CLINIC = backext.load_pack(pathlib.Path(__file__).parent.parent / "docs" / "examples" / "clinic-pack.toml")
DAY = datetime.date(2026, 1, 5)


def _log(**changes: object) -> backext.SessionLog:
    fields: dict[str, object] = {
        "date": DAY,
        "exercise_id": "forearm-press-up",
        "repetitions_completed": 10,
        "hold_seconds": 5,
        "pain": 1,
    }
    return backext.SessionLog(**{**fields, **changes})  # type: ignore[arg-type]


def _document(bundle: object) -> dict:
    return json.loads(bundle.model_dump_json())  # type: ignore[attr-defined]


def _full_bundle(version: str, bundle_type: str = "collection") -> object:
    state = backext.start(PACK, "forearm-press-up")
    logs = [_log(pain_next_day=0, red_flags={"new-leg-weakness"}), _log(date=DAY + datetime.timedelta(days=2))]
    return fhir.export_bundle(
        PACK,
        state=state,
        logs=logs,
        subject="Patient/123",
        days_per_week=3,
        bundle_type=bundle_type,  # type: ignore[arg-type]
        fhir_version=version,  # type: ignore[arg-type]
    )


# -- the package ---------------------------------------------------------------------------------------------------


def test_importing_backext_does_not_import_fhir_resources():
    code = "import sys, backext; backext.builtin_pack(); backext.start; print('fhir.resources' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_without_the_extra_the_package_says_how_to_install_it_and_the_command_exits_2():
    code = "import sys; sys.modules['fhir.resources'] = None\nfrom backext._cli import main\nsys.exit(main(['fhir']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "pip install 'backext[fhir]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["fhir_version", "bundle_type", "days_per_week"])
def test_arguments_out_of_range_are_refused(name):
    with pytest.raises(ValueError, match=name):
        fhir.export_bundle(
            PACK,
            state=backext.start(PACK, "forearm-press-up"),
            subject="Patient/1",
            **{name: {"fhir_version": "R4", "bundle_type": "batch", "days_per_week": 8}[name]},  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("subject", ""),
        ("subject", " Patient/1"),
        ("locale", "\x00"),
        # Found by a black-box attack (round 16): only a blank subject was refused.
        ("subject", "x"),
        ("subject", "Patient/"),
        ("subject", "Patient/1 2"),
        ("subject", "Patient/1\nPatient/2"),
        ("subject", "patient/1"),
        # Found by a black-box attack (round 17): references that are not to a person, or not what they say.
        ("subject", "urn:uuid:not-a-uuid"),
        ("subject", "Observation/1"),
        ("subject", "https://exa%20mple.com/fhir/Patient/1"),
        ("subject", "https://[::1%25eth0]/Patient/1"),
    ],
)
def test_a_blank_subject_and_a_locale_that_is_no_tag_are_refused(name, value):
    with pytest.raises(ValueError, match=name if name == "subject" else "locale|language tag"):
        fhir.export_state(PACK, backext.start(PACK, "forearm-press-up"), **{"subject": "Patient/1", name: value})


@pytest.mark.parametrize(
    "base",
    [
        "example.org/fhir",
        "https://exa mple.org",
        "",
        "https://exa%20mple.com",
        "https://example.com/fhir#frag",  # canonical URLs joined under it would all be one fragment
        "https://example.com/fhir?x=1",
        'https://example.com/"fhir"',
    ],
)
def test_the_base_must_be_an_absolute_url(base):
    with pytest.raises(ValueError, match="base must be an absolute URL"):
        fhir.export_pack(PACK, base=base)
    with pytest.raises(ValueError, match="base must be an absolute URL"):
        fhir.import_logs([], base=base)


def test_a_state_needs_a_subject():
    with pytest.raises(ValueError, match="subject"):
        fhir.export_bundle(PACK, state=backext.start(PACK, "forearm-press-up"))


# -- export ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("bundle_type", ["collection", "transaction"])
def test_the_bundle_validates_as_json_in_its_version_and_ids_are_stable(version, bundle_type):
    document = _document(_full_bundle(version, bundle_type))
    again = _models.model_class(version, "Bundle").model_validate(document)  # FHIR JSON, read back by the models
    assert _document(again) == document
    assert _document(_full_bundle(version, bundle_type)) == document  # deterministic
    kinds = [entry["resource"]["resourceType"] for entry in document["entry"]]
    assert kinds[:6] == ["PlanDefinition", *["ActivityDefinition"] * 3, "ServiceRequest", "CarePlan"]
    assert kinds.count("Observation") == 1 + 2 + 1 + 1 + 1  # session, pain, next-day pain, red flag; session, pain
    ids = [entry["resource"]["id"] for entry in document["entry"]]
    assert len(set(ids)) == len(ids)
    for entry in document["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        if bundle_type == "transaction":
            assert entry["request"] == {
                "method": "PUT",
                "url": f"{entry['resource']['resourceType']}/{entry['resource']['id']}",
            }
        else:
            assert "request" not in entry
    references = {
        value
        for entry in document["entry"]
        for value in _strings(entry["resource"])
        if isinstance(value, str) and value.startswith("urn:uuid:")
    }
    assert references <= {entry["fullUrl"] for entry in document["entry"]}


def _strings(node: object) -> list[object]:
    if isinstance(node, dict):
        return [value for item in node.values() for value in _strings(item)]
    if isinstance(node, list):
        return [value for item in node for value in _strings(item)]
    return [node]


def test_ids_depend_on_the_base_and_the_subject():
    one = _document(fhir.export_bundle(PACK))
    other = _document(fhir.export_bundle(PACK, base="https://example.org/fhir/"))
    assert {e["resource"]["id"] for e in one["entry"]}.isdisjoint(e["resource"]["id"] for e in other["entry"])
    assert other["entry"][0]["resource"]["url"] == "https://example.org/fhir/PlanDefinition/backext-core"
    logs = [_log()]
    assert fhir.export_logs(logs, subject="Patient/1")[0].id != fhir.export_logs(logs, subject="Patient/2")[0].id


@pytest.mark.parametrize("version", VERSIONS)
def test_the_pack_is_a_plan_of_activities_with_the_ladder_and_translations(version):
    plan, *activities = fhir.export_pack(CLINIC, fhir_version=version)
    plan_json = _document(plan)
    assert plan_json["title"] == CLINIC.localize(CLINIC.title)
    assert plan_json["_title"]["extension"][0]["extension"] == [
        {"url": "lang", "valueCode": "de"},
        {"url": "content", "valueString": "Sanfter Einstieg"},
    ]
    target = "actionId" if version == "R4B" else "targetId"
    ladder = {
        action["id"]: [(r[target], r["relationship"]) for r in action.get("relatedAction", [])]
        for action in plan_json["action"]
    }
    for exercise in CLINIC.exercises:
        expected = []
        if exercise.progression.previous_exercise:
            expected.append((exercise.progression.previous_exercise, "after"))
        if exercise.progression.next_exercise:
            expected.append((exercise.progression.next_exercise, "before"))
        assert ladder[exercise.id] == expected
    first = _document(activities[0])
    exercise = CLINIC.exercises[0]
    assert [a["definitionCanonical"] for a in plan_json["action"]] == [f"{a.url}|{CLINIC.version}" for a in activities]
    assert first["code"]["coding"] == [
        {"system": "http://snomed.info/sct", "code": "229065009", "display": "Exercise therapy"}
    ]
    assert first["description"].startswith(CLINIC.localize(exercise.starting_position) + "\n\n1. ")
    german = first["_description"]["extension"][0]["extension"][1]["valueString"]
    assert "1. Stützen Sie sich auf die Unterarme." in german
    dose = {e["url"].rsplit("/", 1)[1]: e for e in first["extension"]}
    assert dose["exercise-repetitions"]["valuePositiveInt"] == exercise.repetitions.minimum
    assert dose["exercise-sets"]["valuePositiveInt"] == exercise.repetitions.sets
    assert dose["exercise-hold"]["valueQuantity"] == {
        "value": exercise.hold.start_seconds,
        "unit": "s",
        "system": "http://unitsofmeasure.org",
        "code": "s",
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_the_prescription_is_a_request_in_the_persons_locale_held_in_a_care_plan(version):
    state = backext.start(CLINIC, CLINIC.exercises[0].id)
    request, care_plan = (
        _document(r)
        for r in fhir.export_state(
            CLINIC, state, subject="Patient/7", days_per_week=2, locale="de", fhir_version=version
        )
    )
    assert request["status"] == "active"
    assert request["intent"] == "order"
    assert request["category"][0]["coding"] == [
        {
            "system": "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes",
            "code": "PhysicalActivity",
            "display": "Physical Activity",
        }
    ]
    assert request["subject"] == {"reference": "Patient/7"}
    assert request["occurrenceTiming"] == {"repeat": {"frequency": 2, "period": 1, "periodUnit": "wk"}}
    code = request["code"] if version == "R4B" else request["code"]["concept"]
    assert code["coding"][0]["code"] == "229065009"
    assert code["text"] == "Unterarmstütz in Bauchlage"
    instruction = (
        request["patientInstruction"] if version == "R4B" else request["patientInstruction"][0]["instructionMarkdown"]
    )
    assert instruction.startswith("Unterarmstütz in Bauchlage\n\nBauchlage auf einer Matte.\n\n1. Stützen Sie sich")
    # The dose line is the library's own sentence, in the person's language too.
    hold, count = state.prescription.hold_seconds, state.prescription.repetitions
    assert instruction.endswith(f"\n\n{hold} Sekunden halten; {count} Wiederholungen, 1 Satz.")
    assert request["instantiatesCanonical"] == [
        f"https://backext.readthedocs.io/fhir/ActivityDefinition/{CLINIC.id}/{CLINIC.exercises[0].id}|{CLINIC.version}"
    ]
    activity = care_plan["activity"][0]["reference" if version == "R4B" else "plannedActivityReference"]
    assert activity == {"reference": f"urn:uuid:{request['id']}"}
    assert care_plan["title"] == "Sanfter Einstieg"
    assert care_plan["instantiatesCanonical"] == [
        f"https://backext.readthedocs.io/fhir/PlanDefinition/{CLINIC.id}|{CLINIC.version}"
    ]


def test_a_stopped_state_is_on_hold_and_variations_are_listed():
    state = backext.start(PACK, "prone-chest-lift")
    state = backext.record_clearance(state, date=DAY, modifications=["leg-lift"], pack=PACK)
    state = backext.choose_modifications(PACK, state, ["leg-lift"], on=DAY)
    request, care_plan = fhir.export_state(PACK, state, subject="Patient/1")
    assert [e.valueCode for e in request.extension if e.url.endswith("exercise-variation")] == ["leg-lift"]
    stopped = backext.step(PACK, state, _log(exercise_id="prone-chest-lift", red_flags={"rib-or-chest-pain"})).state
    request, care_plan = fhir.export_state(PACK, stopped, subject="Patient/1")
    assert (request.status, care_plan.status) == ("on-hold", "on-hold")


@pytest.mark.parametrize("version", VERSIONS)
def test_logs_are_a_session_with_its_pain_and_red_flags_as_members(version):
    session, pain, next_day, flag = (
        _document(o)
        for o in fhir.export_logs(
            [_log(pain=3, pain_next_day=2, red_flags={"new-leg-weakness"})], subject="Patient/1", fhir_version=version
        )
    )
    assert session["hasMember"] == [{"reference": f"urn:uuid:{o['id']}"} for o in (pain, next_day, flag)]
    assert [c["code"]["coding"][0]["code"] for c in session["component"]] == [
        "exercise",
        "repetitions-completed",
        "hold-seconds",
    ]
    assert (pain["code"]["coding"][0]["code"], pain["valueInteger"], pain["effectiveDateTime"]) == (
        "72514-3",
        3,
        "2026-01-05",
    )
    assert (next_day["valueInteger"], next_day["effectiveDateTime"]) == (2, "2026-01-06")
    assert flag["code"]["coding"][0] == {
        "system": "https://backext.readthedocs.io/fhir/CodeSystem/red-flag",
        "code": "new-leg-weakness",
        "display": "new weakness in the legs",
    }
    assert flag["valueBoolean"] is True
    assert {o["subject"]["reference"] for o in (session, pain, next_day, flag)} == {"Patient/1"}


# -- conformance resources ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_the_shipped_definitions_are_the_generated_ones_and_validate(version, tmp_path):
    generated = {
        _definitions._file_name(_document(item)): _document(item)
        for item in fhir.conformance_resources(fhir_version=version)
    }
    assert _definitions.shipped_resources(version) == generated
    _definitions.write_shipped(tmp_path)  # how the shipped files are made (into backext/fhir/data)
    shipped = pathlib.Path(_definitions.__file__).parent / "data" / version
    assert sorted(p.name for p in shipped.iterdir()) == sorted(generated)
    for path in shipped.iterdir():
        assert path.read_bytes() == (tmp_path / version / path.name).read_bytes()
    for document in generated.values():
        _models.resource(version, document)
    urls = {document["url"] for document in generated.values()}
    exported = {
        extension["url"]
        for entry in _document(_full_bundle(version))["entry"]
        for extension in entry["resource"].get("extension", [])
    }
    assert exported <= urls  # every extension the export writes is defined
    assert {f"https://backext.readthedocs.io/fhir/StructureDefinition/{name}" for name in EXTENSIONS} <= urls
    sessions = generated["CodeSystem-backext-session.json"]
    assert [c["code"] for c in sessions["concept"]] == [code.value for code in SESSION_CONCEPTS]
    flags = generated["CodeSystem-backext-red-flag.json"]
    assert [c["code"] for c in flags["concept"]] == [flag.value for flag in backext.RedFlag]


# -- import ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@given(logs=any_session_logs)
def test_export_then_import_gives_the_same_logs(version, logs):
    bundle = fhir.export_bundle(PACK, logs=logs, subject="Patient/1", fhir_version=version)
    assert fhir.import_logs(bundle.model_dump_json(), fhir_version=version) == logs
    observations = [_document(o) for o in fhir.export_logs(logs, fhir_version=version)]
    assert fhir.import_logs(observations, fhir_version=version) == logs


def _observation(code: tuple[str, str], day: str, **fields: object) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": code[0], "code": code[1]}]},
        "effectiveDateTime": day,
        **fields,
    }


SESSION = ("https://backext.readthedocs.io/fhir/CodeSystem/session", "exercise-session")
PAIN = ("http://loinc.org", "72514-3")
FLAG = ("https://backext.readthedocs.io/fhir/CodeSystem/red-flag", "numbness-or-tingling")


def _component(code: str, **value: object) -> dict:
    return {"code": {"coding": [{"system": SESSION[0], "code": code}]}, **value}


def _session(day: str = "2026-01-05", **fields: object) -> dict:
    components = [
        _component("exercise", valueString="forearm-press-up"),
        _component("repetitions-completed", valueInteger=8),
        _component("hold-seconds", valueQuantity={"value": 0.5, "system": "http://unitsofmeasure.org", "code": "min"}),
    ]
    return _observation(SESSION, day, **{"component": components, **fields})


def test_observations_written_by_another_system_are_read_by_their_days():
    resources = [
        {"resourceType": "Patient", "id": "p"},  # other resources are left alone
        _observation(("http://loinc.org", "8867-4"), "2026-01-05", valueInteger=60),  # so are other observations
        _session(),
        _observation(PAIN, "2026-01-05T10:30:00+01:00", valueQuantity={"value": 4, "unit": "{score}"}),
        _observation(PAIN, "2026-01-06", valueInteger=2),
        _observation(FLAG, "2026-01-05"),
        _observation(FLAG, "2026-01-05", status="entered-in-error"),
        _observation(
            ("https://backext.readthedocs.io/fhir/CodeSystem/red-flag", "new-leg-weakness"),
            "2026-01-05",
            valueBoolean=False,
        ),
    ]
    assert fhir.import_logs(resources, fhir_version="R4B") == [
        _log(repetitions_completed=8, hold_seconds=30, pain=4, pain_next_day=2, red_flags={"numbness-or-tingling"})
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_observations_dated_by_an_instant_or_a_period_are_read_by_their_days(version):
    pain = _observation(PAIN, "2026-01-05", valueInteger=4)
    del pain["effectiveDateTime"]
    pain["effectiveInstant"] = "2026-01-05T18:00:00+00:00"
    session = _session()
    del session["effectiveDateTime"]
    session["effectivePeriod"] = {"start": "2026-01-05T17:40:00+00:00", "end": "2026-01-05T17:55:00+00:00"}
    undated = _observation(PAIN, "2026-01-06", valueInteger=1)
    del undated["effectiveDateTime"]
    undated["effectivePeriod"] = {"end": "2026-01-06"}
    assert fhir.import_logs([session, pain], fhir_version=version) == [
        _log(repetitions_completed=8, hold_seconds=30, pain=4)
    ]
    assert ("/2", "missing-date") in _problems([session, pain, undated], version)


def test_an_exported_bundle_model_and_a_custom_base_are_read():
    base = "https://clinic.example/fhir"
    bundle = fhir.export_bundle(PACK, logs=[_log()], base=base)
    assert fhir.import_logs(bundle, base=base) == [_log()]
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs(bundle)  # the default base: no session code it knows, so the pain has no session
    assert {p.code for p in caught.value.problems} == {"no-session"}


def _problems(source: object, version: str = "R5") -> list[tuple[str, str]]:
    """The (pointer, code) of each problem of importing *source*; each problem also renders in every language."""
    from test_problem_l10n import assert_translated  # noqa: PLC0415

    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs(source, fhir_version=version)  # type: ignore[arg-type]
    for problem in caught.value.problems:
        assert_translated(problem)
    return [(p.path, p.code) for p in caught.value.problems]


def test_what_cannot_be_read_is_refused_with_every_problem_pointed_at():
    entries = [
        _session(),  # 0: no pain rating of its day
        _session("2026-01-07"),  # 1
        _observation(PAIN, "2026-01-07", valueInteger=11),  # 2: out of range
        _observation(PAIN, "2026-01-07", valueString="bad"),  # 3: not a number
        _observation(PAIN, "2026-02-01", valueInteger=1),  # 4: no session that day
        _observation(("https://backext.readthedocs.io/fhir/CodeSystem/red-flag", "dizzy"), "2026-01-07"),  # 5
        {"resourceType": "Observation", "status": "final"},  # 6: no code
        _session("2026-01-09", hasMember=[{"reference": "Observation/elsewhere"}]),  # 7
        _observation(PAIN, "2026-01", valueInteger=1),  # 8: a month is not a day
        _session("2026-01-10", component=[]),  # 9: no components
    ]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in entries]}
    assert sorted(_problems(bundle)) == sorted(
        [
            ("/entry/6/resource/code", "invalid-resource"),
            ("/entry/9/resource", "missing-component"),
            ("/entry/7/resource/hasMember/0", "unresolved-reference"),
            ("/entry/2/resource/valueInteger", "invalid-pain"),
            ("/entry/3/resource/valueString", "invalid-pain"),
            ("/entry/4/resource", "no-session"),
            ("/entry/5/resource/code/coding/0/code", "unknown-code"),
            ("/entry/8/resource", "missing-date"),
            ("/entry/0/resource", "missing-pain"),
            ("/entry/7/resource", "missing-pain"),
        ]
    )


def test_ambiguous_duplicate_and_misdated_ratings_are_refused():
    assert _problems(
        [_session("2026-01-05"), _session("2026-01-06"), _observation(PAIN, "2026-01-06", valueInteger=1)]
    ) == [
        ("/2", "ambiguous-session"),
        ("/0", "missing-pain"),
        ("/1", "missing-pain"),
    ]
    pain = _observation(PAIN, "2026-01-05", valueInteger=1, id="a")
    twice = _observation(PAIN, "2026-01-05", valueInteger=2, id="b")
    late = _observation(PAIN, "2026-01-08", valueInteger=2, id="c")
    members = [{"reference": f"Observation/{name}"} for name in "abc"]
    assert _problems([_session(hasMember=members), pain, twice, late]) == [
        ("/2", "duplicate-pain"),
        ("/3", "wrong-date"),
    ]
    shared = [_session(hasMember=members[:1]), _session(hasMember=members[:1]), pain]
    assert ("/1/hasMember/0", "ambiguous-session") in _problems(shared)


def test_invalid_session_values_and_documents_are_refused():
    negative = _session(
        component=[
            _component("exercise", valueString="x"),
            _component("repetitions-completed", valueInteger=-1),
            _component("hold-seconds", valueQuantity={"value": 3, "unit": "h"}),
        ]
    )
    assert _problems([negative, _observation(PAIN, "2026-01-05", valueInteger=0)]) == [
        ("/0/component/2/valueQuantity", "invalid-value"),  # there, refused: not said missing as well
    ]
    assert _problems({"resourceType": "Patient"}) == [("/resourceType", "not-a-bundle")]
    assert _problems(42) == [("", "not-a-bundle")]
    assert _problems("{") == [("", "syntax-error")]
    assert _problems([1]) == [("/0", "invalid-resource")]
    assert _problems({"resourceType": "Bundle", "type": "collection", "entry": {}}) == [("/entry", "invalid-resource")]


def test_the_first_and_last_days_do_not_overflow():
    assert _problems([_observation(PAIN, "0001-01-01", valueInteger=1)]) == [("/0", "no-session")]
    last = _log(date=datetime.date.max)
    assert fhir.import_logs([_document(o) for o in fhir.export_logs([last])]) == [last]
    with pytest.raises(ValueError, match="the day after 9999-12-31"):
        fhir.export_logs([_log(date=datetime.date.max, pain_next_day=0)])


def test_the_error_is_a_backext_error_that_pickles():
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs("[1]", name="upload.json")
    error = caught.value
    assert isinstance(error, backext.BackextError)
    assert isinstance(error, ValueError)
    assert str(error).startswith("upload.json: cannot read the session logs, 1 problem:\n  upload.json:1:2: error")
    assert str(error).endswith('(at "/0")')
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problems, copy.source) == (error.problems, error.source)


# -- the command line -----------------------------------------------------------------------------------------------


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("version", VERSIONS)
def test_the_command_writes_the_bundle(capsys, tmp_path, version):
    state = backext.start(PACK, "forearm-press-up")
    (tmp_path / "state.json").write_text(json.dumps(backext.converter.unstructure(state)), encoding="utf-8")
    logs = [_log(pain_next_day=1)]
    (tmp_path / "logs.json").write_text(json.dumps(backext.converter.unstructure(logs)), encoding="utf-8")
    status, out, err = _run(
        capsys,
        "fhir",
        "--state",
        str(tmp_path / "state.json"),
        "--logs",
        str(tmp_path / "logs.json"),
        "--subject",
        "Patient/9",
        "--days-per-week",
        "3",
        "--fhir-version",
        version,
        "--bundle",
        "transaction",
    )
    assert (status, err) == (0, "")
    expected = fhir.export_bundle(
        PACK,
        state=state,
        logs=logs,
        subject="Patient/9",
        days_per_week=3,
        bundle_type="transaction",
        fhir_version=version,  # type: ignore[arg-type]
    )
    assert json.loads(out) == _document(expected)
    assert fhir.import_logs(out, fhir_version=version) == logs  # type: ignore[arg-type]


def test_the_command_refuses_bad_input_with_a_clear_status(capsys, tmp_path):
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps(backext.converter.unstructure(backext.start(PACK, "forearm-press-up"))), encoding="utf-8"
    )
    status, _, err = _run(capsys, "fhir", "--state", str(state))
    assert (status, err) == (
        2,
        "backext: error: --state needs --subject, the person's reference (such as Patient/123)\n",
    )
    status, _, err = _run(capsys, "fhir", "--state", str(tmp_path / "missing.json"), "--subject", "Patient/1")
    assert status == 2
    assert "(a stored state): " in err
    state.write_text("[1, 2]", encoding="utf-8")
    status, out, err = _run(capsys, "fhir", "--state", str(state), "--subject", "Patient/1")
    assert (status, out) == (1, "")
    assert "wrong-type: a stored state is a JSON object" in err
    status, _, err = _run(capsys, "fhir", "--state", str(tmp_path), "--subject", "Patient/1")  # a folder
    assert status == 2
    assert "(a stored state): " in err
    status, _, err = _run(capsys, "fhir", "--base", "not a url")
    assert status == 2
    assert "base must be an absolute URL" in err
    state.write_text('{"pack_id": "backext-core"}', encoding="utf-8")
    status, out, err = _run(capsys, "fhir", "--state", str(state), "--subject", "Patient/1")
    assert (status, out) == (1, "")
    assert "invalid state" in err
    logs = tmp_path / "logs.json"
    logs.write_text("[{", encoding="utf-8")
    status, out, err = _run(capsys, "fhir", "--logs", str(logs))
    assert (status, out) == (1, "")
    assert "not a JSON document" in err
    logs.write_text('[{"date": "2026-01-05"}]', encoding="utf-8")
    status, out, err = _run(capsys, "fhir", "--logs", str(logs))
    assert status == 1
    assert "error missing-field: the required field 'pain' is missing (at \"/0\")" in err
    status, _, err = _run(capsys, "fhir", "--fhir-version", "R4")
    assert status == 2
    assert "invalid choice: 'R4'" in err


@pytest.mark.parametrize(
    ("document", "found"), [("{}", "an object"), ('{"date": "2026-01-05"}', "an object"), ('"abc"', "a string ('abc')")]
)
def test_a_logs_file_that_is_not_a_list_is_one_problem_at_the_whole_document(capsys, tmp_path, document, found):
    logs = tmp_path / "logs.json"
    logs.write_text(document, encoding="utf-8")
    status, out, err = _run(capsys, "fhir", "--logs", str(logs))
    assert (status, out) == (1, "")
    assert err == (
        f"{logs}: invalid session logs, 1 problem:\n"
        f'  {logs}:1:1: error wrong-type: expected a list of session logs, found {found} (at "")\n'
    )


def test_every_refused_field_of_a_log_is_reported_at_once_in_the_chosen_language(capsys, tmp_path):
    logs = tmp_path / "logs.json"
    entry = {"date": "2026-01-05", "exercise_id": "x", "repetitions_completed": -1, "hold_seconds": 5, "pain": 11}
    logs.write_text(json.dumps([entry]), encoding="utf-8")
    status, _, err = _run(capsys, "fhir", "--logs", str(logs), "--locale", "de")
    assert status == 1
    lines = err.splitlines()
    assert lines[0] == f"{logs}: ungültige Einträge der Einheiten, 2 Probleme:"
    assert lines[1].endswith('nicht -1 (at "/0/repetitions_completed")')
    assert lines[2].endswith('nicht 11 (at "/0/pain")')


# --- Round 7 of the black-box attack: the export prescribes what the engine allows now -------------------------------


def _dose(request: object) -> dict[str, object]:
    found: dict[str, object] = {}
    for extension in request.extension:
        name = extension.url.rsplit("/", 1)[1]
        if name == "exercise-variation":
            value = extension.valueCode
        elif extension.valuePositiveInt is not None:
            value = extension.valuePositiveInt
        else:
            value = extension.valueQuantity.value
        found.setdefault(name, []).append(value)
    return found


def _leg_lift_until(until: datetime.date) -> backext.State:
    state = backext.start(PACK, "prone-chest-lift")
    state = backext.record_clearance(
        state, date=datetime.date(2026, 1, 1), modifications=["leg-lift"], pack=PACK, until=until
    )
    return backext.choose_modifications(PACK, state, ["leg-lift"], on=datetime.date(2026, 1, 2))


def test_a_variation_whose_clearance_has_ended_is_not_exported(capsys, tmp_path):
    # Found by a black-box attack: the export still prescribed the leg lift a month after its clearance ended; the
    # handout and the plan for that day had dropped it.
    state = _leg_lift_until(datetime.date(2026, 1, 31))
    within = fhir.export_state(PACK, state, subject="Patient/1", on=datetime.date(2026, 1, 10))[0]
    after = fhir.export_state(PACK, state, subject="Patient/1", on=datetime.date(2026, 3, 1))[0]
    assert _dose(within)["exercise-variation"] == ["leg-lift"]
    assert "exercise-variation" not in _dose(after)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(backext.converter.unstructure(state)))
    for day, variations in (("2026-01-10", 1), ("2026-03-01", 0)):
        assert main(["fhir", "--state", str(path), "--subject", "Patient/1", "--date", day]) == 0
        assert capsys.readouterr().out.count('/exercise-variation"') == variations
    assert main(["fhir", "--date", "2026-01-10"]) == 2
    assert "--date: only with --state" in capsys.readouterr().err


def test_a_state_read_without_refresh_is_exported_within_the_limits_of_the_pack_given():
    # Found by a black-box attack: a state read with refresh=False after an update that lowered the hold target
    # was exported at its old hold; the handout, plan, timeline and calendar gave the new limit.
    state = backext.start(PACK, "forearm-press-up")
    day = datetime.date(2026, 1, 5)
    for _ in range(12):
        state = backext.step(PACK, state, backext.SessionLog.as_prescribed(state.prescription, day)).state
        if state.pending is not None:
            state = backext.report_next_day(PACK, state, 0).state
        day += datetime.timedelta(days=2)
    forearm = PACK.exercise("forearm-press-up")
    assert state.prescription.hold_seconds > forearm.hold.start_seconds
    lowered = backext.Hold(start_seconds=forearm.hold.start_seconds, target_seconds=forearm.hold.start_seconds)
    updated = backext.load_pack(
        backext.dump_pack(
            attrs.evolve(
                PACK,
                version="9",
                exercises=tuple(attrs.evolve(e, hold=lowered) if e.id == forearm.id else e for e in PACK.exercises),
            )
        ),
        format="json",
    )
    stored = json.dumps(backext.converter.unstructure(state))
    raw = backext.load_state(stored, updated, refresh=False)
    request = fhir.export_state(updated, raw, subject="Patient/1")[0]
    assert _dose(request)["exercise-hold"] == [forearm.hold.start_seconds]


def test_each_problem_of_a_session_log_file_is_at_its_line_and_column(capsys, tmp_path):
    # Found by a black-box attack: a log file's problems had their pointer only; a state's and a rules file's have
    # their line and column too.
    path = tmp_path / "logs.json"
    path.write_text(
        '[\n {"date": "2026-01-05", "exercise_id": "forearm-press-up",\n'
        '  "repetitions_completed": 10, "hold_seconds": 5, "pain": "x"}\n]\n'
    )
    assert main(["fhir", "--logs", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3:59: error wrong-type: expected an integer, found a string ('x') (at \"/0/pain\")" in err
    path.write_text('{"logs": []}')
    assert main(["fhir", "--logs", str(path)]) == 1
    assert f"{path}:1:1: error wrong-type: expected a list of session logs" in capsys.readouterr().err


def _stopped_on(day: datetime.date) -> backext.State:
    """A person on the forearm press-up, stopped by a red flag on *day*."""
    flagged = backext.SessionLog(
        date=day,
        exercise_id="forearm-press-up",
        repetitions_completed=0,
        hold_seconds=0,
        pain=0,
        red_flags={"new-leg-weakness"},
    )
    return backext.step(PACK, backext.start(PACK, "forearm-press-up"), flagged).state


def test_a_person_cleared_to_resume_later_is_on_hold_until_that_day():
    # Found by a black-box attack: a person stopped on 2026-01-13 and cleared from 2026-02-01 was exported as an
    # active request on 2026-01-20, a day the engine allows no session.
    stopped = _stopped_on(datetime.date(2026, 1, 13))
    cleared = backext.record_clearance(stopped, date=datetime.date(2026, 2, 1), pack=PACK)
    statuses = {
        day: [r.status for r in fhir.export_state(PACK, cleared, subject="Patient/1", on=datetime.date(2026, *day))]
        for day in ((1, 20), (2, 1))
    }
    assert statuses == {(1, 20): ["on-hold", "on-hold"], (2, 1): ["active", "active"]}


def test_a_stop_kept_after_its_exercise_was_removed_is_refused_naming_the_state_file(capsys, tmp_path):
    # Found by a black-box attack: the command said only the engine's words, without the file they are about.
    stopped = _stopped_on(datetime.date(2026, 3, 27))
    document = json.loads(backext.dump_pack(PACK))
    document["version"] = "3"
    document["exercises"] = [e for e in document["exercises"] if e["id"] != "forearm-press-up"]
    for exercise in document["exercises"]:
        exercise["progression"] = {k: v for k, v in exercise["progression"].items() if v != "forearm-press-up"}
    pack = tmp_path / "pack.json"
    pack.write_text(json.dumps(document), encoding="utf-8")
    path = tmp_path / "state.json"
    path.write_text(json.dumps(backext.converter.unstructure(stopped)), encoding="utf-8")
    assert main(["fhir", "--pack", str(pack), "--state", str(path), "--subject", "Patient/1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"backext: error: {path}: the person is stopped since 2026-03-27")


def test_a_log_file_that_is_no_json_is_at_its_line_and_column(capsys, tmp_path):
    # Found by a black-box attack: the state and rules files' syntax errors had FILE:LINE:COLUMN and a code, a log
    # file's had neither.
    logs = tmp_path / "logs.json"
    logs.write_text('[{"date": 1,}]', encoding="utf-8")
    assert main(["fhir", "--logs", str(logs)]) == 1
    said = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(logs))}:1:1[23]: error syntax-error: not a JSON document", said), said


@pytest.mark.parametrize("version", VERSIONS)
def test_a_stopped_instruction_words_no_dose_and_a_later_resume_gives_its_day(version):
    # Found by a black-box attack: an on-hold request still told the person their hold and repetitions, as if
    # nothing had happened; one cleared from a later day did not say which day.
    def instruction(state: backext.State, **options: object) -> str:
        request = _document(fhir.export_state(PACK, state, subject="Patient/1", fhir_version=version, **options)[0])
        text = request["patientInstruction"]
        return text if version == "R4B" else text[0]["instructionMarkdown"]

    stopped = _stopped_on(datetime.date(2026, 1, 13))
    english, german = instruction(stopped), instruction(stopped, locale="de")
    assert all(words in english for words in ("Do not do this exercise", "Contact your clinician today"))
    assert not any(words in english for words in ("repetition", "second"))
    assert not any(words in german for words in ("Wiederholung", "Sekunde", "Do not"))
    cleared = backext.record_clearance(stopped, date=datetime.date(2026, 2, 1), pack=PACK)
    later = instruction(cleared, on=datetime.date(2026, 1, 20), locale="de")
    assert "01.02.2026" in later.split("\n\n")[0]
    assert "Wiederholungen" in later  # the dose to resume at follows
    assert not instruction(cleared, on=datetime.date(2026, 2, 1)).startswith("Your clinician cleared")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_stopped_request_carries_no_dose(version):
    # Left by a black-box attack (round 15): the on-hold request's extensions still gave the hold and repetitions
    # the person had been doing, which the instruction no longer words.
    stopped = _stopped_on(datetime.date(2026, 1, 13))
    request = _document(fhir.export_state(PACK, stopped, subject="Patient/1", fhir_version=version)[0])
    assert request["status"] == "on-hold"
    assert "extension" not in request
    cleared = backext.record_clearance(stopped, date=datetime.date(2026, 2, 1), pack=PACK)
    later = _document(
        fhir.export_state(PACK, cleared, subject="Patient/1", fhir_version=version, on=datetime.date(2026, 1, 20))[0]
    )
    assert later["status"] == "on-hold"  # until the day it resumes, with the dose to resume at
    assert {e["url"].rsplit("/", 1)[1] for e in later["extension"]} >= {"exercise-hold", "exercise-repetitions"}


# Left by black-box attacks (rounds 15 and after), found again on the list (session of 2026-11-29, sixth).


@pytest.mark.parametrize("version", VERSIONS)
def test_a_status_fhir_does_not_have_is_refused_at_its_place_without_follow_on_problems(version):
    pain = _observation(PAIN, "2026-01-05", valueInteger=1, id="a")
    session = _session(hasMember=[{"reference": "Observation/a"}])
    assert _problems([{**session, "status": "bogus"}, pain], version) == [("/0/status", "invalid-resource")]
    assert _problems([session, {**pain, "status": "done"}], version) == [("/1/status", "invalid-resource")]
    assert fhir.import_logs([{**session, "status": "amended"}, pain], fhir_version=version)  # every status of FHIR
    withdrawn = fhir.import_logs([session, pain, {**pain, "id": "b", "status": "entered-in-error"}])
    assert [log.pain for log in withdrawn] == [1]


def test_a_session_value_the_log_refuses_is_at_its_place_named_by_its_component():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    for component, pointer in (
        (
            _component("hold-seconds", valueQuantity={"value": 100_000, "code": "s"}),
            "/0/component/2/valueQuantity/value",
        ),
        (_component("repetitions-completed", valueInteger=10**7), "/0/component/1/valueInteger"),
        (_component("exercise", valueString="forearm\x00press-up"), "/0/component/0/valueString"),
        (_component("exercise", valueString="Forearm press-up"), "/0/component/0/valueString"),
    ):
        session = _session()
        kept = [c for c in session["component"] if c["code"] != component["code"]]
        session["component"] = sorted([*kept, component], key=_order)
        with pytest.raises(fhir.FhirError) as caught:
            fhir.import_logs([session, pain])
        [problem] = caught.value.problems
        assert (problem.path, problem.code) == (pointer, "invalid-value")
        assert "_" not in problem.message.split(" ")[0]  # not the log's Python field (hold_seconds)
        assert problem.template is not None
        assert problem.message == problem.template.render("en")


def _order(component: dict) -> int:
    return ["exercise", "repetitions-completed", "hold-seconds"].index(component["code"]["coding"][0]["code"])


# Found by a black-box attack (round 16).


def test_an_observation_coded_as_a_red_flag_and_as_something_else_is_refused_never_read_as_one():
    # A pain rating also coded as a red flag was read as a pain rating, and the red flag was lost.
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    flagged = {**pain, "code": {"coding": [pain["code"]["coding"][0], {"system": FLAG[0], "code": FLAG[1]}]}}
    assert _problems([_session(), flagged]) == [("/1/code", "invalid-resource")]
    both = {**_session(), "code": {"coding": [{"system": SESSION[0], "code": SESSION[1]}, pain["code"]["coding"][0]]}}
    assert _problems([both, pain]) == [("/0/code", "invalid-resource")]


def test_every_red_flag_an_observation_is_coded_as_is_read():
    # Only one of two red-flag codings was read.
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    codings = [{"system": FLAG[0], "code": "numbness-or-tingling"}, {"system": FLAG[0], "code": "new-leg-weakness"}]
    flags = {**_observation(FLAG, "2026-01-05"), "code": {"coding": codings}}
    [log] = fhir.import_logs([_session(), pain, flags])
    assert log.red_flags == {backext.RedFlag("numbness-or-tingling"), backext.RedFlag("new-leg-weakness")}
    unknown = {**flags, "code": {"coding": [codings[0], {"system": FLAG[0], "code": "dizzy"}]}}
    assert _problems([_session(), pain, unknown]) == [("/2/code/coding/1/code", "unknown-code")]


def test_a_session_with_two_components_of_one_kind_is_refused():
    # The second of two repetitions-completed components was read silently.
    session = _session()
    session["component"].append(_component("repetitions-completed", valueInteger=99))
    assert _problems([session, _observation(PAIN, "2026-01-05", valueInteger=0)]) == [
        ("/0/component/3", "duplicate-component")
    ]


def test_a_document_of_too_many_values_is_refused_before_they_are_built():
    # Found by a black-box attack (round 16): 16 MiB of {} took about 6 s and 820 MB before too-many-values.
    from memory import peak  # noqa: PLC0415

    text = "[" + ",".join(["{}"] * 1_100_000) + "]"

    def imported() -> list[tuple[str, str]]:
        with pytest.raises(fhir.FhirError) as caught:
            fhir.import_logs(text)
        return [(p.path, p.code, p.line, p.column) for p in caught.value.problems]

    found, most = peak(imported)
    assert found == [("", "too-many-values", 1, 1)]  # a text's problems have their place, as a pack's
    assert most < 8 * len(text), most


def test_a_bound_or_a_foreign_unit_is_refused_never_read_as_the_value():
    # Found by a black-box attack (round 16): pain "> 6" was read as 6 (a step back, where 7 or more stops), a hold
    # "< 5 s" as 5 s held in full, a hold in another system's "s" and a pain rating in kg without a word.
    def pain(**quantity: object) -> dict:
        return _observation(PAIN, "2026-01-05", valueQuantity=quantity)

    def hold(**quantity: object) -> dict:
        session = _session()
        session["component"][2] = _component("hold-seconds", valueQuantity=quantity)
        return session

    fine = pain(value=3)
    assert _problems([_session(), pain(value=6, comparator=">")]) == [("/1/valueQuantity/comparator", "invalid-pain")]
    assert _problems([_session(), pain(value=6, code="kg", system="http://unitsofmeasure.org")]) == [
        ("/1/valueQuantity", "invalid-pain")
    ]
    assert _problems([hold(value=5, comparator="<", code="s"), fine]) == [
        ("/0/component/2/valueQuantity/comparator", "invalid-value")
    ]
    assert _problems([hold(value=5, code="s", system="http://example.com"), fine]) == [
        ("/0/component/2/valueQuantity", "invalid-value")
    ]
    [log] = fhir.import_logs([_session(), pain(value=3, code="{score}", system="http://unitsofmeasure.org")])
    assert log.pain == 3


@pytest.mark.parametrize(
    "subject",
    [
        "Patient/1",
        "Patient/a.b-c",
        "https://example.org/fhir/Patient/7",
        "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
    ],
)
def test_every_form_of_a_literal_reference_is_a_subject(subject):
    [request, _] = fhir.export_state(PACK, backext.start(PACK, "forearm-press-up"), subject=subject)
    assert request.subject.reference == subject


# Found by the review of the round-16 changes.


def test_a_refused_observation_with_codings_of_any_json_type_is_still_a_fhir_error():
    # Noting what a refused Observation was coded as raised TypeError (unhashable) for a system given as a list.
    pain = _observation(PAIN, "2026-01-05", valueInteger="1")
    pain["code"]["coding"].append({"system": ["x"], "code": {"y": 1}})
    assert ("/1/valueInteger", "invalid-value") in _problems([_session(), pain])


def test_a_red_flag_or_pain_rating_given_as_a_component_is_refused_never_dropped():
    flag = _component("x", valueBoolean=True)
    flag["code"]["coding"] = [{"system": FLAG[0], "code": "new-leg-weakness"}]
    session = _session()
    session["component"].append(flag)
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    assert _problems([session, pain]) == [("/0/component/3/code/coding/0/system", "invalid-resource")]
    flags = _observation(FLAG, "2026-01-05", component=[flag])
    assert _problems([_session(), pain, flags]) == [("/2/component/0/code/coding/0/system", "invalid-resource")]


def test_a_unit_that_says_something_else_than_its_code_is_refused():
    def pain(**quantity: object) -> dict:
        return _observation(PAIN, "2026-01-05", valueQuantity=quantity)

    assert _problems([_session(), pain(value=7, unit="mm", code="1")]) == [("/1/valueQuantity", "invalid-pain")]
    hold = _session()
    hold["component"][2] = _component("hold-seconds", valueQuantity={"value": 2, "unit": "min", "code": "s"})
    assert _problems([hold, pain(value=1)]) == [("/0/component/2/valueQuantity", "invalid-value")]
    spelled = _session()
    spelled["component"][2] = _component("hold-seconds", valueQuantity={"value": 2, "unit": "minutes", "code": "min"})
    [log] = fhir.import_logs([spelled, pain(value=1, unit="score", code="{score}")])
    assert (log.hold_seconds, log.pain) == (120, 1)
    # Found by a black-box attack (round 18): a label in the person's language was refused.
    for label in ("Sekunden", "secondes", "segundos"):
        labelled = _session()
        labelled["component"][2] = _component("hold-seconds", valueQuantity={"value": 5, "unit": label, "code": "s"})
        [log] = fhir.import_logs([labelled, pain(value=1, unit="Punkte", code="{score}")])
        assert (log.hold_seconds, log.pain) == (5, 1)


# Found by a black-box attack (round 17): what import_logs skipped, or read, in silence.


def test_nothing_is_skipped_in_silence():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    flag = _observation(FLAG, "2026-01-05", valueBoolean=True)
    entries = [{"fullUrl": f"urn:uuid:{n}", "resource": r} for n, r in enumerate([_session(), pain, flag])]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    # A list of entries, a list holding the Bundle, a misspelt key, an entry with no resource: each is said.
    assert _problems(entries) == [("/0", "invalid-resource"), ("/1", "invalid-resource"), ("/2", "invalid-resource")]
    assert _problems([bundle]) == [("/0/resourceType", "invalid-resource")]
    misspelt = _problems({**bundle, "entries": bundle.pop("entry")})
    assert misspelt[0] == ("/entries", "invalid-resource")
    assert ("/entries/2/resource/code/coding/0/system", "invalid-resource") in misspelt  # its red flag: said
    bundle["entry"] = entries
    assert _problems({**bundle, "entry": [*entries, {}]}) == [("/entry/3", "invalid-resource")]
    assert _problems({**bundle, "entry": [*entries[:2], {"Resource": flag}]}) == [
        ("/entry/2/Resource", "invalid-resource"),
        ("/entry/2/Resource/code/coding/0/system", "invalid-resource"),
    ]
    # A red flag whose resourceType is misspelt was skipped, and the session read with no red flag.
    for kind in ("observation", "Observation ", None):
        misspelt = {**flag, "resourceType": kind} if kind else {k: v for k, v in flag.items() if k != "resourceType"}
        assert _problems([_session(), pain, misspelt])[0][1] == "invalid-resource"
    [log] = fhir.import_logs(bundle)
    assert log.red_flags == {backext.RedFlag(FLAG[1])}


def test_a_red_flag_anywhere_but_an_observation_s_own_code_is_refused():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    coded = {"coding": [{"system": FLAG[0], "code": FLAG[1]}]}
    symptom = _observation(("http://loinc.org", "75325-1"), "2026-01-05", valueCodeableConcept=coded)
    assert _problems([_session(), pain, symptom]) == [("/2/valueCodeableConcept/coding/0/system", "invalid-resource")]
    interpreted = {**pain, "interpretation": [coded]}
    assert _problems([_session(), interpreted]) == [("/1/interpretation/0/coding/0/system", "invalid-resource")]
    contained = {**_session(), "contained": [{**_observation(FLAG, "2026-01-05"), "id": "f"}]}
    assert _problems([contained, pain]) == [("/0/contained/0/code/coding/0/system", "invalid-resource")]


def test_a_modifier_or_implicit_rules_make_an_observation_unreadable():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    modifier = [{"url": "https://example.org/not-performed", "valueBoolean": True}]
    assert _problems([{**_session(), "modifierExtension": modifier}, pain]) == [
        ("/0/modifierExtension", "invalid-resource")
    ]
    assert _problems([_session(), {**pain, "implicitRules": "https://example.org/rules"}]) == [
        ("/1/implicitRules", "invalid-resource")
    ]


def test_observations_about_two_people_are_refused():
    pain = _observation(PAIN, "2026-01-05", valueInteger=6, subject={"reference": "Patient/2"})
    session = _session(subject={"reference": "Patient/1"})
    assert _problems([session, pain]) == [("/1/subject", "invalid-resource")]
    # Found by a black-box attack (round 18): subjects given by identifier, or by a full URL, or not at all.
    by_identifier = _observation(PAIN, "2026-01-05", valueInteger=6, subject={"identifier": {"value": "B"}})
    assert _problems([_session(subject={"identifier": {"value": "A"}}), by_identifier]) == [
        ("/1/subject", "invalid-resource")
    ]
    nobody = _observation(PAIN, "2026-01-05", valueInteger=6)
    assert _problems([session, nobody]) == [("/1", "invalid-resource")]
    same = _observation(PAIN, "2026-01-05", valueInteger=1, subject={"reference": "https://ehr.example/fhir/Patient/1"})
    [log] = fhir.import_logs([session, same])
    assert log.pain == 1


@pytest.mark.parametrize(
    "value",
    [{"valueString": "no"}, {"valueInteger": 0}, {"valueQuantity": {"value": 0}}, {"dataAbsentReason": {"text": "?"}}],
)
def test_a_red_flag_whose_value_is_not_a_boolean_is_refused(value):
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    flag = _observation(FLAG, "2026-01-05", **value)
    [(pointer, code)] = _problems([_session(), pain, flag])
    assert (pointer, code) == (f"/2/{next(iter(value))}", "invalid-value")


def test_every_value_a_session_log_refuses_is_said_at_once():
    session = _session()
    session["component"][1] = _component("repetitions-completed", valueInteger=10**7)
    session["component"][2] = _component("hold-seconds", valueQuantity={"value": 100_000, "code": "s"})
    assert _problems([session, _observation(PAIN, "2026-01-05", valueInteger=11)]) == [
        ("/1/valueInteger", "invalid-pain"),
        ("/0/component/1/valueInteger", "invalid-value"),
        ("/0/component/2/valueQuantity/value", "invalid-value"),
    ]


def test_a_pain_rating_with_a_system_and_no_unit_names_the_system_not_none():
    # Found by a black-box attack (round 17): "found None", Python's word, in every language.
    pain = _observation(PAIN, "2026-01-05", valueQuantity={"value": 3, "system": "http://example.org"})
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs([_session(), pain])
    [problem] = caught.value.problems
    assert "None" not in problem.message
    assert "'http://example.org'" in problem.message


def test_an_empty_base_on_the_command_line_is_refused_not_the_default(capsys, tmp_path):
    # Found by a black-box attack (round 17): --base '' silently used backext's own base, where the API refuses it.
    status, _, err = _run(capsys, "fhir", "--base", "")
    assert status == 2
    assert "base" in err


def test_a_logs_file_naming_no_exercise_of_the_pack_is_refused_at_its_place(capsys, tmp_path):
    # Found by a black-box attack (round 17): ids with a space or a NUL were exported, which import_logs then refused.
    logs = tmp_path / "logs.json"
    entries = [
        {
            "date": "2026-01-05",
            "exercise_id": "forearm-press-up",
            "repetitions_completed": 10,
            "hold_seconds": 5,
            "pain": 0,
        },
        {
            "date": "2026-01-07",
            "exercise_id": "forearm press up",
            "repetitions_completed": 10,
            "hold_seconds": 5,
            "pain": 0,
        },
    ]
    logs.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    status, out, err = _run(capsys, "fhir", "--logs", str(logs), "--subject", "Patient/1")
    assert (status, out) == (1, "")
    assert "unknown-exercise" in err
    assert "/1/exercise_id" in err
    assert "forearm-press-up" in err  # did you mean


# Found by the review of the round-17 changes, and a black-box attack (round 18).


def test_a_red_flag_in_a_resource_that_is_no_observation_is_refused_not_left_alone():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    flag = {**_observation(FLAG, "2026-01-05"), "id": "f"}
    report = {"resourceType": "DiagnosticReport", "status": "final", "code": {"text": "x"}, "contained": [flag]}
    assert _problems([_session(), pain, report]) == [("/2/contained/0/code/coding/0/system", "invalid-resource")]
    condition = {"resourceType": "Condition", "code": {"coding": [{"system": FLAG[0], "code": FLAG[1]}]}}
    assert _problems([_session(), pain, condition]) == [("/2/code/coding/0/system", "invalid-resource")]


def test_what_changes_a_bundle_or_an_entry_s_meaning_is_refused_and_primitive_extensions_are_read():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    entries = [{"fullUrl": f"urn:uuid:{n}", "resource": r} for n, r in enumerate([_session(), pain])]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    assert _problems({**bundle, "implicitRules": "https://example.org/r"}) == [("/implicitRules", "invalid-resource")]
    assert _problems({**bundle, "modifierExtension": []}) == [("/modifierExtension", "invalid-resource")]
    modified = [{**entries[0], "modifierExtension": [{"url": "https://example.org/m"}]}, entries[1]]
    assert _problems({**bundle, "entry": modified}) == [("/entry/0/modifierExtension", "invalid-resource")]
    deleting = [entries[0], {**entries[1], "request": {"method": "DELETE", "url": "Observation/1"}}]
    assert ("/entry/1/request/method", "invalid-resource") in _problems({**bundle, "entry": deleting})
    extended = {
        **bundle,
        "_timestamp": {"extension": []},
        "entry": [{**entries[0], "_fullUrl": {"id": "a"}}, entries[1]],
    }
    assert len(fhir.import_logs(extended)) == 1


def test_a_code_of_null_and_a_name_of_the_wrong_type_are_no_tracebacks():
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    problems = _problems([{**_session(), "code": None}, pain])
    assert problems
    with pytest.raises(TypeError, match="name must be"):
        fhir.import_logs([], name=None)  # type: ignore[arg-type]


def test_the_problems_of_a_document_are_at_most_as_many_as_a_pack_s():
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs([1] * 5000)
    assert len(caught.value.problems) <= backext.Limits().max_problems + 1
    assert "4000" in str(caught.value) or "4,000" in str(caught.value)


def test_long_keys_nested_deep_cost_no_memory_per_value():
    # Found by the review of the round-17 changes: a pointer built for every value repeated long keys for each
    # (1.1 MB of document, 3 GB), in the checks of values' types and of finite numbers, and the walk of codings.
    from memory import peak  # noqa: PLC0415

    inner: dict[str, object] = {f"k{n}": n for n in range(300)}
    for level in range(6):
        inner = {f"{level}" * 20_000: inner}
    document = [{**_session(), "extension": [{"url": "https://example.org/x", "valueString": "y", "_v": inner}]}]
    text = json.dumps(document)

    def imported() -> None:
        with pytest.raises(fhir.FhirError):
            fhir.import_logs(text)

    _, most = peak(imported)
    assert most < 100 * len(text), most  # the text, its reading and the FHIR models: never a copy per value


def test_a_pain_rating_of_another_value_type_is_said_at_that_field():
    # Found by a black-box attack (round 18): valueString "6" was "found nothing", at /valueInteger (not there).
    assert _problems([_session(), _observation(PAIN, "2026-01-05", valueString="6")]) == [
        ("/1/valueString", "invalid-pain")
    ]


@pytest.mark.parametrize(
    "subject", ["https://ehr.example.org/fhir?tenant=a/Patient/1", 'https://ehr.example.org/"x"/Patient/1']
)
def test_a_subject_under_a_base_the_base_option_refuses_is_refused(subject):
    # Found by the review of the round-17 changes: the subject's base was checked more loosely than --base.
    with pytest.raises(ValueError, match="subject"):
        fhir.export_state(PACK, backext.start(PACK, "forearm-press-up"), subject=subject)


def test_a_pain_rating_session_or_red_flag_nested_in_another_resource_is_refused():
    # Found by a black-box attack (round 18): nested in a DiagnosticReport (or the session itself), a next-day pain
    # of 9 or a whole session was not read, with no problem; a red flag in a response's outcome neither.
    pain = _observation(PAIN, "2026-01-05", valueInteger=1)
    next_day = {**_observation(PAIN, "2026-01-06", valueInteger=9), "id": "n"}
    report = {"resourceType": "DiagnosticReport", "status": "final", "code": {"text": "x"}, "contained": [next_day]}
    assert _problems([_session(), pain, report]) == [("/2/contained/0/code/coding/0/system", "invalid-resource")]
    inside = {**_session(), "contained": [next_day]}
    assert _problems([inside, pain]) == [("/0/contained/0/code/coding/0/system", "invalid-resource")]
    flag = _observation(FLAG, "2026-01-05")
    entries = [{"fullUrl": f"urn:uuid:{n}", "resource": r} for n, r in enumerate([_session(), pain])]
    entries[1]["response"] = {"status": "201", "outcome": flag}
    bundle = {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}
    assert ("/entry/1/response/outcome/code/coding/0/system", "invalid-resource") in _problems(bundle)
    assert _problems({**bundle, "type": "not-a-type", "entry": [*entries[:1], {"resource": pain}]}) == [
        ("/type", "invalid-resource")
    ]


def test_a_long_code_or_unit_in_a_document_is_quoted_shortened():
    # Found by a black-box attack (round 18): a 99,000-character system or code was quoted whole.
    long = "x" * 99_000
    unknown = _observation((FLAG[0], long), "2026-01-05")
    pain = _observation(PAIN, "2026-01-05", valueQuantity={"value": 3, "system": long})
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs([_session(), pain, unknown])
    assert all(len(p.message) < 300 for p in caught.value.problems)


def test_a_finding_anywhere_in_a_bundle_but_its_entries_is_refused():
    # Found by the fresh-eyes check after round 18: a red flag, a pain rating or a session in Bundle.issues (an
    # OperationOutcome), its signature or its meta was dropped with no problem; issues is no R4B field.
    pain = _observation(PAIN, "2026-01-05", valueInteger=2)
    entries = [{"fullUrl": f"urn:uuid:{n}", "resource": r} for n, r in enumerate([_session(), pain])]
    flag = {**_observation(FLAG, "2026-01-05", valueBoolean=True), "id": "f"}
    outcome = {"resourceType": "OperationOutcome", "contained": [flag], "issue": []}
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": entries, "issues": outcome}
    assert _problems(bundle) == [("/issues/contained/0/code/coding/0/system", "invalid-resource")]
    assert ("/issues", "invalid-resource") in _problems(bundle, "R4B")
    tagged = {**bundle, "issues": None, "meta": {"tag": [{"system": FLAG[0], "code": FLAG[1]}]}}
    del tagged["issues"]
    assert _problems(tagged) == [("/meta/tag/0/system", "invalid-resource")]
    assert _problems({**tagged, "meta": {}, "type": ["collection"]}) == [("/type", "invalid-resource")]


def test_a_session_with_a_value_of_its_own_is_refused():
    # Found by the fresh-eyes check after round 18: a session's own valueInteger 9 was ignored.
    pain = _observation(PAIN, "2026-01-05", valueInteger=2)
    assert _problems([{**_session(), "valueInteger": 9}, pain]) == [("/0/valueInteger", "invalid-value")]


def test_subjects_contained_in_each_observation_are_never_taken_for_one_person():
    # Found by the fresh-eyes check of the last commit: "#p" in each Observation named two people, read as one.
    def about(resource: dict, mrn: str) -> dict:
        patient = {"resourceType": "Patient", "id": "p", "identifier": [{"value": mrn}]}
        return {**resource, "contained": [patient], "subject": {"reference": "#p"}}

    session = about(_session(), "ann")
    pain = about(_observation(PAIN, "2026-01-05", valueInteger=2), "ann")
    other = about(_observation(PAIN, "2026-01-06", valueInteger=0), "bob")
    assert _problems([session, pain, other]) == [("/1/subject", "invalid-resource"), ("/2/subject", "invalid-resource")]
    null_type = {"resourceType": "Bundle", "type": None, "entry": [{"resource": _session()}]}
    assert ("/type", "invalid-resource") in _problems(null_type)


def test_identifiers_of_two_types_are_two_people():
    # Found by the fresh-eyes check of the last commit: MR 123 and SS 123 were taken for one person.
    def by(kind: str) -> dict:
        coding = {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": kind}
        return {"identifier": {"type": {"coding": [coding]}, "value": "123"}}

    pain = _observation(PAIN, "2026-01-05", valueInteger=2, subject=by("SS"))
    assert _problems([_session(subject=by("MR")), pain]) == [("/1/subject", "invalid-resource")]
    [log] = fhir.import_logs([_session(subject=by("MR")), {**pain, "subject": by("MR")}])
    assert log.pain == 2


def test_a_refused_pain_rating_is_written_as_the_reader_writes_numbers():
    # Found by a black-box attack (round 18): "6.5" kept its decimal point in a German refusal.
    def refusal(value: object, locale: str) -> str:
        pain = _observation(PAIN, "2026-01-05", valueQuantity={"value": value})
        with pytest.raises(fhir.FhirError) as caught:
            fhir.import_logs(json.dumps([_session(), pain]))
        [problem] = caught.value.problems
        return problem.render(locale)

    assert refusal(6.5, "de").endswith("gefunden: 6,5")
    assert refusal(6.5, "en").endswith("found 6.5")
    assert refusal(12, "fr").endswith("12")


def test_a_bundle_and_its_entries_are_checked_by_the_fhir_model_all_but_their_resources():
    # Found by black-box attacks (round 18 and the fresh-eyes check after it): a Bundle with meta [1], total "x" or
    # no type, and an entry whose request has no method, were read as if they were valid.
    pain = _observation(PAIN, "2026-01-05", valueInteger=2)
    entries = [{"fullUrl": f"urn:uuid:{n}", "resource": r} for n, r in enumerate([_session(), pain])]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    assert len(fhir.import_logs(bundle)) == 1
    assert sorted(_problems({**bundle, "meta": [1], "total": "x"})) == [
        ("/meta", "invalid-resource"),
        ("/total", "invalid-resource"),
    ]
    untyped = {key: value for key, value in bundle.items() if key != "type"}
    assert _problems(untyped) == [("", "invalid-resource")]
    asked = [{**entries[0], "request": {"url": "Observation"}}, entries[1]]
    # The session's entry is refused: its pain rating is not said to lack a session as well.
    assert _problems({**bundle, "entry": asked}) == [("/entry/0/request/method", "invalid-resource")]
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs({**bundle, "entry": [{**entries[0], "fullUrl": 5}, entries[1]]})
    [problem] = caught.value.problems
    assert problem.path == "/entry/0/fullUrl"
    assert problem.render("de") == "erwartet: eine Zeichenkette, gefunden: eine ganze Zahl (5)"
    assert "root" not in str(_problems({**bundle, "signature": [{}]}))
    # Found by a review: the models read "3" and true as numbers, took _meta and _entry for primitives' extensions,
    # dropped a field named root from the place, and said pydantic's own English for a field FHIR does not have.
    for wrong in ({"total": "3"}, {"total": True}, {"timestamp": 1700000000}, {"_entry": {}}, {"_meta": {}}):
        assert [path for path, _ in _problems({**bundle, **wrong})] == [f"/{next(iter(wrong))}"], wrong
    assert _problems({**bundle, "meta": {"root": 5}}) == [("/meta/root", "invalid-resource")]
    # Round 21: a string where an object is (the models read it as the JSON it holds, and said "Invalid JSON" in
    # English), a timestamp or an id not written as FHIR writes them (the models' English).
    for wrong, at in (
        ({"meta": '{"versionId": 5}'}, "/meta"),
        ({"link": ["abc"]}, "/link/0"),
        ({"timestamp": "yesterday"}, "/timestamp"),
        ({"id": "a b!"}, "/id"),
    ):
        with pytest.raises(fhir.FhirError) as caught:
            fhir.import_logs({**bundle, **wrong})
        assert [p.path for p in caught.value.problems] == [at]
        said = caught.value.problems[0].render("de")
        assert re.search(r"erwartet: ein Objekt|nicht so geschrieben", said), said
    # Found by a review (round 21): implicitRules of the wrong type said twice; a list of 300,000 numbers in link
    # given to the models (an error built for each); entries past the most problems counted as problems.
    assert _problems({**bundle, "implicitRules": 5}) == [("/implicitRules", "invalid-resource")]
    assert _problems({**bundle, "link": [5] * 300_000}) == [("/link/0", "invalid-resource")]
    unknown = {f"x{n}": 1 for n in range(1000)}
    searched = {"search": {"mode": "include"}, "resource": {"resourceType": "Patient"}}
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs({**bundle, **unknown, "entry": [searched] * 7})
    assert len(caught.value.problems) == 1000  # the seven entries were not looked at: not counted as problems
    with pytest.raises(fhir.FhirError) as caught:
        fhir.import_logs({**bundle, "entry": [{**entries[0], "search": {"nonsense": 1}}, entries[1]]})
    assert [p.render("fr") for p in caught.value.problems] == [
        "pas une entrée de Bundle R5 valide : FHIR n'a pas de tel champ ici"
    ]


def test_checking_many_odd_entries_stays_within_the_memory_of_reading_them():
    # Found by a review: every entry's fields were checked by the FHIR model at once, and every one of its errors
    # built, where only 1,000 problems are listed: 8 MB of {"request": {}} took 2.1 GB.
    from memory import peak  # noqa: PLC0415

    text = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [{"request": {}}] * 30_000})

    def imported() -> list[fhir.FhirError]:
        with pytest.raises(fhir.FhirError) as caught:
            fhir.import_logs(text)
        return [caught.value]

    [error], most = peak(imported)
    assert len(error.problems) == 1001
    assert error.problems[-1].code == "too-many-problems"
    assert "at least" in error.problems[-1].message
    assert most < 60 * len(text), most  # about 32 times; it was 177
