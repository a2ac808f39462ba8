"""The small condition language of forms (`when:` of items and flags), parsed once and evaluated safely.

Forms are written by clinic staff, so conditions are parsed by a tiny recursive-descent parser into a tree
of frozen nodes; nothing is ever passed to Python's eval. The grammar is documented in forms/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ItemValue:
    """An answered item as conditions see it: its score or number (compared with numbers), its code or
    text (compared with quoted strings), and for a multi-choice answer the chosen codes."""

    number: float | None
    text: str | None
    codes: frozenset[str] = frozenset()


Lookup = Callable[[str], ItemValue | None]


class ConditionError(ValueError):
    """A condition that cannot be parsed; `column` is 1-based within the condition text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


# ---------------------------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"[^"]*"|'[^']*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, string, op, name, end
    text: str
    column: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            bad = source[position:].lstrip()
            column = len(source) - len(bad) + 1
            raise ConditionError(f"unexpected character {bad[0]!r}", column)
        kind = match.lastgroup or ""
        text = match.group(kind)
        tokens.append(_Token(kind, text, match.start(kind) + 1))
        position = match.end()
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


# ---------------------------------------------------------------------------------------------- tree


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    arguments: tuple[Name, ...]
    extra: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class Compare:
    left: Operand
    operator: str
    right: Operand


