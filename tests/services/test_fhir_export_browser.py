"""The exported Questionnaires and QuestionnaireResponses, rendered by the NLM's LHC-Forms (npm `lforms`) in
headless Chromium: a FHIR forms client nobody here wrote shows the questions and the patient's answers.

Needs Debian's chromium and `npm ci` in tests/fhir_client (both done by scripts/test-services.sh).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.fhir_questionnaire import questionnaire
from kiosk.services.backend import Backend
from kiosk.services.demo import seed_demo
from kiosk.services.fhir_export import export_intake, to_json_bytes
from kiosk.services.staff_accounts import sign_in

CLIENT = Path(__file__).resolve().parents[1] / "fhir_client"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() or not (CLIENT / "node_modules" / "lforms").is_dir() or shutil.which("node") is None,
        reason="needs /usr/bin/chromium, node and `npm ci` in tests/fhir_client (scripts/test-services.sh)",
    ),
]


def _render(tmp_path: Path, questionnaire_json: dict[str, Any], response: dict[str, Any]) -> list[dict[str, Any]]:
    q_path, r_path = tmp_path / "q.json", tmp_path / "r.json"
    q_path.write_bytes(to_json_bytes(questionnaire_json))
    r_path.write_bytes(to_json_bytes(response))
    run = subprocess.run(
        ["node", str(CLIENT / "render_check.mjs"), str(q_path), str(r_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["errors"] == []
    items: list[dict[str, Any]] = seen["items"]
    return items


def _answered(items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """QuestionnaireResponse item text -> displays of its answers (groups flattened)."""
    result: dict[str, list[str]] = {}
    for item in items:
        if "answer" in item:
            result[item["text"]] = [a["valueCoding"]["display"] for a in item["answer"] if "valueCoding" in a]
        result.update(_answered(item.get("item", [])))
    return result


def test_lhc_forms_shows_each_questionnaire_with_the_patients_answers(backend: Backend, tmp_path: Path) -> None:
    seed_demo(backend)
    staff = sign_in(backend, "dr.rivera", "demo-clinician-2026")
    rendered_forms = set()
    for intake_id in (1, 6):  # a Spravato and an IM ketamine series: PHQ-9, GAD-7 and both checklists
        bundle = json.loads(export_intake(backend, staff, intake_id).json_bytes)
        for entry in bundle["entry"]:
            response = entry["resource"]
            if response["resourceType"] != "QuestionnaireResponse":
                continue
            form = backend.forms.get(response["questionnaire"].split("/")[-1].split("|")[0])
            seen = _render(tmp_path, questionnaire(form).resource, response)
            shown = {row["question"].rstrip(" *"): row["selected"] for row in seen}
            for question, displays in _answered(response.get("item", [])).items():
                assert question in shown, f"{form.id}: {question!r} not rendered"
                for display in displays:
                    assert display in shown[question], f"{form.id}: {display!r} not selected for {question!r}"
            if form.id == "phq9":
                nine = [item.text["en"] for item in form.items[:9]]
                assert all(text in shown for text in nine)
                assert all(len(shown[text]) == 1 for text in nine)
            rendered_forms.add(form.id)
    assert rendered_forms == {"phq9", "gad7", "checklist_im_ketamine", "checklist_spravato"}
