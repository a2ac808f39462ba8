"""The backup file: a consistent copy of a SQLite data folder, encrypted, that restores on its own.

What is inside: the database (copied online with SQLite's backup API, so tablets keep saving), the
settings, the clinic certificates and the audit key, as a tar stream, then a manifest with the SHA-256
of every member. The stream is cut into chunks, each sealed with AES-256-GCM under a key derived (HKDF,
a fresh salt per backup) from the clinic's PHI key; a chunk's associated data names the file's header,
its index and whether it is the last, so a file that was cut short, reordered or altered fails to open
instead of restoring part of a clinic. The PHI key itself is never in the file: restoring needs it, from
the clinic's own copy or the wrapped key file in the safe (`kiosk key export`).

No Qt, no services here: the use cases (who may, the audit entries) are in kiosk/services/backup.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.store.crypto import KEY_BYTES, FieldCipher
from kiosk.store.engine import SQLITE_FILE_NAME
from kiosk.store.files import PRIVATE_DIR, PRIVATE_FILE

MAGIC = b"KIOSK-BACKUP\n"
FORMAT = "kiosk-backup-v1"
CHUNK_BYTES = 1 << 20
MANIFEST = "manifest.json"
DATABASE_MEMBER = SQLITE_FILE_NAME
"""The database keeps its own file name inside the backup, so a restore puts it where the kiosk looks."""
_HKDF_INFO = b"intake-kiosk backup v1"
_MAX_HEADER = 4096
_LENGTH = struct.Struct(">I")

Progress = Callable[[str, int, int], None]
"""Called with a phase ("copying the database", "encrypting", "checking"), bytes done and bytes in all."""


class BackupError(Exception):
    """The backup cannot be made or read; the message is one sentence for the person running it."""


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: Path
    size: int
    sha256: str
    members: tuple[str, ...]


def no_progress(_phase: str, _done: int, _total: int) -> None:
    """The default Progress: report nothing."""
    return None


def _backup_key(phi_key: bytes, salt: bytes) -> bytes:
    if len(phi_key) != KEY_BYTES:
        raise BackupError(f"an encryption key is {KEY_BYTES} bytes, this one is {len(phi_key)}")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO).derive(phi_key)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(8, "big")


def _chunk_aad(header: bytes, index: int, *, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


class _HashingFile:
    """The backup file being written, hashed as it is written (its SHA-256 goes in the audit entry)."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self._target.write(data)


class _SealingWriter(io.RawIOBase):
    """A write-only stream that seals what it is given in CHUNK_BYTES chunks; close() seals the last one."""

    def __init__(self, target: _HashingFile, key: bytes, header: bytes, prefix: bytes) -> None:
        super().__init__()
        self._target = target
        self._aead = AESGCM(key)
        self._header = header
        self._prefix = prefix
        self._buffer = bytearray()
        self._index = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer.extend(data)
        # Keep one chunk back, so the last one is sealed as last when the stream closes.
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        aad = _chunk_aad(self._header, self._index, last=last)
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index), plain, aad)
        self._target.write(_LENGTH.pack(len(sealed)))
        self._target.write(sealed)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


def _open_chunks(source: IO[bytes], phi_key: bytes) -> tuple[dict[str, object], Iterator[bytes]]:
    """The header and an iterator of the plain chunks; BackupError for any fault, however it shows."""
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("this is not a kiosk backup file")
    header = source.readline(_MAX_HEADER)
    try:
        fields = json.loads(header)
        if fields.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {fields.get('format')!r}")
        salt = base64.b64decode(fields["salt"], validate=True)
        prefix = base64.b64decode(fields["nonce_prefix"], validate=True)
        fingerprint = str(fields["key_fingerprint"])
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError("the backup file's header is damaged") from None
    if FieldCipher(phi_key).key_fingerprint != fingerprint:
        raise BackupError(
            f"this key is not the one the backup was made with (backup {fingerprint}, key "
            f"{FieldCipher(phi_key).key_fingerprint}); use the clinic's key from the safe"
        )
    aead = AESGCM(_backup_key(phi_key, salt))

    def chunks() -> Iterator[bytes]:
        index = 0
        while True:
            length_bytes = source.read(_LENGTH.size)
            if len(length_bytes) != _LENGTH.size:
                raise BackupError("the backup file ends early (it was cut short or not finished)")
            (length,) = _LENGTH.unpack(length_bytes)
            if length > CHUNK_BYTES + 16:
                raise BackupError("the backup file is damaged (a chunk is too long)")
            sealed = source.read(length)
            if len(sealed) != length:
                raise BackupError("the backup file ends early (it was cut short or not finished)")
            nonce = _nonce(prefix, index)
            for last in (False, True):
                try:
                    plain = aead.decrypt(nonce, sealed, _chunk_aad(header, index, last=last))
                except InvalidTag:
                    continue
                yield plain
                if last:
                    if source.read(1):
                        raise BackupError("the backup file has data after its end; it was altered")
                    return
                break
            else:
                raise BackupError("the backup file was altered or damaged (a chunk fails its check)")
            index += 1

    return fields, chunks()