@dataclass(frozen=True, slots=True)
class InList:
    left: Operand
    choices: tuple[Number | Text, ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class BoolOp:
    operator: str  # "and" | "or"
    operands: tuple[Node, ...]


Operand = Number | Text | Name | Call
Node = Compare | InList | Not | BoolOp | Call

AGGREGATES = frozenset({"max", "min", "sum", "count"})
PREDICATES = frozenset({"answered", "has"})
KEYWORDS = frozenset({"and", "or", "not", "in"})


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: its source text, its tree, and every item name it mentions."""

    source: str
    tree: Node
    names: tuple[str, ...]

    def evaluate(self, lookup: Lookup) -> bool:
        return _truth(self.tree, lookup)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.names: list[str] = []

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> _Token:
        token = self.current
        if token.text != text:
            found = token.text or "the end"
            raise ConditionError(f"expected {text!r} but found {found!r}", token.column)
        return self.take()

    def parse(self) -> Node:
        node = self.or_expression()
        if self.current.kind != "end":
            raise ConditionError(f"unexpected {self.current.text!r}", self.current.column)
        return node

    def or_expression(self) -> Node:
        operands = [self.and_expression()]
        while self.current.kind == "name" and self.current.text == "or":
            self.take()
            operands.append(self.and_expression())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def and_expression(self) -> Node:
        operands = [self.not_expression()]
        while self.current.kind == "name" and self.current.text == "and":
            self.take()
            operands.append(self.not_expression())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def not_expression(self) -> Node:
        if self.current.kind == "name" and self.current.text == "not":
            self.take()
            return Not(self.not_expression())
        if self.current.text == "(":
            self.take()
            node = self.or_expression()
            self.expect(")")
            return node
        return self.comparison()

    def comparison(self) -> Node:
        start = self.current
        left = self.operand()
        token = self.current
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Compare(left, token.text, self.operand())
        if token.kind == "name" and token.text == "in":
            self.take()
            return InList(left, self.literal_list())
        if isinstance(left, Call) and left.function in PREDICATES:
            return left
        raise ConditionError("a comparison such as `q9 > 0` is needed here", start.column)

    def literal_list(self) -> tuple[Number | Text, ...]:
        self.expect("[")
        items: list[Number | Text] = []
        while True:
            literal = self.operand()
            if not isinstance(literal, Number | Text):
                raise ConditionError("a list may hold only numbers and quoted codes", self.current.column)
            items.append(literal)
            if self.current.text == ",":
                self.take()
                continue
            self.expect("]")
            return tuple(items)

    def operand(self) -> Operand:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text))
        if token.kind == "string":
            return Text(token.text[1:-1])
        if token.kind == "name" and token.text not in KEYWORDS:
            if self.current.text == "(":
                return self.call(token)
            self.names.append(token.text)
            return Name(token.text, token.column)
        found = token.text or "the end"
        raise ConditionError(f"expected an item name, a number or a quoted code but found {found!r}", token.column)

    def call(self, function: _Token) -> Call:
        if function.text not in AGGREGATES | PREDICATES:
            known = ", ".join(sorted(AGGREGATES | PREDICATES))
            raise ConditionError(f"unknown function {function.text!r} (known: {known})", function.column)
        self.expect("(")
        names: list[Name] = []
        extra: list[Text] = []
        while True:
            token = self.take()
            if token.kind == "name" and token.text not in KEYWORDS:
                names.append(Name(token.text, token.column))
                self.names.append(token.text)
            elif token.kind == "string" and function.text == "has" and names:
                extra.append(Text(token.text[1:-1]))
            else:
                raise ConditionError(f"{function.text}() takes item names", token.column)
            if self.current.text == ",":
                self.take()
                continue
            self.expect(")")
            break
        if function.text == "answered" and len(names) != 1:
            raise ConditionError("answered() takes exactly one item name", function.column)
        if function.text == "has" and (len(names) != 1 or len(extra) != 1):
            raise ConditionError('has() takes an item name and a quoted code: has(x, "code")', function.column)
        return Call(function.text, tuple(names), tuple(extra))


def parse_condition(source: str) -> Condition:
    """Parse `source` or raise ConditionError saying what is wrong and where."""
    if not source.strip():
        raise ConditionError("the condition is empty", 1)
    parser = _Parser(source)
    tree = parser.parse()
    return Condition(source=source, tree=tree, names=tuple(dict.fromkeys(parser.names)))


# ---------------------------------------------------------------------------------------------- evaluation

_Resolved = float | str | None


def _resolve(operand: Operand, lookup: Lookup, *, want_text: bool) -> _Resolved:
    if isinstance(operand, Number):
        return operand.value
    if isinstance(operand, Text):
        return operand.value
    if isinstance(operand, Name):
        value = lookup(operand.name)
        if value is None:
            return None
        return value.text if want_text else value.number
    return _aggregate(operand, lookup)


def _aggregate(call: Call, lookup: Lookup) -> float | None:
    values = [lookup(name.name) for name in call.arguments]
    if call.function == "count":
        return float(sum(1 for value in values if value is not None))
    numbers = [value.number for value in values if value is not None and value.number is not None]
    if not numbers:
        return None
    if call.function == "max":
        return max(numbers)
    if call.function == "min":
        return min(numbers)
    return float(sum(numbers))


def _compare(left: _Resolved, operator: str, right: _Resolved) -> bool:
    if left is None or right is None:
        return False
    if isinstance(left, str) != isinstance(right, str):
        return False
    comparisons: Mapping[str, Callable[[_Resolved, _Resolved], bool]] = {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,  # type: ignore[operator]
        "<=": lambda a, b: a <= b,  # type: ignore[operator]
        ">": lambda a, b: a > b,  # type: ignore[operator]
        ">=": lambda a, b: a >= b,  # type: ignore[operator]
    }
    return comparisons[operator](left, right)


def _truth(node: Node, lookup: Lookup) -> bool:
    if isinstance(node, BoolOp):
        results = (_truth(operand, lookup) for operand in node.operands)
        return all(results) if node.operator == "and" else any(results)
    if isinstance(node, Not):
        return not _truth(node.operand, lookup)
    if isinstance(node, Compare):
        text_side = isinstance(node.left, Text) or isinstance(node.right, Text)
        left = _resolve(node.left, lookup, want_text=text_side)
        right = _resolve(node.right, lookup, want_text=text_side)
        return _compare(left, node.operator, right)
    if isinstance(node, InList):
        text_side = any(isinstance(choice, Text) for choice in node.choices)
        left = _resolve(node.left, lookup, want_text=text_side)
        return left is not None and any(left == choice.value for choice in node.choices)
    if node.function == "answered":
        return lookup(node.arguments[0].name) is not None
    if node.function == "has":
        value = lookup(node.arguments[0].name)
        return value is not None and node.extra[0].value in value.codes
    return bool(_aggregate(node, lookup))
