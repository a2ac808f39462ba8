"""A validated set of forms, and what is wrong with an invalid one: what the rest of the kiosk works with.

Kept apart from the loader (kiosk/domain/loader.py) so that code which only uses forms, and a library read back
from the validated cache (kiosk/services/forms_cache.py), does not import PyYAML and the validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.forms import Form, FormKind


@dataclass(frozen=True, slots=True, order=True)
class FormProblem:
    """One thing wrong with one form file, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class FormsInvalidError(Exception):
    """Raised when a forms folder has problems; carries every one of them."""

    def __init__(self, problems: Iterable[FormProblem]) -> None:
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True, slots=True)
class FormLibrary:
    """All valid forms of a folder, by id."""

    forms: Mapping[str, Form]
    directory: Path

    def get(self, form_id: str) -> Form:
        try:
            return self.forms[form_id]
        except KeyError:
            known = ", ".join(sorted(self.forms)) or "none"
            raise KeyError(f"no form with id {form_id!r} in {self.directory} (known: {known})") from None

    def __contains__(self, form_id: object) -> bool:
        return form_id in self.forms

    def of_kind(self, kind: FormKind) -> tuple[Form, ...]:
        return tuple(form for form in self.forms.values() if form.kind is kind)
