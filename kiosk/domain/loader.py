"""Loading and validating forms/*.yaml.

Every problem is collected (not just the first), each naming the file, the line and what is wrong, so a
clinic editing a form by hand fixes it in one pass. A library with any problem is refused as a whole:
the kiosk never shows a form that failed validation.
"""

from __future__ import annotations

import re
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import yaml

from kiosk.domain.conditions import Condition, ConditionError, parse_condition
from kiosk.domain.forms import (
    CHOICE_TYPES,
    ON_FILE_RECORDS,
    SESSION_ITEM_TYPES,
    YES_NO_OPTIONS,
    Band,
    FlagRule,
    Form,
    FormKind,
    Item,
    ItemType,
    Localized,
    Option,
    Prefill,
    ScoreTerm,
    Scoring,
    Version,
)
from kiosk.domain.library import FormLibrary as FormLibrary  # noqa: PLC0414 (re-exported)
from kiosk.domain.library import FormProblem as FormProblem  # noqa: PLC0414
from kiosk.domain.library import FormsInvalidError as FormsInvalidError  # noqa: PLC0414
from kiosk.domain.statuses import FlagLevel
from kiosk.domain.yaml_lines import LocatedDict, LocatedList, line_of, load_located

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
PATIENT_SCREENS = frozenset({"crisis"})
RESERVED_NAMES = frozenset({"total", "and", "or", "not", "in"})

TOP_KEYS = {
    FormKind.QUESTIONNAIRE: {
        "items",
        "scoring",
        "flags",
        "option_sets",
        "codes",
        "copyright",
        "instructions",
        "step_title",
    },
    FormKind.CHECKLIST: {"items", "flags", "option_sets", "codes", "instructions", "step_title"},
    FormKind.CONSENT: {"body", "codes", "instructions"},
    FormKind.SESSION_RECORD: {"items", "option_sets", "codes", "instructions", "monitoring_minutes", "rems"},
}
SESSION_TIME_ITEMS = ("dose_time", "discharge_time")
"""A session record's times that start and end the monitoring clock: every session record has both."""
VITALS_GROUP = "vitals"
"""A session record's group of what one vital-signs reading holds (it must hold a blood pressure)."""
PREFILL_KEYS = {"form", "when"}
COMMON_KEYS = {"id", "version", "kind", "languages", "title"}
ITEM_KEYS = {
    "id",
    "type",
    "text",
    "help",
    "code",
    "options",
    "required",
    "when",
    "items",
    "min",
    "max",
    "max_length",
    "unit",
    "prefill",
    "person_name",
    "first_visit_text",
    "on_file",
}
OPTION_KEYS = {"code", "score", "label"}
FLAG_KEYS = {"code", "level", "when", "message", "patient_screen"}
BAND_KEYS = {"min", "max", "code", "label"}
SCORING_KEYS = {"sum", "bands", "code"}


def load_forms(directory: Path) -> FormLibrary:
    """Load every form of `directory`, or raise FormsInvalidError listing every problem found."""
    forms, problems = check_forms(directory)
    if problems:
        raise FormsInvalidError(problems)
    return FormLibrary(forms={form.id: form for form in forms}, directory=directory)


def check_forms(directory: Path) -> tuple[list[Form], list[FormProblem]]:
    """Validate every *.yaml / *.yml file in `directory` (or the one file named); return the valid forms
    and all problems."""
    problems: list[FormProblem] = []
    forms: list[Form] = []
    if directory.is_file():
        files = [directory]
    elif not directory.is_dir():
        return [], [FormProblem(str(directory), 0, "this forms folder does not exist")]
    else:
        files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        return [], [FormProblem(str(directory), 0, "no form files (*.yaml) in this folder")]
    first_seen: dict[str, str] = {}
    for path in files:
        form, file_problems = check_form_file(path)
        problems.extend(file_problems)
        if form is None:
            continue
        if form.id in first_seen:
            problems.append(FormProblem(str(path), 1, f"id {form.id!r} is already used by {first_seen[form.id]}"))
            continue
        first_seen[form.id] = path.name
        forms.append(form)
    problems.extend(_prefill_problems(forms))
    return forms, problems


