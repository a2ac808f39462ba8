"""Two tablets keep saving answers while the front desk imports a 10,000-row CSV into the same SQLite file.

Each tablet is its own process with its own engine, as on the clinic's network; it saves an answer, waits
a patient's beat (50 ms), and saves the next, counting every save that failed (a patient would have seen
"please see the front desk") and timing the ones that worked. The import commits in batches of
IMPORT_BATCH rows, and the longest of those write transactions is measured too: no write may hold the
lock long enough to make a tablet's save fail.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import tempfile
import time
from pathlib import Path

from benchmarks.run import Row, ms, percentile
from tests.identities import front_desk

IMPORT_ROWS = 10_000
HEADER = "chart_number,first_name,last_name,date_of_birth,appointment_date,appointment_time,visit_type,phone,language"


def _tablet(
    data_dir: str, patient: int, ready: multiprocessing.Event, stop: multiprocessing.Event, out: object
) -> None:
    from kiosk.services.backend import open_backend
    from kiosk.services.checkin import identify
    from kiosk.services.demo import DEMO_PATIENTS
    from kiosk.services.intake import begin_intake, record_answer

    backend = open_backend(Path(data_dir), migrate=False)
    person = DEMO_PATIENTS[patient]
    match = identify(backend, person.first_name, person.last_name, person.dob).match
    assert match is not None
    intake = begin_intake(backend, match.appointment_id, "en").intake_id
    saves: list[float] = []
    failures: list[str] = []
    ready.set()  # type: ignore[attr-defined]
    index = 0
    while not stop.is_set():  # type: ignore[attr-defined]
        start = time.perf_counter()
        try:
            record_answer(backend, intake, "phq9", f"q{1 + index % 9}", index % 4)
            saves.append(time.perf_counter() - start)
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}"[:200])
        index += 1
        time.sleep(0.05)
    backend.engine.dispose()
    out.put((saves, failures))  # type: ignore[attr-defined]


def benchmarks() -> list[Row]:
    from sqlalchemy import event

    from kiosk.services.backend import open_backend
    from kiosk.services.demo import seed_demo
    from kiosk.services.schedule_import import IMPORT_BATCH, import_csv, preview_csv

    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-contention-") as folder:
        backend = open_backend(Path(folder))
        seed_demo(backend)
        day = backend.local_now().date() + dt.timedelta(days=1)
        lines = [HEADER] + [
            f"C-{n},Pat{n},Contention,1980-01-{1 + n % 28:02d},{day.isoformat()},{7 + n % 11}:{n % 60:02d},"
            "im_ketamine,,en"
            for n in range(IMPORT_ROWS)
        ]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        stop, results = context.Event(), context.Queue()
        readies = [context.Event() for _ in range(2)]
        tablets = [context.Process(target=_tablet, args=(folder, 4 + n, readies[n], stop, results)) for n in range(2)]
        for tablet in tablets:
            tablet.start()
        for ready in readies:
            ready.wait(60)
        time.sleep(0.5)
        writes: list[float] = []
        began: list[float] = []

        def on_begin(_connection: object) -> None:
            began.append(time.perf_counter())

        def on_commit(_connection: object) -> None:
            if began:
                writes.append(time.perf_counter() - began.pop())

        try:
            start = time.perf_counter()
            preview = preview_csv(backend, data, front_desk())
            preview_seconds = time.perf_counter() - start
            event.listen(backend.engine, "begin", on_begin)
            event.listen(backend.engine, "commit", on_commit)
            start = time.perf_counter()
            result = import_csv(backend, preview, front_desk("bench"))
            import_seconds = time.perf_counter() - start
            event.remove(backend.engine, "begin", on_begin)
            event.remove(backend.engine, "commit", on_commit)
            time.sleep(0.5)
        finally:
            stop.set()
        saves: list[float] = []
        failures: list[str] = []
        for _ in tablets:
            tablet_saves, tablet_failures = results.get(timeout=60)
            saves.extend(tablet_saves)
            failures.extend(tablet_failures)
        for tablet in tablets:
            tablet.join(30)
        backend.engine.dispose()
    note = f"{len(saves) + len(failures)} saves by 2 tablet processes during preview + import"
    if failures:
        note += f"; first failure: {failures[0]}"
    return [
        Row(
            "tablets saving during a 10,000-row CSV import",
            f"{len(failures)} failed; p95 {ms(percentile(saves, 0.95))}, max {ms(max(saves))}",
            note,
        ),
        Row(
            "  the import's longest write transaction",
            ms(max(writes)),
            f"{result.appointments_added} rows in {import_seconds:.1f} s, {IMPORT_BATCH} a batch; "
            f"preview {preview_seconds:.1f} s (read-only)",
        ),
    ]