class _ChunkReader(io.RawIOBase):
    """The plain stream of a backup file, for tarfile to read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def copy_sqlite_online(database: Path, target: Path) -> int:
    """A consistent copy of a live SQLite database at `target`, checked; returns its size in bytes.

    The whole copy is one step of SQLite's backup API: one read transaction, which in WAL mode never
    blocks the tablets' writes (a copy in many steps restarts whenever a tablet commits, and so might
    never finish on a busy morning).
    """
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=-1)
            verdict = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                raise BackupError(f"the copy of the database failed SQLite's integrity check: {verdict}")
        finally:
            copy.close()
    finally:
        source.close()
    os.chmod(target, PRIVATE_FILE)
    return target.stat().st_size


class _MemberReader(io.RawIOBase):
    """A member file as tarfile reads it, hashed and reported on the way (each file is read once)."""

    def __init__(self, path: Path, report: Callable[[int], None]) -> None:
        super().__init__()
        self._handle = path.open("rb")
        self._report = report
        self._done = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._handle.readinto(buffer)
        self.digest.update(memoryview(buffer)[:count])
        self._done += count
        self._report(self._done)
        return count

    def close(self) -> None:
        self._handle.close()
        super().close()


def _tar_info(name: str, size: int, created: dt.datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = PRIVATE_FILE
    info.mtime = int(created.timestamp())
    return info


def write_backup(
    output: Path,
    *,
    members: dict[str, Path],
    phi_key: bytes,
    created: dt.datetime,
    details: dict[str, object],
    progress: Progress = no_progress,
) -> BackupSummary:
    """Seal `members` (archive name -> file) into `output` (0600, written whole or not at all), then read
    it back and check every member against the manifest."""
    salt, prefix = secrets.token_bytes(16), secrets.token_bytes(4)
    header_fields = {
        "format": FORMAT,
        "created": created.isoformat(),
        "key_fingerprint": FieldCipher(phi_key).key_fingerprint,
        "salt": base64.b64encode(salt).decode(),
        "nonce_prefix": base64.b64encode(prefix).decode(),
    }
    header = json.dumps(header_fields, sort_keys=True).encode("ascii") + b"\n"
    total = sum(path.stat().st_size for path in members.values())
    temporary = output.with_name(f".{output.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    hashes_by_name: dict[str, str] = {}
    try:
        with os.fdopen(descriptor, "wb") as file:
            target = _HashingFile(file)
            target.write(MAGIC)
            target.write(header)
            sealer = _SealingWriter(target, _backup_key(phi_key, salt), header, prefix)
            done_before = 0
            with tarfile.open(fileobj=sealer, mode="w|gz") as archive:
                for name, path in members.items():
                    size = path.stat().st_size

                    def report(done: int, base: int = done_before) -> None:
                        progress("encrypting", base + done, total)

                    reader = _MemberReader(path, report)
                    try:
                        archive.addfile(_tar_info(name, size, created), io.BufferedReader(reader))
                    finally:
                        reader.close()
                    hashes_by_name[name] = reader.digest.hexdigest()
                    done_before += size
                manifest = json.dumps(
                    {"format": FORMAT, "files": hashes_by_name, **details}, sort_keys=True, indent=2
                ).encode("utf-8")
                archive.addfile(_tar_info(MANIFEST, len(manifest), created), io.BytesIO(manifest))
            sealer.close()
            file.flush()
            os.fsync(file.fileno())
        check_backup(temporary, phi_key, progress=progress)
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return BackupSummary(
        path=output,
        size=output.stat().st_size,
        sha256=target.digest.hexdigest(),
        members=tuple(hashes_by_name),
    )


def _safe_member_path(name: str) -> Path:
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"the backup names a file outside its folder ({name!r}); it was not made by the kiosk")
    return relative


def read_backup(
    path: Path, phi_key: bytes, target: Path | None, *, progress: Progress = no_progress
) -> dict[str, object]:
    """Open, check and (with `target`) extract a backup; the manifest. BackupError for any fault.

    Every member's SHA-256 is compared with the manifest, which is read last; nothing extracted is
    trusted before the whole file has been checked (the caller extracts into a folder it discards on error).
    """
    size = path.stat().st_size
    try:
        with path.open("rb") as source:
            _fields, chunks = _open_chunks(source, phi_key)
            seen: dict[str, str] = {}
            manifest: dict[str, object] | None = None
            with tarfile.open(fileobj=io.BufferedReader(_ChunkReader(chunks)), mode="r|gz") as archive:
                for member in archive:
                    if not member.isfile():
                        raise BackupError(f"the backup holds {member.name!r}, which is not a plain file")
                    relative = _safe_member_path(member.name)
                    stream = archive.extractfile(member)
                    if stream is None:
                        raise BackupError(f"the backup's {member.name!r} cannot be read")
                    if member.name == MANIFEST:
                        manifest = json.loads(stream.read(1 << 24))
                        continue
                    digest = hashlib.sha256()
                    out: IO[bytes] | None = None
                    if target is not None:
                        destination = target / relative
                        destination.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
                        out = os.fdopen(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb")
                    try:
                        while block := stream.read(1 << 20):
                            digest.update(block)
                            if out is not None:
                                out.write(block)
                            progress("checking", source.tell(), size)
                    finally:
                        if out is not None:
                            out.flush()
                            os.fsync(out.fileno())
                            out.close()
                    seen[member.name] = digest.hexdigest()
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"the backup file is damaged ({error})") from None
    if manifest is None or not isinstance(manifest.get("files"), dict):
        raise BackupError("the backup has no manifest; it was not finished")
    if manifest["files"] != seen:
        raise BackupError("the backup's files do not match its manifest; it was altered")
    return manifest


def check_backup(path: Path, phi_key: bytes, *, progress: Progress = no_progress) -> dict[str, object]:
    """Read a backup through and check every member; the manifest."""
    return read_backup(path, phi_key, None, progress=progress)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
