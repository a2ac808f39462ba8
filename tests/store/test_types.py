"""UTCDateTime keeps instants exact and aware on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from kiosk.store.engine import create_engine_for
from kiosk.store.types import UTCDateTime

metadata = MetaData()
moments = Table("moments", metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime))

KOLKATA = timezone(timedelta(hours=5, minutes=30))
PACIFIC = timezone(timedelta(hours=-8))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for(database_url)
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def test_aware_datetimes_round_trip_as_utc(engine: Engine) -> None:
    written = datetime(2025, 11, 2, 1, 30, 15, 123456, tzinfo=KOLKATA)
    with engine.begin() as connection:
        connection.execute(insert(moments).values(id=1, at=written))
    with engine.connect() as connection:
        read = connection.scalar(select(moments.c.at).where(moments.c.id == 1))
    assert read == written
    assert read is not None
    assert read.tzinfo is UTC
    assert read.isoformat() == "2025-11-01T20:00:15.123456+00:00"


def test_comparisons_follow_time_not_local_clock_text(engine: Engine) -> None:
    earlier = datetime(2025, 1, 1, 12, 0, tzinfo=PACIFIC)  # 20:00 UTC
    later = datetime(2025, 1, 1, 21, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(moments), [{"id": 1, "at": earlier}, {"id": 2, "at": later}])
    with engine.connect() as connection:
        after_half_past = connection.scalars(
            select(moments.c.id).where(moments.c.at > datetime(2025, 1, 2, 1, 30, tzinfo=KOLKATA))
        ).all()
        ordered = connection.scalars(select(moments.c.id).order_by(moments.c.at)).all()
    assert after_half_past == [2]  # 01:30 in Kolkata is 20:00 UTC; only 21:00 UTC is after it
    assert ordered == [1, 2]


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as connection:
        connection.execute(insert(moments).values(id=1, at=datetime(2025, 1, 1, 9, 0)))
