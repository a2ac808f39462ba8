"""The FHIR export on the demo data, checked by fhirclient (FHIR 4.0.1 models, strict): every Questionnaire
and every intake Bundle parses, totals equal the kiosk's own scoring, and exporting twice gives the same bytes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fhirclient.models.bundle import Bundle
from fhirclient.models.questionnaire import Questionnaire
from sqlalchemy import select

from kiosk import cli
from kiosk.domain.fhir_questionnaire import ORDINAL_VALUE, TRANSLATION, questionnaire
from kiosk.services.backend import Backend
from kiosk.services.fhir_export import FhirExportError, export_intake, intakes_of_day, questionnaire_files
from kiosk.services.intake import begin_intake, record_answer
from kiosk.services.permissions import RoleRefusedError
from kiosk.services.staff_accounts import StaffIdentity, sign_in
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, Intake, IntakeStatus
from tests.conftest import FORMS_DIR, copy_demo
from tests.services.conftest import BackendFactory, schedule


@pytest.fixture
def demo(make_backend: BackendFactory, demo_template: Path, tmp_path: Path) -> Backend:
    return make_backend(copy_demo(demo_template, tmp_path / "demo"))


@pytest.fixture
def clinician(demo: Backend) -> StaffIdentity:
    return sign_in(demo, "dr.rivera", "demo-clinician-2026")


def _submitted_ids(backend: Backend) -> list[int]:
    with unit_of_work(backend.db_factory) as db:
        return list(db.scalars(select(Intake.id).where(Intake.status != IntakeStatus.DRAFT.value)))


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def test_every_questionnaire_parses_strictly_and_carries_codes_scores_and_translations(backend: Backend) -> None:
    files = questionnaire_files(backend)
    assert len(files) == len(backend.forms.forms)
    for _name, data, omitted in files:
        assert omitted == ()  # every condition of today's forms is expressible as enableWhen
        Questionnaire(json.loads(data), strict=True)
    phq9 = questionnaire(backend.forms.get("phq9")).resource
    assert phq9["url"].endswith("/Questionnaire/phq9") and phq9["version"] == "1.0.0"
    assert phq9["code"][0] == {"system": "http://loinc.org", "code": "44249-1", "display": phq9["title"]}
    assert "Pfizer" in phq9["copyright"] and phq9["_copyright"]["extension"][0]["url"] == TRANSLATION
    q9 = next(item for item in phq9["item"] if item["linkId"] == "q9")
    assert q9["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]
    codes = [(o["valueCoding"]["code"], o["valueCoding"]["extension"][0]) for o in q9["answerOption"]]
    assert codes[3] == ("LA6571-9", {"url": ORDINAL_VALUE, "valueDecimal": 3})
    spanish = q9["_text"]["extension"][0]["extension"]
    assert spanish == [
        {"url": "lang", "valueCode": "es"},
        {"url": "content", "valueString": backend.forms.get("phq9").item("q9").text["es"]},
    ]
    # "max(q1..q9) > 0" is "any of the nine items answered with an option scoring above 0".
    difficulty = next(item for item in phq9["item"] if item["linkId"] == "difficulty")
    assert difficulty["enableBehavior"] == "any" and len(difficulty["enableWhen"]) == 27
    assert {"question": "q4", "operator": "=", "answerCoding": {"system": "http://loinc.org", "code": "LA6569-3"}} in (
        difficulty["enableWhen"]
    )
    checklist = questionnaire(backend.forms.get("checklist_im_ketamine")).resource
    ride = next(item for item in checklist["item"] if item["linkId"] == "ride_details")
    assert ride["type"] == "group" and [child["linkId"] for child in ride["item"]] == ["driver_name", "driver_phone"]
    assert ride["enableWhen"][0]["answerCoding"]["code"] == "yes"


def test_every_demo_bundle_parses_strictly_and_totals_equal_the_kiosk_score(
    demo: Backend, clinician: StaffIdentity, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _submitted_ids(demo)
    assert len(ids) == 20
    observations = 0
    for intake_id in ids:
        bundle = json.loads(export_intake(demo, clinician, intake_id).json_bytes)
        Bundle(bundle, strict=True)
        assert bundle["type"] == "collection"
        responses = {
            r["questionnaire"].split("/")[-1].split("|")[0]: r for r in _resources(bundle, "QuestionnaireResponse")
        }
        for observation in _resources(bundle, "Observation"):
            form_id = observation["id"].split("-", 2)[2]
            answers = {item["linkId"]: item["answer"][0]["valueCoding"]["code"] for item in responses[form_id]["item"]}
            # What `kiosk forms score` prints for the same answers, taken from the exported response.
            capsys.readouterr()
            assert (
                cli.main(["--forms-dir", str(FORMS_DIR), "forms", "score", form_id, "--answers", json.dumps(answers)])
                == 0
            )
            expected = json.loads(capsys.readouterr().out)
            assert observation["valueInteger"] == expected["total"]
            assert observation["interpretation"] == [{"text": expected["band_label"]}]
            assert observation["category"][0]["coding"][0]["code"] == "survey"
            assert observation["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{responses[form_id]['id']}"}]
            observations += 1
        codes = {o["code"]["coding"][0]["code"] for o in _resources(bundle, "Observation")}
        assert codes == {"44261-6", "70274-6"}
        (document,) = _resources(bundle, "DocumentReference")
        pdf = base64.b64decode(document["content"][0]["attachment"]["data"])
        assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() in document["masterIdentifier"]["value"]
    assert observations == 40


def test_exporting_twice_gives_identical_bytes_and_is_audited(demo: Backend, clinician: StaffIdentity) -> None:
    first = export_intake(demo, clinician, 1, transaction=True)
    second = export_intake(demo, clinician, 1, transaction=True)
    assert first.json_bytes == second.json_bytes
    bundle = json.loads(first.json_bytes)
    Bundle(bundle, strict=True)
    assert bundle["type"] == "transaction"
    assert all(entry["request"]["method"] == "PUT" for entry in bundle["entry"])
    consents = _resources(bundle, "Consent")
    assert len(consents) == 3 and len(_resources(bundle, "Provenance")) == 3
    assert all(len(c["identifier"][1]["value"]) == 64 for c in consents)
    with unit_of_work(demo.db_factory) as db:
        actions = list(db.scalars(select(AuditEntry).where(AuditEntry.action == "fhir.export")))
    assert [(entry.actor, entry.intake_id) for entry in actions] == [("dr.rivera", 1), ("dr.rivera", 1)]
    assert "Taylor" not in "".join(entry.detail for entry in actions)


def test_item9_above_zero_is_a_high_priority_flag(demo: Backend, clinician: StaffIdentity) -> None:
    flagged = []
    for intake_id in _submitted_ids(demo):
        bundle = json.loads(export_intake(demo, clinician, intake_id).json_bytes)
        for flag in _resources(bundle, "Flag"):
            if flag["code"]["coding"][0]["code"] == "phq9_item9_positive":
                assert flag["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "PH"
                flagged.append(intake_id)
    assert len(flagged) == 1


def test_incomplete_questionnaire_has_no_total_and_a_draft_needs_include_drafts(
    demo: Backend, clinician: StaffIdentity
) -> None:
    appointment = schedule(demo, "Kim", "Draft", dt.date(1990, 1, 1))
    state = begin_intake(demo, appointment, "en")
    record_answer(demo, state.intake_id, "phq9", "q1", "LA6570-1")
    record_answer(demo, state.intake_id, "phq9", "q9", "LA6569-3")
    with pytest.raises(FhirExportError, match="draft"):
        export_intake(demo, clinician, state.intake_id)
    assert state.intake_id not in intakes_of_day(demo, clinician, demo.local_now().date())
    assert state.intake_id in intakes_of_day(demo, clinician, demo.local_now().date(), include_drafts=True)
    bundle = json.loads(export_intake(demo, clinician, state.intake_id, include_drafts=True).json_bytes)
    Bundle(bundle, strict=True)
    (response,) = _resources(bundle, "QuestionnaireResponse")
    assert response["status"] == "in-progress"
    assert _resources(bundle, "Observation") == []
    assert [f["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] for f in _resources(bundle, "Flag")] == [
        "PH"
    ]


def test_front_desk_is_refused(demo: Backend) -> None:
    front_desk = sign_in(demo, "frontdesk", "demo-frontdesk-2026")
    with pytest.raises(RoleRefusedError, match="export clinical records"):
        export_intake(demo, front_desk, 1)
