"""A form of forms/ as a FHIR R4 Questionnaire, and the pieces a QuestionnaireResponse shares with it.

Pure mapping (no database, no files): the export service and the `kiosk export fhir --questionnaires`
command call it, so the codes, systems and link ids that a QuestionnaireResponse points at are decided
here once. Conditions of the form's small language are turned into `enableWhen` where FHIR can say the
same thing exactly; the ones it cannot are left out and listed in `QuestionnaireExport.omitted`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kiosk.domain.conditions import BoolOp, Call, Compare, Condition, InList, Name, Node, Number, Text
from kiosk.domain.forms import YES_NO_OPTIONS, Form, FormKind, Item, ItemType, Localized, Option

CANONICAL_BASE = "http://intake-kiosk.local/fhir"
"""Base of the kiosk's canonical URLs. A canonical URL names a definition; nothing is served there."""

LOINC = "http://loinc.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class QuestionnaireExport:
    """A Questionnaire resource and the item conditions it could not express as enableWhen."""

    resource: JsonObject
    omitted: tuple[str, ...]


def canonical_url(form: Form) -> str:
    return f"{CANONICAL_BASE}/Questionnaire/{form.id}"


def canonical_reference(form: Form) -> str:
    """The `url|version` a QuestionnaireResponse names its Questionnaire by."""
    return f"{canonical_url(form)}|{form.version}"


def local_code_system(form: Form) -> str:
    """The code system of a form's own answer codes (yes, no, unsure...) that are not LOINC codes."""
    return f"{CANONICAL_BASE}/CodeSystem/{form.id}"


def is_loinc(form: Form, code: str) -> bool:
    """LOINC answer codes are LA####-#; a form coded in LOINC may still have its own words (`unsure`)."""
    return form.codes.get("system", "").upper() == "LOINC" and code.startswith("LA") and "-" in code


def option_coding(form: Form, option: Option, language: str = "en") -> JsonObject:
    """The valueCoding of an option: LOINC when the form has a LOINC answer code, else the form's system."""
    system = LOINC if is_loinc(form, option.code) else local_code_system(form)
    return {"system": system, "code": option.code, "display": _text(option.label, language)}


def item_options(item: Item) -> tuple[Option, ...]:
    return YES_NO_OPTIONS if item.type is ItemType.YES_NO else item.options


