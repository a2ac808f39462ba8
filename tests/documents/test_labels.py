"""Fixed wording and date formats of the packet, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from kiosk.documents.labels import format_change, format_date, format_datetime, format_time, label


def test_labels_exist_in_both_languages_and_fill_placeholders() -> None:
    assert label("page_of", "en", page=2, total=9) == "Page 2 of 9"
    assert label("page_of", "es", page=2, total=9) == "Página 2 de 9"
    assert label("packet_title", "es") == "Paquete de admisión"


def test_dates_spell_the_month_so_day_and_month_cannot_be_confused() -> None:
    assert format_date(date(1984, 7, 3), "en") == "Jul 3, 1984"
    assert format_date(date(1984, 7, 3), "es") == "3 jul 1984"


def test_times_carry_their_utc_offset() -> None:
    moment = datetime(2026, 3, 17, 14, 5, 9, tzinfo=timezone(timedelta(hours=-7)))
    assert format_datetime(moment, "en") == "Mar 17, 2026, 2:05 PM (UTC-07:00)"
    assert format_datetime(moment, "es", seconds=True) == "17 mar 2026, 14:05:09 (UTC-07:00)"
    india = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert format_datetime(india, "en").endswith("(UTC+05:30)")


def test_midnight_and_noon_in_twelve_hour_clock() -> None:
    utc = UTC
    assert format_time(datetime(2026, 1, 1, 0, 7, tzinfo=utc), "en") == "12:07 AM"
    assert format_time(datetime(2026, 1, 1, 12, 0, tzinfo=utc), "en") == "12:00 PM"


def test_changes_have_a_sign_or_words() -> None:
    assert format_change(3, "en") == "+3"
    assert format_change(-5, "en") == "-5"
    assert format_change(0, "en") == "0"
    assert format_change(None, "es") == "sin puntuación previa"
