"""Print the kiosk's benchmark table: the figures that say how fast and how lean it is.

    python3 dev.py bench            # every benchmark
    python3 dev.py bench forms      # only the ones whose name contains "forms"

Each figure is measured here, on this machine, on a real SQLite file with synchronous=FULL; nothing is
asserted. Benchmarks that need modules from later issues register themselves in BENCHMARKS below.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Row:
    name: str
    figure: str
    note: str = ""
    ratio: str = ""
    """The figure against its floor measured in the same run (e.g. "1.85x" a bare PySide6 window's)."""
    aim: str = ""
    """The issue's aim for the figure and whether this run met it."""


def progress(message: str) -> None:
    """A line on stderr while a long benchmark runs (the table itself goes to stdout at the end)."""
    print(f"    {message}", file=sys.stderr, flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def bench_forms() -> list[Row]:
    from kiosk.domain.loader import load_forms
    from kiosk.resources import forms_dir

    samples = []
    for _ in range(20):
        start = time.perf_counter()
        library = load_forms(forms_dir())
        samples.append(time.perf_counter() - start)
    return [
        Row("load + validate all forms", ms(statistics.median(samples)), f"{len(library.forms)} forms, median of 20")
    ]


def bench_scoring() -> list[Row]:
    from kiosk.domain.loader import load_forms
    from kiosk.domain.scoring import score
    from kiosk.resources import forms_dir

    form = load_forms(forms_dir()).get("phq9")
    codes = [option.code for option in form.item("q1").options]
    rng = random.Random(7)
    sheets = [{f"q{n}": rng.choice(codes) for n in range(1, 10)} for _ in range(10_000)]
    start = time.perf_counter()
    for answers in sheets:
        score(form, answers)
    elapsed = time.perf_counter() - start
    return [Row("score 10,000 PHQ-9s", ms(elapsed), f"{elapsed / 10_000 * 1e6:.1f} µs each, with flags and bands")]


def bench_answers() -> list[Row]:
    from kiosk.services.backend import open_backend
    from kiosk.services.checkin import identify
    from kiosk.services.demo import DEMO_PATIENTS, seed_demo
    from kiosk.services.intake import begin_intake, record_answer

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        backend = open_backend(Path(folder))
        seed_demo(backend)
        rows = []
        patients = DEMO_PATIENTS[4:10]
        saves: list[float] = []
        intake_ids = []
        for person in patients:
            match = identify(backend, person.first_name, person.last_name, person.dob).match
            assert match is not None
            intake_ids.append(begin_intake(backend, match.appointment_id, "en").intake_id)
        form = backend.forms.get("phq9")
        items = [item.id for item in form.answerable_items() if item.id != "difficulty"]
        rng = random.Random(1)
        for index in range(1000):
            intake_id = intake_ids[index % len(intake_ids)]
            start = time.perf_counter()
            record_answer(backend, intake_id, "phq9", items[index % len(items)], rng.randint(0, 3))
            saves.append(time.perf_counter() - start)
        rows.append(
            Row(
                "answer save (committed, FULL sync)",
                f"p50 {ms(percentile(saves, 0.5))} / p95 {ms(percentile(saves, 0.95))}",
                "1,000 answers, each its own transaction with flag re-evaluation",
            )
        )
        resumes = []
        person = patients[0]
        for _ in range(50):
            start = time.perf_counter()
            match = identify(backend, person.first_name, person.last_name, person.dob).match
            assert match is not None
            begin_intake(backend, match.appointment_id, "en")
            resumes.append(time.perf_counter() - start)
        rows.append(Row("resume a draft (identify + load)", ms(statistics.median(resumes)), "median of 50"))
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-demo-") as other:
            seed_demo(open_backend(Path(other)))
        rows.append(Row("seed the demo day", ms(time.perf_counter() - start), "10 patients, 20 past intakes"))
        backend.engine.dispose()
        return rows


def bench_staff() -> list[Row]:
    from benchmarks.staff import benchmarks

    return benchmarks()


def bench_staff_ui() -> list[Row]:
    from benchmarks.staff_ui import benchmarks

    return benchmarks()


def bench_documents() -> list[Row]:
    from benchmarks.documents import benchmarks

    return benchmarks()


def bench_contention() -> list[Row]:
    from benchmarks.contention import benchmarks

    return benchmarks()


def bench_patient() -> list[Row]:
    from benchmarks.patient import benchmarks

    return benchmarks()


BENCHMARKS: dict[str, Callable[[], list[Row]]] = {
    "forms": bench_forms,
    "scoring": bench_scoring,
    "answers": bench_answers,
    "staff": bench_staff,
    "staff_ui": bench_staff_ui,
    "documents": bench_documents,
    "patient": bench_patient,
    "contention": bench_contention,
}


def main(argv: list[str]) -> int:
    wanted = [name for name in BENCHMARKS if not argv or any(word in name for word in argv)]
    rows: list[Row] = []
    for number, name in enumerate(wanted, 1):
        gc.collect()
        print(f"[{number}/{len(wanted)}] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        rows.extend(BENCHMARKS[name]())
        print(f"[{number}/{len(wanted)}] {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    columns = [("benchmark", "name"), ("figure", "figure"), ("ratio", "ratio"), ("aim", "aim")]
    widths = [max(len(title), *(len(getattr(row, field)) for row in rows)) for title, field in columns]
    print(f"kiosk benchmarks, {dt.datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]}")
    print("  ".join(f"{title:<{width}}" for (title, _), width in zip(columns, widths, strict=True)) + "  note")
    print("  ".join("-" * width for width in widths) + "  ----")
    for row in rows:
        cells = [f"{getattr(row, field):<{width}}" for (_, field), width in zip(columns, widths, strict=True)]
        print("  ".join(cells) + f"  {row.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