def _text(texts: Localized, language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def _translations(texts: Localized | None, base_language: str) -> JsonObject | None:
    """The `_text`-style element carrying every other language with the translation extension."""
    if not texts:
        return None
    extensions = [
        {
            "url": TRANSLATION,
            "extension": [{"url": "lang", "valueCode": language}, {"url": "content", "valueString": text}],
        }
        for language, text in sorted(texts.items())
        if language != base_language
    ]
    return {"extension": extensions} if extensions else None


def _localized(target: JsonObject, key: str, texts: Localized | None, base: str) -> None:
    if not texts:
        return
    target[key] = _text(texts, base)
    translated = _translations(texts, base)
    if translated is not None:
        target[f"_{key}"] = translated


_FHIR_TYPES = {
    ItemType.SINGLE_CHOICE: "choice",
    ItemType.MULTI_CHOICE: "choice",
    ItemType.YES_NO: "choice",
    ItemType.NUMBER: "decimal",
    ItemType.DATE: "date",
    ItemType.PHONE: "string",
    ItemType.DISPLAY: "display",
    ItemType.GROUP: "group",
    ItemType.BLOOD_PRESSURE: "string",
    ItemType.HEART_RATE: "integer",
    ItemType.SPO2: "integer",
    ItemType.TIME: "time",
    ItemType.QUANTITY: "decimal",
}


def fhir_item_type(item: Item) -> str:
    if item.type is ItemType.TEXT:
        return "string" if item.max_length <= 255 else "text"
    return _FHIR_TYPES[item.type]


# ---------------------------------------------------------------------------------------------- conditions


class _NotExpressibleError(Exception):
    """A condition (or part of one) that enableWhen cannot state exactly."""


def _codes_where(item: Item, operator: str, literal: Number | Text) -> list[str]:
    """The option codes of a choice item for which `item OPERATOR literal` holds."""
    options = item_options(item)
    if isinstance(literal, Text):
        if operator == "==":
            return [option.code for option in options if option.code == literal.value]
        if operator == "!=":
            return [option.code for option in options if option.code != literal.value]
        raise _NotExpressibleError
    checks = {
        "==": lambda s: s == literal.value,
        "!=": lambda s: s != literal.value,
        "<": lambda s: s < literal.value,
        "<=": lambda s: s <= literal.value,
        ">": lambda s: s > literal.value,
        ">=": lambda s: s >= literal.value,
    }
    return [option.code for option in options if option.score is not None and checks[operator](option.score)]


def _atoms(form: Form, node: Node) -> tuple[list[JsonObject], str]:
    """enableWhen entries and how they combine ("any"/"all") for a condition FHIR can state exactly.

    A comparison of an answered choice item is true exactly when one of the option codes that satisfy it is
    chosen, so `q9 > 0` is "q9 = any option scoring above 0"; `max(a, b) > 0` is the same over several items
    (unanswered items are ignored by max and are false in FHIR, as in the kiosk). `!=` is turned into the
    list of the other codes, because FHIR's `!=` is true for an unanswered question and the kiosk's is not.
    """
    if isinstance(node, Compare) and isinstance(node.left, Name | Call) and isinstance(node.right, Number | Text):
        names = _compared_names(node.left, node.operator)
        return _coded(form, names, node.operator, node.right), "any"
    if isinstance(node, InList) and isinstance(node.left, Name):
        entries: list[JsonObject] = []
        for choice in node.choices:
            entries.extend(_coded(form, [node.left.name], "==", choice))
        return entries, "any"
    if isinstance(node, Call) and node.function == "answered":
        return [
            {"question": _item(form, node.arguments[0].name).id, "operator": "exists", "answerBoolean": True}
        ], "any"
    if isinstance(node, Call) and node.function == "has":
        item = _item(form, node.arguments[0].name)
        option = item.option(node.extra[0].value)
        if option is None:
            raise _NotExpressibleError
        return [{"question": item.id, "operator": "=", "answerCoding": _bare(form, option)}], "any"
    if isinstance(node, BoolOp):
        parts = [_atoms(form, operand) for operand in node.operands]
        wanted = "any" if node.operator == "or" else "all"
        combined: list[JsonObject] = []
        for entries, behaviour in parts:
            if len(entries) > 1 and behaviour != wanted:
                raise _NotExpressibleError
            combined.extend(entries)
        return combined, wanted
    raise _NotExpressibleError


def _compared_names(left: Name | Call, operator: str) -> list[str]:
    if isinstance(left, Name):
        return [left.name]
    # max(...) > n holds when any item is above n; min(...) < n when any is below. Others are not a plain "any".
    if (left.function == "max" and operator in (">", ">=")) or (left.function == "min" and operator in ("<", "<=")):
        return [name.name for name in left.arguments]
    raise _NotExpressibleError


def _item(form: Form, name: str) -> Item:
    item = form.find_item(name)
    if item is None:
        raise _NotExpressibleError
    return item


def _bare(form: Form, option: Option) -> JsonObject:
    coding = option_coding(form, option)
    return {"system": coding["system"], "code": coding["code"]}


def _coded(form: Form, names: Iterable[str], operator: str, literal: Number | Text) -> list[JsonObject]:
    entries: list[JsonObject] = []
    for name in names:
        item = _item(form, name)
        if item.type not in (ItemType.SINGLE_CHOICE, ItemType.YES_NO, ItemType.MULTI_CHOICE):
            if item.type is ItemType.NUMBER and isinstance(literal, Number) and operator != "!=":
                fhir_operator = "=" if operator == "==" else operator
                entries.append({"question": item.id, "operator": fhir_operator, "answerDecimal": literal.value})
                continue
            raise _NotExpressibleError
        for code in _codes_where(item, operator, literal):
            option = item.option(code) or next(o for o in item_options(item) if o.code == code)
            entries.append({"question": item.id, "operator": "=", "answerCoding": _bare(form, option)})
    if not entries:
        raise _NotExpressibleError
    return entries


def enable_when(form: Form, condition: Condition) -> tuple[list[JsonObject], str] | None:
    """enableWhen entries and enableBehavior for a condition, or None when FHIR cannot state it exactly."""
    try:
        return _atoms(form, condition.tree)
    except _NotExpressibleError:
        return None


# ---------------------------------------------------------------------------------------------- items


def _item_resource(form: Form, item: Item, base: str, omitted: list[str]) -> JsonObject:
    resource: JsonObject = {"linkId": item.id, "type": fhir_item_type(item)}
    if item.code:
        system = LOINC if form.codes.get("system", "").upper() == "LOINC" else local_code_system(form)
        resource["code"] = [{"system": system, "code": item.code}]
    _localized(resource, "text", item.text, base)
    if item.is_answered_type:
        resource["required"] = item.required
    if item.type is ItemType.MULTI_CHOICE:
        resource["repeats"] = True
    if item.type is ItemType.TEXT:
        resource["maxLength"] = item.max_length
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE, ItemType.YES_NO):
        resource["answerOption"] = [_answer_option(form, option, base) for option in item_options(item)]
    if item.when is not None:
        expressed = enable_when(form, item.when)
        if expressed is None:
            omitted.append(f"{form.id}.{item.id}: {item.when.source}")
        else:
            entries, behaviour = expressed
            resource["enableWhen"] = entries
            if len(entries) > 1:
                resource["enableBehavior"] = behaviour
    if item.children:
        resource["item"] = [_item_resource(form, child, base, omitted) for child in item.children]
    return resource


