"""The web peer: what a browser-based intake would cost on the same machine, measured in the same run.

The page is the kiosk's own PHQ-9, exported as a FHIR Questionnaire (kiosk/domain/fhir_questionnaire.py) and
rendered by the NLM LHC-Forms web component (a SurveyJS-like form renderer; the copy `npm ci` put in
tests/fhir_client for the FHIR test), in the system's Chromium, headless, from local files: nothing is
downloaded and no server runs. The figure is the time from starting Chromium to the first frame painted after
the form is on the page, and the PSS of all of Chromium's processes at that moment.

If Chromium or LHC-Forms is missing, `available()` says why and the table quotes the issue's figure instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.memory import pss_kib

REPO = Path(__file__).resolve().parent.parent
MARKER = "kiosk-bench: form painted"


def lforms_dir() -> Path:
    """The LHC-Forms distribution: $KIOSK_BENCH_LFORMS, else the test client's node_modules."""
    configured = os.environ.get("KIOSK_BENCH_LFORMS")
    if configured:
        return Path(configured)
    return REPO / "tests" / "fhir_client" / "node_modules" / "lforms" / "dist" / "lforms"


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def available() -> str | None:
    """None when the peer can be measured here, else why not (one sentence)."""
    if chromium() is None:
        return "no Chromium on this machine"
    if not (lforms_dir() / "webcomponent" / "lhc-forms.js").exists():
        return f"LHC-Forms not found in {lforms_dir()} (run `npm ci` in tests/fhir_client)"
    return None


def _page(folder: Path) -> Path:
    from kiosk.domain.fhir_questionnaire import questionnaire
    from kiosk.domain.loader import load_forms
    from kiosk.resources import forms_dir

    resource = questionnaire(load_forms(forms_dir()).get("phq9")).resource
    web = lforms_dir().resolve().as_uri()
    page = folder / "phq9.html"
    page.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8"><title>PHQ-9</title>
<link rel="stylesheet" href="{web}/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="{web}/webcomponent/assets/lib/zone.min.js"></script>
<script src="{web}/webcomponent/lhc-forms.js"></script>
<script src="{web}/fhir/R4/lformsFHIR.min.js"></script>
<script>
const questionnaire = {json.dumps(resource)};
function whenReady() {{
  if (!(window.LForms && window.LForms.Util)) {{ setTimeout(whenReady, 5); return; }}
  const form = LForms.Util.convertFHIRQuestionnaireToLForms(questionnaire, "R4");
  LForms.Util.addFormToPage(form, "form").then(function painted() {{
    if (document.querySelectorAll("lhc-item").length < 9) {{ setTimeout(painted, 5); return; }}
    requestAnimationFrame(() => requestAnimationFrame(() =>
      console.log("{MARKER} " + document.querySelectorAll("lhc-item").length)));
  }});
}}
whenReady();
</script></body></html>""",
        encoding="utf-8",
    )
    return page


def _tree(root: int) -> list[int]:
    """The process and all its descendants (Chromium's renderer, GPU and utility processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


@dataclass(frozen=True)
class PeerRun:
    painted_seconds: float
    pss_kib: int
    processes: int
    items: int


def run_once() -> PeerRun:
    """Start Chromium on the page; return when the form is painted (then Chromium is stopped)."""
    executable = chromium()
    assert executable is not None
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-browser-") as folder:
        page = _page(Path(folder))
        arguments = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--allow-file-access-from-files",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,800",
            f"--user-data-dir={folder}/profile",
            "--remote-debugging-port=0",  # keeps headless Chromium running after the page loads
            page.as_uri(),
        ]
        started = time.perf_counter()
        process = subprocess.Popen(
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            assert process.stderr is not None
            deadline = started + 60
            for line in process.stderr:
                if MARKER in line:
                    painted = time.perf_counter() - started
                    items = int(line.split(MARKER, 1)[1].split()[0].strip('",'))
                    pids = _tree(process.pid)
                    return PeerRun(painted, sum(pss_kib(pid) for pid in pids), len(pids), items)
                if time.perf_counter() > deadline:
                    break
            raise RuntimeError("Chromium never painted the PHQ-9 page")
        finally:
            # Asked first, so Chromium ends (and reaps) its own helper processes; forced if it does not.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
