"""Asking the CUPS server how a print job ended, over IPP (RFC 8010/8011), with the standard library.

``lpstat`` tells when a job has left the queue, but not whether it printed: a job the printer
aborted is listed among the "completed" ones exactly like one that printed. The job's
``job-state`` attribute (9 completed, 8 aborted, 7 canceled) is the only reliable answer, and
it takes one small Get-Job-Attributes request. The server is found as the CUPS client finds it:
``$CUPS_SERVER`` (a host[:port] or a socket path), else the local socket, else localhost:631.
"""

from __future__ import annotations

import getpass
import http.client
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

IPP_PORT = 631
LOCAL_SOCKETS = (Path("/run/cups/cups.sock"), Path("/var/run/cups/cups.sock"))

_GET_JOB_ATTRIBUTES = 0x0009
_TAG_OPERATION = 0x01
_TAG_END = 0x03
_TAG_ENUM = 0x23
_TAG_URI = 0x45
_TAG_CHARSET = 0x47
_TAG_LANGUAGE = 0x48
_TAG_NAME = 0x42
_TAG_KEYWORD = 0x44

JOB_STATES = {
    3: "pending",
    4: "pending-held",
    5: "processing",
    6: "processing-stopped",
    7: "canceled",
    8: "aborted",
    9: "completed",
}


class IppError(Exception):
    """The CUPS server could not be asked, or refused the request."""


@dataclass(frozen=True)
class JobState:
    state: str
    """One of JOB_STATES' values, e.g. "completed" or "aborted"."""
    reasons: tuple[str, ...]
    printer_message: str
    """What the printer or its driver last said about this job ("Unable to open serial port...")."""


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the CUPS domain socket (the default on Linux and macOS)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._socket_path = path

    def connect(self) -> None:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(self.timeout)
        connection.connect(self._socket_path)
        self.sock = connection


def _connection(server: str | None, timeout: float) -> http.client.HTTPConnection:
    server = server if server is not None else os.environ.get("CUPS_SERVER", "")
    if server.startswith("/"):
        return _UnixHTTPConnection(server, timeout)
    if server:
        host, _, port = server.partition(":")
        return http.client.HTTPConnection(host, int(port) if port.isdigit() else IPP_PORT, timeout=timeout)
    for path in LOCAL_SOCKETS:
        if path.exists():
            return _UnixHTTPConnection(str(path), timeout)
    return http.client.HTTPConnection("localhost", IPP_PORT, timeout=timeout)


def _attribute(tag: int, name: str, value: bytes) -> bytes:
    encoded = name.encode("ascii")
    return struct.pack(">BH", tag, len(encoded)) + encoded + struct.pack(">H", len(value)) + value


def _request(job_id: int, request_id: int) -> bytes:
    parts = [
        struct.pack(">BBHI", 2, 0, _GET_JOB_ATTRIBUTES, request_id),
        bytes([_TAG_OPERATION]),
        _attribute(_TAG_CHARSET, "attributes-charset", b"utf-8"),
        _attribute(_TAG_LANGUAGE, "attributes-natural-language", b"en"),
        _attribute(_TAG_URI, "job-uri", f"ipp://localhost/jobs/{job_id}".encode("ascii")),
        _attribute(_TAG_NAME, "requesting-user-name", getpass.getuser().encode("utf-8")),
        _attribute(_TAG_KEYWORD, "requested-attributes", b"job-state"),
        _attribute(_TAG_KEYWORD, "", b"job-state-reasons"),
        _attribute(_TAG_KEYWORD, "", b"job-printer-state-message"),
        bytes([_TAG_END]),
    ]
    return b"".join(parts)


def parse_job_attributes(response: bytes) -> dict[str, list[bytes]]:
    """The attributes of an IPP response as raw values by name (``1setOf`` values in order)."""
    if len(response) < 8:
        raise IppError("the print server's answer is too short to be IPP")
    status = struct.unpack(">H", response[2:4])[0]
    if status >= 0x0400:
        raise IppError(f"the print server refused the request (IPP status 0x{status:04x})")
    attributes: dict[str, list[bytes]] = {}
    position = 8
    current = ""
    try:
        while position < len(response):
            tag = response[position]
            position += 1
            if tag == _TAG_END:
                break
            if tag < 0x10:  # start of an attribute group
                continue
            (name_length,) = struct.unpack(">H", response[position : position + 2])
            position += 2
            name = response[position : position + name_length].decode("utf-8", "replace")
            position += name_length
            (value_length,) = struct.unpack(">H", response[position : position + 2])
            position += 2
            value = response[position : position + value_length]
            position += value_length
            if name:
                current = name
            attributes.setdefault(current, []).append(value)
    except struct.error as error:
        raise IppError("the print server's answer is cut short") from error
    return attributes


def job_state(job_id: int, *, server: str | None = None, timeout: float = 5.0) -> JobState:
    """The current state of CUPS job ``job_id`` (the number after the queue name in "KioskPDF-12")."""
    connection = _connection(server, timeout)
    try:
        connection.request(
            "POST", "/jobs/", body=_request(job_id, request_id=1), headers={"Content-Type": "application/ipp"}
        )
        reply = connection.getresponse()
        body = reply.read()
        if reply.status != 200:
            raise IppError(f"the print server answered HTTP {reply.status} {reply.reason}")
    except (OSError, http.client.HTTPException) as error:
        raise IppError(f"could not reach the print server ({error})") from error
    finally:
        connection.close()
    attributes = parse_job_attributes(body)
    raw_state = attributes.get("job-state", [b""])[0]
    if len(raw_state) != 4:
        raise IppError("the print server did not report the job's state")
    state = JOB_STATES.get(struct.unpack(">i", raw_state)[0], "unknown")
    reasons = tuple(value.decode("utf-8", "replace") for value in attributes.get("job-state-reasons", []))
    message = b"".join(attributes.get("job-printer-state-message", [])).decode("utf-8", "replace")
    return JobState(state=state, reasons=reasons, printer_message=message.strip())
