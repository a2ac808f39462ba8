"""The data side of the `kiosk` command: the clinic's keys out to the safe and back.

`kiosk key export -o FILE` (admin sign-in) writes both key files wrapped with a passphrase (scrypt and
AES-256-GCM), 0600; `kiosk key import FILE` writes them back into a data folder that lost them. The
passphrase is asked for twice at a terminal, or read from standard input with --passphrase-stdin.
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


def cmd_key_import(args: argparse.Namespace) -> int:
    from kiosk.services.keys import KeyWrapError, import_keys

    source = Path(args.file).expanduser()
    try:
        wrapped = source.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {source}: {error.strerror}") from None
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