def _answer_option(form: Form, option: Option, base: str) -> JsonObject:
    coding = option_coding(form, option, base)
    translated = _translations(option.label, base)
    if translated is not None:
        coding["_display"] = translated
    if option.score is not None:
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]
    return {"valueCoding": coding}


def _name(form: Form) -> str:
    """A computer-friendly name: the id in PascalCase (FHIR's name rule is [A-Z][A-Za-z0-9_]*)."""
    return "".join(part[:1].upper() + part[1:] for part in form.id.replace("-", "_").split("_") if part)


def questionnaire(form: Form) -> QuestionnaireExport:
    """The Questionnaire for `form`, in its first language with the others as translations."""
    base = form.languages[0] if form.languages else "en"
    omitted: list[str] = []
    resource: JsonObject = {
        "resourceType": "Questionnaire",
        "id": form.id,
        "language": base,
        "url": canonical_url(form),
        "version": str(form.version),
        "name": _name(form),
        "status": "active",
        "subjectType": ["Patient"],
    }
    _localized(resource, "title", form.title, base)
    if form.instructions:
        _localized(resource, "description", form.instructions, base)
    if form.copyright:
        _localized(resource, "copyright", form.copyright, base)
    panel = form.codes.get("panel")
    if panel:
        system = LOINC if form.codes.get("system", "").upper() == "LOINC" else local_code_system(form)
        resource["code"] = [{"system": system, "code": panel, "display": _text(form.title, base)}]
    items = [_item_resource(form, item, base, omitted) for item in form.items]
    if form.kind is FormKind.CONSENT and form.body:
        body: JsonObject = {"linkId": "body", "type": "display"}
        _localized(body, "text", form.body, base)
        items.append(body)
    if items:
        resource["item"] = items
    return QuestionnaireExport(resource=resource, omitted=tuple(omitted))
