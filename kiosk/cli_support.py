"""What every part of the `kiosk` command shares: exit codes, the error a person reads, the data folder,
who is acting (for the audit log), and running one action on a backend that is closed afterwards.

kiosk/cli.py builds the parser; cli_staff.py and cli_documents.py add their sub-commands to it.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.services.backend import Backend

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

OpenBackend = Callable[[argparse.Namespace], "Backend"]
AddCommon = Callable[[argparse.ArgumentParser], None]


class CliError(Exception):
    """A failure with a message for the person at the keyboard."""


def data_dir(args: argparse.Namespace) -> Path:
    """--data-dir, or the platform's user data folder."""
    from kiosk.settings import default_data_dir

    value = getattr(args, "data_dir", None)
    return Path(value).expanduser().resolve() if value else default_data_dir()


def cli_actor() -> str:
    """Who ran the command, for the audit log: the operating-system account."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def run_with_backend(
    open_backend: OpenBackend,
    args: argparse.Namespace,
    action: Callable[[Backend], int],
    refusals: tuple[type[Exception], ...],
) -> int:
    """Run `action` on the backend; a refusal the services explain becomes one CliError message."""
    backend = open_backend(args)
    try:
        return action(backend)
    except refusals as error:
        raise CliError(str(error)) from None
    finally:
        backend.engine.dispose()