def _prefill_problems(forms: list[Form]) -> list[FormProblem]:
    """A session record's prefill must name a form of the folder and, in its condition, items of that form."""
    by_id = {form.id: form for form in forms}
    problems: list[FormProblem] = []
    for form in forms:
        for item in form.all_items():
            if item.prefill is None:
                continue
            source = by_id.get(item.prefill.form_id)
            if source is None:
                problems.append(
                    FormProblem(
                        form.source,
                        item.line,
                        f"item {item.id!r}: prefill names form {item.prefill.form_id!r}, which is not in this folder",
                    )
                )
                continue
            for name in item.prefill.when.names:
                if source.find_item(name) is None:
                    problems.append(
                        FormProblem(
                            form.source,
                            item.line,
                            f"item {item.id!r}: the prefill condition names "
                            f"{name!r}, which is not an item of {source.id}",
                        )
                    )
    return problems


def check_form_file(path: Path) -> tuple[Form | None, list[FormProblem]]:
    """Validate one file: the form when it is entirely valid, and every problem found."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return None, [FormProblem(str(path), line, "the file is not UTF-8 text (save it as UTF-8)")]
    except OSError as error:
        return None, [FormProblem(str(path), 0, f"cannot read the file: {error.strerror}")]
    try:
        document = load_located(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error)
        return None, [FormProblem(str(path), line, f"YAML syntax error: {reason}")]
    checker = _FormChecker(str(path))
    form = checker.check(document)
    return (form if not checker.problems else None), checker.problems


class _FormChecker:
    """Walks one parsed file, building the Form and collecting problems as it goes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[FormProblem] = []
        self.languages: tuple[str, ...] = ("en",)
        self.kind: FormKind | None = None
        # Ids of every item that was declared, even one with its own problem, so that references to it
        # from scoring and flags do not repeat that problem as "unknown item".
        self.declared: set[str] = set()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(FormProblem(self.file, line, message))

    # --------------------------------------------------------------------------------------- top level

    def check(self, document: Any) -> Form | None:
        if not isinstance(document, LocatedDict):
            self.problem(line_of(document, 1), "a form file must be a mapping of keys (id, version, kind, ...)")
            return None
        self.report_duplicate_keys(document)
        form_id = self.required_id(document, "id", "the form")
        version = self.version(document)
        kind = self.form_kind(document)
        self.kind = kind
        self.languages = self.language_list(document)
        title = self.localized(document, "title", "the title")
        if kind is not None:
            self.unknown_keys(document, COMMON_KEYS | TOP_KEYS[kind], "the form")
        instructions = self.localized(document, "instructions", "the instructions", required=False)
        copyright_text = self.localized(document, "copyright", "the copyright notice", required=False)
        step_title = self.localized(document, "step_title", "the step title", required=False)
        codes = self.codes(document)
        if kind is None:
            return None
        if kind is FormKind.CONSENT:
            body = self.consent_body(document)
            if form_id is None or version is None or title is None:
                return None
            return Form(
                id=form_id,
                version=version,
                kind=kind,
                languages=self.languages,
                title=title,
                source=self.file,
                instructions=instructions,
                codes=codes,
                body=body,
            )
        option_sets = self.option_sets(document)
        items = self.items(document, option_sets)
        if kind is FormKind.QUESTIONNAIRE:
            for item in (entry for top in items for entry in (top, *top.children)):
                if item.first_visit_text is not None:
                    self.problem(
                        item.line,
                        f"item {item.id!r}: a questionnaire is asked word for word; first_visit_text is for checklists",
                    )
        scoring = self.scoring(document, items) if kind is FormKind.QUESTIONNAIRE else None
        flags = self.flags(document, items, has_total=scoring is not None)
        monitoring_minutes, rems = None, False
        if kind is FormKind.SESSION_RECORD:
            monitoring_minutes, rems = self.session_record(document, items)
        if form_id is None or version is None or title is None:
            return None
        return Form(
            id=form_id,
            version=version,
            kind=kind,
            languages=self.languages,
            title=title,
            source=self.file,
            instructions=instructions,
            step_title=step_title,
            copyright=copyright_text,
            codes=codes,
            items=items,
            scoring=scoring,
            flags=flags,
            monitoring_minutes=monitoring_minutes,
            rems=rems,
        )

    def report_duplicate_keys(self, mapping: LocatedDict) -> None:
        for key, line in mapping.duplicate_keys:
            self.problem(line, f"key {key!r} is given twice")

    def unknown_keys(self, mapping: LocatedDict, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.problem(mapping.line_of(key), f"unknown key {key!r} in {where} (expected one of: {expected})")

    def required_id(self, mapping: LocatedDict, key: str, where: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            self.problem(mapping.line, f"{where} has no {key!r}")
            return None
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(
                mapping.line_of(key),
                f"{key} {value!r} of {where} must start with a lowercase letter and use only a-z, 0-9, _ and -",
            )
            return None
        if value in RESERVED_NAMES:
            self.problem(mapping.line_of(key), f"{key} {value!r} is a reserved word in conditions")
            return None
        return value

    def version(self, document: LocatedDict) -> Version | None:
        value = document.get("version")
        if value is None:
            self.problem(document.line, "the form has no 'version' (for example version: \"1.0.0\")")
            return None
        try:
            return Version.parse(str(value))
        except ValueError as error:
            self.problem(document.line_of("version"), f"version {error}")
            return None

    def form_kind(self, document: LocatedDict) -> FormKind | None:
        value = document.get("kind")
        try:
            return FormKind(str(value))
        except ValueError:
            kinds = ", ".join(kind.value for kind in FormKind)
            self.problem(document.line_of("kind"), f"kind {value!r} is not one of: {kinds}")
            return None

    def language_list(self, document: LocatedDict) -> tuple[str, ...]:
        value = document.get("languages")
        if not isinstance(value, list) or not value:
            self.problem(document.line_of("languages"), "'languages' must list the form's languages, e.g. [en, es]")
            return ("en",)
        languages = tuple(str(language) for language in value)
        for index, language in enumerate(languages):
            if not LANGUAGE_PATTERN.match(language):
                line = value.line_of(index) if isinstance(value, LocatedList) else document.line_of("languages")
                self.problem(line, f"{language!r} is not a language code such as en or es")
        if "en" not in languages:
            self.problem(document.line_of("languages"), "every form needs English ('en') among its languages")
        return languages

    def localized(self, mapping: LocatedDict, key: str, where: str, *, required: bool = True) -> Localized | None:
        if key not in mapping:
            if required:
                self.problem(mapping.line, f"{where} is missing ({key!r} with a text per language)")
            return None
        return self.localized_value(mapping[key], mapping.line_of(key), where)

    def localized_value(self, value: Any, line: int, where: str) -> Localized | None:
        if not isinstance(value, LocatedDict):
            self.problem(line, f"{where} must give a text per language, e.g. {{en: ..., es: ...}}")
            return None
        result: Localized = {}
        for language in self.languages:
            text = value.get(language)
            if text is None:
                self.problem(
                    value.line_of(language) if language in value else line,
                    f"{where} has no {language!r} text",
                )
            elif not isinstance(text, str | int | float) or not str(text).strip():
                self.problem(value.line_of(language), f"{where} has an empty {language!r} text")
            else:
                result[language] = str(text).strip() if isinstance(text, str) else str(text)
        for language in value:
            if language not in self.languages:
                self.problem(
                    value.line_of(language),
                    f"{where} has a {language!r} text but the form's languages are {list(self.languages)}",
                )
        return result if len(result) == len(self.languages) else None

    def codes(self, document: LocatedDict) -> dict[str, str]:
        value = document.get("codes")
        if value is None:
            return {}
        if not isinstance(value, LocatedDict):
            self.problem(document.line_of("codes"), "'codes' must be a mapping such as {system: LOINC, panel: ...}")
            return {}
        return {str(key): str(code) for key, code in value.items()}

    def consent_body(self, document: LocatedDict) -> Localized | None:
        if "body" not in document:
            self.problem(document.line, "a consent needs a 'body' with the full text in every language")
            return None
        return self.localized_value(document["body"], document.line_of("body"), "the consent text (body)")

    # --------------------------------------------------------------------------------------- options

    def option_sets(self, document: LocatedDict) -> dict[str, tuple[Option, ...]]:
        value = document.get("option_sets")
        if value is None:
            return {}
        if not isinstance(value, LocatedDict):
            self.problem(document.line_of("option_sets"), "'option_sets' must map a name to a list of options")
            return {}
        result: dict[str, tuple[Option, ...]] = {}
        for name, options in value.items():
            result[name] = self.option_list(options, value.line_of(name), f"option set {name!r}")
        return result

    def option_list(self, value: Any, line: int, where: str) -> tuple[Option, ...]:
        if not isinstance(value, LocatedList):
            self.problem(line, f"{where}: options must be a list")
            return ()
        options: list[Option] = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(value):
            option_line = value.line_of(index)
            if not isinstance(raw, LocatedDict):
                self.problem(option_line, f"{where}: each option needs code, label and (if scored) score")
                continue
            self.unknown_keys(raw, OPTION_KEYS, f"an option of {where}")
            code = raw.get("code")
            if code is None or not str(code).strip():
                self.problem(option_line, f"{where}: an option has no 'code'")
                continue
            code = str(code)
            if code in seen:
                self.problem(option_line, f"{where}: option code {code!r} is used twice (first at line {seen[code]})")
                continue
            seen[code] = option_line
            score = raw.get("score")
            if score is not None and (isinstance(score, bool) or not isinstance(score, int)):
                self.problem(raw.line_of("score"), f"{where}: score of option {code!r} must be a whole number")
                score = None
            label = self.localized(raw, "label", f"the label of option {code!r} of {where}")
            if label is not None:
                options.append(Option(code=code, label=label, score=score))
        return tuple(options)

    # --------------------------------------------------------------------------------------- items

    def items(self, document: LocatedDict, option_sets: dict[str, tuple[Option, ...]]) -> tuple[Item, ...]:
        value = document.get("items")
        if not isinstance(value, LocatedList) or not value:
            self.problem(document.line_of("items"), "the form needs a non-empty 'items' list")
            return ()
        known: set[str] = set()
        return self.item_list(value, option_sets, known, nested=False)

    def item_list(
        self, value: LocatedList, option_sets: dict[str, tuple[Option, ...]], known: set[str], *, nested: bool
    ) -> tuple[Item, ...]:
        items: list[Item] = []
        for index, raw in enumerate(value):
            if not isinstance(raw, LocatedDict):
                self.problem(value.line_of(index), "each item must be a mapping with id, type and text")
                continue
            item = self.item(raw, option_sets, known, nested=nested)
            if item is not None:
                items.append(item)
        return tuple(items)

    def item(
        self, raw: LocatedDict, option_sets: dict[str, tuple[Option, ...]], known: set[str], *, nested: bool
    ) -> Item | None:
        self.report_duplicate_keys(raw)
        self.unknown_keys(raw, ITEM_KEYS, "an item")
        item_id = self.required_id(raw, "id", "an item")
        where = f"item {item_id!r}" if item_id else "an item"
        if item_id is not None and item_id in self.declared:
            self.problem(raw.line_of("id"), f"item id {item_id!r} is used twice in this form")
            item_id = None
        elif item_id is not None:
            self.declared.add(item_id)
        type_value = raw.get("type")
        try:
            item_type = ItemType(str(type_value))
        except ValueError:
            types = ", ".join(item_type.value for item_type in ItemType)
            self.problem(raw.line_of("type"), f"{where}: type {type_value!r} is not one of: {types}")
            item_type = None
        text = self.localized(raw, "text", f"the text of {where}")
        help_text = self.localized(raw, "help", f"the help of {where}", required=False)
        first_visit_text = self.localized(raw, "first_visit_text", f"the first-visit text of {where}", required=False)
        on_file = raw.get("on_file")
        if on_file is not None and on_file not in ON_FILE_RECORDS:
            known_records = ", ".join(sorted(ON_FILE_RECORDS))
            self.problem(raw.line_of("on_file"), f"{where}: on_file {on_file!r} is not one of: {known_records}")
            on_file = None
        when = self.item_condition(raw, known, where)
        options = self.item_options(raw, item_type, option_sets, where)
        children: tuple[Item, ...] = ()
        if item_type is ItemType.GROUP:
            if nested:
                self.problem(raw.line_of("type"), f"{where}: a group cannot hold another group")
            sub = raw.get("items")
            if not isinstance(sub, LocatedList) or not sub:
                self.problem(raw.line_of("items"), f"{where}: a group needs a non-empty 'items' list")
            else:
                if item_id is not None:
                    known.add(item_id)
                children = self.item_list(sub, option_sets, known, nested=True)
        elif "items" in raw:
            self.problem(raw.line_of("items"), f"{where}: only a group item has 'items'")
        minimum, maximum = self.number_range(raw, item_type, where)
        required = raw.get("required", item_type not in (ItemType.DISPLAY, ItemType.GROUP))
        if not isinstance(required, bool):
            self.problem(raw.line_of("required"), f"{where}: 'required' must be true or false")
            required = True
        unit, prefill = self.session_item_keys(raw, item_type, where)
        max_length = raw.get("max_length", 500)
        if not isinstance(max_length, int) or max_length < 1:
            self.problem(raw.line_of("max_length"), f"{where}: 'max_length' must be a positive whole number")
            max_length = 500
        person_name = raw.get("person_name", False)
        if not isinstance(person_name, bool):
            self.problem(raw.line_of("person_name"), f"{where}: 'person_name' must be true or false")
            person_name = False
        elif person_name and item_type is not ItemType.TEXT:
            self.problem(raw.line_of("person_name"), f"{where}: only a text item can be a 'person_name'")
            person_name = False
        if item_id is None or item_type is None or text is None:
            return None
        known.add(item_id)
        return Item(
            id=item_id,
            type=item_type,
            text=text,
            line=raw.line,
            help=help_text,
            code=str(raw["code"]) if raw.get("code") is not None else None,
            options=options,
            required=required and item_type not in (ItemType.DISPLAY, ItemType.GROUP),
            when=when,
            children=children,
            minimum=minimum,
            maximum=maximum,
            max_length=max_length,
            unit=unit,
            prefill=prefill,
            person_name=person_name,
            first_visit_text=first_visit_text,
            on_file=on_file,
        )

    def session_item_keys(
        self, raw: LocatedDict, item_type: ItemType | None, where: str
    ) -> tuple[str | None, Prefill | None]:
        """The measurement types, `unit` and `prefill` belong to a session record only."""
        is_session = self.kind is FormKind.SESSION_RECORD
        if item_type in SESSION_ITEM_TYPES and not is_session:
            self.problem(raw.line_of("type"), f"{where}: a {item_type} item belongs only in a session_record form")
        unit = raw.get("unit")
        if item_type is ItemType.QUANTITY and (not isinstance(unit, str) or not unit.strip()):
            self.problem(raw.line_of("unit") if "unit" in raw else raw.line, f"{where}: a quantity needs a 'unit'")
            unit = None
        elif unit is not None and item_type is not ItemType.QUANTITY:
            self.problem(raw.line_of("unit"), f"{where}: only a quantity item takes 'unit'")
            unit = None
        prefill_raw = raw.get("prefill")
        if prefill_raw is None:
            return unit, None
        line = raw.line_of("prefill")
        if not is_session or item_type is not ItemType.YES_NO:
            self.problem(line, f"{where}: only a yes_no item of a session_record form takes 'prefill'")
            return unit, None
        if not isinstance(prefill_raw, LocatedDict) or set(prefill_raw) != PREFILL_KEYS:
            self.problem(line, f"{where}: prefill is {{form: a form id, when: a condition over that form's answers}}")
            return unit, None
        condition = self.condition(prefill_raw["when"], prefill_raw.line_of("when"), where)
        if condition is None:
            return unit, None
        return unit, Prefill(form_id=str(prefill_raw["form"]), when=condition)

    def session_record(self, document: LocatedDict, items: tuple[Item, ...]) -> tuple[int | None, bool]:
        """What the dosing service relies on: the two monitoring times and a vitals group with a blood pressure."""
        by_id = {item.id: item for form_item in items for item in (form_item, *form_item.children)}
        for item_id in SESSION_TIME_ITEMS:
            item = by_id.get(item_id)
            if item is None or item.type is not ItemType.TIME:
                self.problem(document.line_of("items"), f"a session record needs a time item {item_id!r}")
        vitals = by_id.get(VITALS_GROUP)
        if vitals is None or vitals.type is not ItemType.GROUP or vitals not in items:
            self.problem(document.line_of("items"), f"a session record needs a top-level group {VITALS_GROUP!r}")
        elif not any(child.type is ItemType.BLOOD_PRESSURE for child in vitals.children):
            self.problem(vitals.line, f"the group {VITALS_GROUP!r} needs a blood_pressure item")
        minutes = document.get("monitoring_minutes")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1):
            self.problem(document.line_of("monitoring_minutes"), "'monitoring_minutes' must be a positive whole number")
            minutes = None
        rems = document.get("rems", False)
        if not isinstance(rems, bool):
            self.problem(document.line_of("rems"), "'rems' must be true or false")
            rems = False
        return minutes, rems

    def item_options(
        self,
        raw: LocatedDict,
        item_type: ItemType | None,
        option_sets: dict[str, tuple[Option, ...]],
        where: str,
    ) -> tuple[Option, ...]:
        value = raw.get("options")
        if item_type is ItemType.YES_NO:
            if value is not None:
                self.problem(raw.line_of("options"), f"{where}: a yes_no item has its options built in")
            return tuple(
                Option(
                    code=o.code,
                    label={lang: o.label.get(lang, o.label["en"]) for lang in self.languages},
                    score=o.score,
                )
                for o in YES_NO_OPTIONS
            )
        if item_type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE):
            if value is None or value == []:
                self.problem(raw.line, f"{where}: a {item_type.value} item needs 'options'")
                return ()
            if isinstance(value, str):
                if value not in option_sets:
                    self.problem(raw.line_of("options"), f"{where}: there is no option set named {value!r}")
                    return ()
                return option_sets[value]
            return self.option_list(value, raw.line_of("options"), where)
        if value is not None and item_type is not None:
            self.problem(raw.line_of("options"), f"{where}: a {item_type.value} item does not take options")
        return ()

    def number_range(
        self, raw: LocatedDict, item_type: ItemType | None, where: str
    ) -> tuple[float | None, float | None]:
        values: list[float | None] = []
        for key in ("min", "max"):
            value = raw.get(key)
            if value is not None and item_type not in (ItemType.NUMBER, ItemType.QUANTITY):
                self.problem(raw.line_of(key), f"{where}: only a number item takes '{key}'")
                value = None
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                self.problem(raw.line_of(key), f"{where}: '{key}' must be a number")
                value = None
            values.append(float(value) if value is not None else None)
        minimum, maximum = values
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(raw.line_of("min"), f"{where}: 'min' is greater than 'max'")
        return minimum, maximum

    def item_condition(self, raw: LocatedDict, known: set[str], where: str) -> Condition | None:
        if "when" not in raw:
            return None
        condition = self.condition(raw["when"], raw.line_of("when"), where)
        if condition is None:
            return None
        for name in condition.names:
            if name not in known:
                self.problem(
                    raw.line_of("when"),
                    f"{where}: the condition names {name!r}, which is not an earlier item of this form "
                    "(a condition may only look back at items already asked)",
                )
        return condition

    def condition(self, value: Any, line: int, where: str) -> Condition | None:
        if not isinstance(value, str):
            self.problem(line, f'{where}: the condition must be text such as "q9 > 0"')
            return None
        try:
            return parse_condition(value)
        except ConditionError as error:
            self.problem(line, f"{where}: condition {value!r}: {error} (at column {error.column})")
            return None

    # --------------------------------------------------------------------------------------- scoring

    def scoring(self, document: LocatedDict, items: tuple[Item, ...]) -> Scoring | None:
        raw = document.get("scoring")
        if raw is None:
            return None
        if not isinstance(raw, LocatedDict):
            self.problem(document.line_of("scoring"), "'scoring' must be a mapping with 'sum' and 'bands'")
            return None
        self.unknown_keys(raw, SCORING_KEYS, "scoring")
        by_id = {item.id: item for form_item in items for item in (form_item, *form_item.children)}
        terms = self.score_terms(raw, by_id)
        if terms is None:
            return None
        low = sum(min(self.term_scores(term, by_id)) for term in terms)
        high = sum(max(self.term_scores(term, by_id)) for term in terms)
        bands = self.bands(raw, low, high)
        if bands is None:
            return None
        return Scoring(terms=terms, bands=bands, minimum=low, maximum=high, code=raw.get("code"))

    def term_scores(self, term: ScoreTerm, by_id: dict[str, Item]) -> list[int]:
        per_item = [[o.score for o in by_id[item_id].options if o.score is not None] for item_id in term.item_ids]
        if term.take_max:
            return sorted({max(combination) for combination in product(*per_item)})
        return per_item[0]

    def score_terms(self, raw: LocatedDict, by_id: dict[str, Item]) -> tuple[ScoreTerm, ...] | None:
        value = raw.get("sum")
        if not isinstance(value, LocatedList) or not value:
            self.problem(raw.line_of("sum"), "scoring needs 'sum': a list of item ids (or {max: [ids]} groups)")
            return None
        terms: list[ScoreTerm] = []
        ok = True
        for index, entry in enumerate(value):
            line = value.line_of(index)
            if isinstance(entry, str):
                ids: tuple[str, ...] = (entry,)
                take_max = False
            elif isinstance(entry, LocatedDict) and set(entry) == {"max"} and isinstance(entry["max"], list):
                ids = tuple(str(item_id) for item_id in entry["max"])
                take_max = True
            else:
                self.problem(line, "each entry of 'sum' is an item id or {max: [item ids]}")
                ok = False
                continue
            for item_id in ids:
                ok = self.check_scored_item(item_id, by_id, line) and ok
            terms.append(ScoreTerm(item_ids=ids, take_max=take_max))
        return tuple(terms) if ok else None

    def check_scored_item(self, item_id: str, by_id: dict[str, Item], line: int) -> bool:
        item = by_id.get(item_id)
        if item is None:
            if item_id not in self.declared:
                self.problem(line, f"scoring names {item_id!r}, which is not an item of this form")
            return False
        if not item.options:
            return False  # the item's own problem (no options) is already reported
        if item.type not in CHOICE_TYPES or item.type is ItemType.MULTI_CHOICE:
            self.problem(line, f"scoring adds {item_id!r}, but only single-choice and yes/no items have a score")
            return False
        unscored = [option.code for option in item.options if option.score is None]
        if unscored:
            self.problem(
                line,
                f"scoring adds {item_id!r}, so every option of it needs a numeric score "
                f"(missing for: {', '.join(unscored)})",
            )
            return False
        return True

    def bands(self, raw: LocatedDict, low: int, high: int) -> tuple[Band, ...] | None:
        value = raw.get("bands")
        if not isinstance(value, LocatedList) or not value:
            self.problem(raw.line_of("bands"), "scoring needs 'bands' covering every possible total")
            return None
        bands: list[tuple[Band, int]] = []
        for index, entry in enumerate(value):
            line = value.line_of(index)
            if not isinstance(entry, LocatedDict):
                self.problem(line, "each band is {min, max, code, label}")
                continue
            self.unknown_keys(entry, BAND_KEYS, "a band")
            minimum, maximum, code = entry.get("min"), entry.get("max"), entry.get("code")
            if not isinstance(minimum, int) or not isinstance(maximum, int) or isinstance(minimum, bool):
                self.problem(line, "a band needs whole-number 'min' and 'max'")
                continue
            if minimum > maximum:
                self.problem(line, f"band {code!r}: min {minimum} is greater than max {maximum}")
                continue
            label = self.localized(entry, "label", f"the label of band {code!r}")
            if not isinstance(code, str) or label is None:
                if not isinstance(code, str):
                    self.problem(line, "a band needs a 'code' such as mild")
                continue
            bands.append((Band(minimum=minimum, maximum=maximum, code=code, label=label), line))
        if len(bands) != len(value):
            return None
        ok = True
        ordered = sorted(bands, key=lambda pair: pair[0].minimum)
        if ordered[0][0].minimum != low:
            self.problem(
                ordered[0][1],
                f"bands start at {ordered[0][0].minimum} but the lowest possible total is {low}",
            )
            ok = False
        if ordered[-1][0].maximum != high:
            self.problem(
                ordered[-1][1],
                f"bands end at {ordered[-1][0].maximum} but the highest possible total is {high}",
            )
            ok = False
        for (previous, _), (band, line) in pairwise(ordered):
            if band.minimum <= previous.maximum:
                self.problem(
                    line,
                    f"band {band.code!r} ({band.minimum}-{band.maximum}) overlaps band {previous.code!r}",
                )
                ok = False
            elif band.minimum > previous.maximum + 1:
                self.problem(
                    line,
                    f"bands leave a gap: no band holds totals {previous.maximum + 1}-{band.minimum - 1}",
                )
                ok = False
        return tuple(band for band, _ in ordered) if ok else None

    # --------------------------------------------------------------------------------------- flags

    def flags(self, document: LocatedDict, items: tuple[Item, ...], *, has_total: bool) -> tuple[FlagRule, ...]:
        value = document.get("flags")
        if value is None:
            return ()
        if not isinstance(value, LocatedList):
            self.problem(document.line_of("flags"), "'flags' must be a list")
            return ()
        names = {item.id for form_item in items for item in (form_item, *form_item.children)}
        if has_total:
            names.add("total")
        rules: list[FlagRule] = []
        seen: set[str] = set()
        for index, raw in enumerate(value):
            line = value.line_of(index)
            if not isinstance(raw, LocatedDict):
                self.problem(line, "each flag is {code, level, when, message}")
                continue
            self.unknown_keys(raw, FLAG_KEYS, "a flag")
            code = self.required_id(raw, "code", "a flag")
            if code is not None and code in seen:
                self.problem(raw.line_of("code"), f"flag code {code!r} is used twice")
            level_value = raw.get("level")
            try:
                level: FlagLevel | None = FlagLevel(str(level_value))
            except ValueError:
                self.problem(raw.line_of("level"), f"flag level {level_value!r} is not one of: urgent, hold, info")
                level = None
            where = f"flag {code!r}"
            condition = self.condition(raw.get("when"), raw.line_of("when"), where)
            if condition is not None:
                for name in condition.names:
                    if name in self.declared and name not in names:
                        condition = None  # that item's own problem is already reported
                        break
                    if name not in names:
                        self.problem(
                            raw.line_of("when"),
                            f"{where}: the condition names {name!r}, which is not an item of this form",
                        )
                        condition = None
                        break
            message = self.localized(raw, "message", f"the message of {where}")
            screen = raw.get("patient_screen")
            if screen is not None and screen not in PATIENT_SCREENS:
                self.problem(raw.line_of("patient_screen"), f"{where}: patient_screen {screen!r} is not one of: crisis")
            if code and level and condition and message:
                seen.add(code)
                rules.append(FlagRule(code=code, level=level, when=condition, message=message, patient_screen=screen))
        return tuple(rules)
