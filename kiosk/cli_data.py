"""The data side of the `kiosk` command: the clinic's keys out to the safe and back, backups and restores.

`kiosk key export -o FILE` (admin sign-in) writes both key files wrapped with a passphrase (scrypt and
AES-256-GCM), 0600; `kiosk key import FILE` writes them back into a data folder that lost them. The
passphrase is asked for twice at a terminal, or read from standard input with --passphrase-stdin.

`kiosk backup -o FILE` (admin sign-in) writes an encrypted, checked copy of a SQLite data folder while the
tablets keep saving; `kiosk restore FILE --key KEYFILE --data-dir NEW` puts it back into an empty folder.
KEYFILE is the clinic's PHI key: the raw `secrets/phi.key` or the wrapped key file from `kiosk key export`
(its passphrase is then asked for, or read with --passphrase-stdin).
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli_support import EXIT_OK, AddCommon, CliError, OpenBackend, data_dir, sign_in

if TYPE_CHECKING:
    from kiosk.services.backend import Backend


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.passphrase_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("--passphrase-stdin was given but standard input was empty")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to type the passphrase in; pipe it in with --passphrase-stdin")
    first = getpass.getpass("Passphrase for the wrapped keys: ")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise CliError("the two passphrases differ; nothing was written")
    return first


def cmd_key_export(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.keys import KeyWrapError, export_keys
    from kiosk.services.permissions import Permission
    from kiosk.store.files import write_private

    output = Path(args.output).expanduser()
    backend: Backend = open_backend(args)
    try:
        staff = sign_in(args, backend, Permission.BACKUP)
        passphrase = _passphrase(args, confirm=True)
        try:
            wrapped = export_keys(backend, staff, passphrase)
        except KeyWrapError as error:
            raise CliError(f"{error}; nothing was written") from None
        try:
            write_private(output, wrapped)
        except OSError as error:
            raise CliError(f"cannot write {output}: {error.strerror}") from None
    finally:
        backend.engine.dispose()
    print(f"wrote the wrapped keys to {output}; keep it and its passphrase apart, in the clinic's safe")
    return EXIT_OK


def _read(source: Path, what: str) -> bytes:
    """A file the command was given, or one sentence saying why it cannot be read."""
    try:
        return source.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {what}{source}: {error.strerror}") from None


def cmd_key_import(args: argparse.Namespace) -> int:
    from kiosk.services.keys import KeyWrapError, import_keys

    source = Path(args.file).expanduser()
    wrapped = _read(source, "")
    folder = data_dir(args)
    try:
        written = import_keys(folder, wrapped, _passphrase(args, confirm=False))
    except KeyWrapError as error:
        raise CliError(f"{source}: {error}; nothing was written") from None
    if written:
        print(f"restored {', '.join(written)} into {folder}")
    else:
        print(f"{folder} already holds exactly these keys; nothing to do")
    return EXIT_OK


def _progress_printer() -> Callable[[str, int, int], None]:
    """Progress on stderr, at most once per tenth of the work and phase (a terminal or a log alike)."""
    shown: dict[str, int] = {}

    def show(phase: str, done: int, total: int) -> None:
        tenth = 10 if total <= 0 else min(10, done * 10 // total)
        if shown.get(phase, -1) < tenth:
            shown[phase] = tenth
            print(f"  {phase}: {tenth * 10}% of {total / 1_048_576:.1f} MiB", file=sys.stderr, flush=True)

    return show


def cmd_backup(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.backup import BackupError, create_backup
    from kiosk.services.permissions import Permission

    output = Path(args.output).expanduser().resolve()
    backend: Backend = open_backend(args)
    try:
        staff = sign_in(args, backend, Permission.BACKUP)
        try:
            summary = create_backup(backend, staff, output, progress=_progress_printer())
        except BackupError as error:
            raise CliError(f"{error}; no backup was written") from None
        except OSError as error:
            raise CliError(f"cannot write {output}: {error.strerror}; no backup was written") from None
    finally:
        backend.engine.dispose()
    print(
        f"wrote and checked {output} ({summary.size / 1_048_576:.1f} MiB, {len(summary.members)} files, "
        f"sha256 {summary.sha256}); it opens only with this clinic's key: keep the key apart from it"
    )
    return EXIT_OK


def _restore_key(args: argparse.Namespace) -> bytes:
    from kiosk.services.keys import KeyWrapError
    from kiosk.store.crypto import KEY_BYTES
    from kiosk.store.keywrap import unwrap_keys

    source = Path(args.key).expanduser()
    data = _read(source, "the key file ")
    if len(data) == KEY_BYTES:
        return data
    try:
        keys = unwrap_keys(data, _passphrase(args, confirm=False))
    except KeyWrapError as error:
        raise CliError(f"{source}: {error}") from None
    if "phi" not in keys:
        raise CliError(f"{source} holds no PHI key")
    return keys["phi"]


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.cli_support import cli_actor
    from kiosk.services.backend import SetupError
    from kiosk.services.backup import BackupError, restore_backup
    from kiosk.settings import SettingsError

    if not getattr(args, "data_dir", None):
        raise CliError("say where to restore with --data-dir NEW_FOLDER (an empty or new folder)")
    backup = Path(args.file).expanduser()
    if not backup.is_file():
        raise CliError(f"there is no backup file at {backup}")
    key = _restore_key(args)
    folder = data_dir(args)
    try:
        summary = restore_backup(backup, key, folder, actor=cli_actor(), progress=_progress_printer())
    except (BackupError, SetupError, SettingsError) as error:
        raise CliError(f"{error}; nothing was restored") from None
    except OSError as error:
        raise CliError(f"cannot restore into {folder}: {error.strerror}; nothing was restored") from None
    print(
        f"restored the backup of {summary.created} into {folder}: {summary.appointments} appointments, "
        f"{summary.intakes} intakes, audit log intact ({summary.audit_entries} entries)"
    )
    return EXIT_OK


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_common: AddCommon, open_backend: OpenBackend
) -> None:
    """Add `key export` and `key import` to the `kiosk` command's sub-commands."""

    def handler(function: Callable[[OpenBackend, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        return functools.partial(function, open_backend)

    key = commands.add_parser("key", help="export the keys wrapped with a passphrase, or import them back")
    add_common(key)
    actions = key.add_subparsers(dest="key_command", metavar="ACTION")
    export = actions.add_parser("export", help="write both keys wrapped with a passphrase (admin sign-in)")
    add_common(export)
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.add_argument("--passphrase-stdin", action="store_true", help="read the passphrase from standard input")
    export.set_defaults(handler=handler(cmd_key_export))
    restore = actions.add_parser("import", help="write the keys from a wrapped key file into the data folder")
    add_common(restore)
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--passphrase-stdin", action="store_true", help="read the passphrase from standard input")
    restore.set_defaults(handler=cmd_key_import)

    backup = commands.add_parser("backup", help="write an encrypted, checked backup of the data folder (admin)")
    add_common(backup)
    backup.add_argument("-o", "--output", required=True, metavar="FILE")
    backup.set_defaults(handler=handler(cmd_backup))
    restore_backup = commands.add_parser("restore", help="restore a backup into an empty --data-dir")
    add_common(restore_backup)
    restore_backup.add_argument("file", metavar="FILE")
    restore_backup.add_argument(
        "--key", required=True, metavar="KEYFILE", help="the PHI key: secrets/phi.key or a `kiosk key export` file"
    )
    restore_backup.add_argument(
        "--passphrase-stdin", action="store_true", help="read the wrapped key file's passphrase from standard input"
    )
    restore_backup.set_defaults(handler=cmd_restore)
