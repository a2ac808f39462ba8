"""Reading a print job's final state over IPP."""

from __future__ import annotations

import struct

import pytest

from kiosk.documents.cups_ipp import IppError, parse_job_attributes


def attribute(tag: int, name: str, value: bytes) -> bytes:
    encoded = name.encode()
    return struct.pack(">BH", tag, len(encoded)) + encoded + struct.pack(">H", len(value)) + value


def response(status: int, *attributes: bytes) -> bytes:
    header = struct.pack(">BBHI", 2, 0, status, 1)
    return header + b"\x01" + b"".join(attributes[:1]) + b"\x02" + b"".join(attributes[1:]) + b"\x03"


def test_attributes_are_read_by_name_with_additional_values_in_order() -> None:
    body = response(
        0x0000,
        attribute(0x47, "attributes-charset", b"utf-8"),
        attribute(0x23, "job-state", struct.pack(">i", 8)),
        attribute(0x44, "job-state-reasons", b"aborted-by-system"),
        attribute(0x44, "", b"job-completed-with-errors"),
        attribute(0x41, "job-printer-state-message", b"Sin papel"),
    )
    parsed = parse_job_attributes(body)
    assert parsed["job-state"] == [struct.pack(">i", 8)]
    assert parsed["job-state-reasons"] == [b"aborted-by-system", b"job-completed-with-errors"]
    assert parsed["job-printer-state-message"] == [b"Sin papel"]


def test_an_error_status_is_refused() -> None:
    with pytest.raises(IppError, match="0x0406"):
        parse_job_attributes(response(0x0406))


def test_a_truncated_answer_is_refused() -> None:
    with pytest.raises(IppError, match="cut short"):
        parse_job_attributes(struct.pack(">BBHI", 2, 0, 0, 1) + b"\x02\x23\x00\x09job-st")
    with pytest.raises(IppError, match="too short"):
        parse_job_attributes(b"\x02\x00")
