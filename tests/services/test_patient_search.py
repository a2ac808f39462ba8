"""Searching encrypted names in memory: any part of a name, any case, no accents needed; or a birth date."""

from __future__ import annotations

import datetime as dt

from kiosk.services.backend import Backend
from kiosk.services.patient_search import PatientIndex
from kiosk.services.patients import add_patient
from kiosk.store.engine import unit_of_work
from tests.identities import front_desk

PEOPLE = (
    ("José", "Núñez", dt.date(1968, 5, 30), "C-1"),
    ("Josefina", "Nunes", dt.date(1970, 1, 2), None),
    ("Ana", "García", dt.date(1984, 3, 15), "C-3"),
    ("Mariana", "Lopez", dt.date(1984, 3, 15), None),
)


def add(backend: Backend, first: str, last: str, dob: dt.date, chart: str | None) -> int:
    with unit_of_work(backend.db_factory) as db:
        patient = add_patient(
            db,
            backend.cipher,
            first_name=first,
            last_name=last,
            dob=dob,
            language="en",
            now=backend.now(),
            chart_number=chart,
        )
        return patient.id


def names(hits: tuple[object, ...]) -> list[str]:
    return [hit.full_name for hit in hits]  # type: ignore[attr-defined]


def test_search_ignores_case_and_accents_and_finds_any_part(backend: Backend) -> None:
    for person in PEOPLE:
        add(backend, *person)
    index = PatientIndex.build(backend, front_desk())
    assert len(index) == 4
    assert names(index.search("nunez")) == ["José Núñez"]
    assert names(index.search("NÚÑEZ jose")) == ["José Núñez"]
    # Names that start with the words typed come first, then names that merely contain them.
    assert names(index.search("ana")) == ["Ana García", "Mariana Lopez"]
    assert names(index.search("jos")) == ["Josefina Nunes", "José Núñez"]
    assert names(index.search("garc")) == ["Ana García"]
    assert names(index.search("c-3")) == ["Ana García"]
    assert index.search("   ") == ()
    assert index.search("zzz") == ()


def test_search_by_birth_date_alone_or_with_a_name(backend: Backend) -> None:
    for person in PEOPLE:
        add(backend, *person)
    index = PatientIndex.build(backend, front_desk())
    assert names(index.search("03/15/1984")) == ["Ana García", "Mariana Lopez"]
    assert names(index.search("1984-03-15 mari")) == ["Mariana Lopez"]
    assert index.search("1984-03-15 1968-05-30") == ()


def test_refresh_adds_only_the_new_patients(backend: Backend) -> None:
    add(backend, *PEOPLE[0])
    index = PatientIndex.build(backend, front_desk())
    assert index.refresh(backend, front_desk()) == 0
    new_id = add(backend, "Zoë", "Walker", dt.date(2000, 1, 1), None)
    assert names(index.search("zoe")) == []
    assert index.refresh(backend, front_desk()) == 1
    assert index.max_patient_id == new_id
    hit = index.search("zoe")[0]
    assert (hit.patient_id, hit.dob, hit.chart_number) == (new_id, dt.date(2000, 1, 1), None)
