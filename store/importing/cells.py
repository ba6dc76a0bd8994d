"""Parsers for single CSV cells, usable as pydantic ``BeforeValidator`` metadata.

Every parser takes the stripped text of a non-empty cell and returns a typed value, or raises
:class:`CellError` carrying one message in Simplified Chinese (for the store owner) and one in
English (for developers). Empty cells never reach a parser: the reader drops them so that pydantic
applies the column's default, or reports a missing required value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BeforeValidator

#: Largest amount a ``Numeric(10, 2)`` column holds.
MAX_MONEY = Decimal("99999999.99")

#: Largest whole number an ``INTEGER`` column holds on PostgreSQL.
MAX_COUNT = 2**31 - 1

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", re.ASCII)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$", re.ASCII)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$", re.ASCII)
_MONEY = re.compile(r"^-?\d+(?:\.\d+)?$", re.ASCII)
_TRUE = {"1", "true", "t", "yes", "y", "是", "对", "√", "✓"}
_FALSE = {"0", "false", "f", "no", "n", "否", "不", "×", "✗"}


class CellError(ValueError):
    """A cell (or a combination of cells) whose value breaks the column rule.

    Attributes:
        zh: The reason in Simplified Chinese, shown to the store owner.
        en: The same reason in English.
        column: The canonical column the error belongs to when raised by a row-level check;
            ``None`` when pydantic already knows the field.
    """

    def __init__(self, zh: str, en: str, *, column: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.column = column


def shown(value: str, limit: int = 20) -> str:
    """A cell value quoted for an error message, cut to ``limit`` characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _only_str(parse: Callable[[str], Any], *, fold_width: bool = True) -> BeforeValidator:
    """Wrap ``parse`` so that only strings are parsed; defaults pass through untouched.

    With ``fold_width`` the cell is NFKC-normalised first, so full-width digits, letters and
    punctuation typed with a Chinese input method (``１３９``, ``：``) read as their ASCII forms.
    """

    def run(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return parse(unicodedata.normalize("NFKC", value).strip() if fold_width else value)

    return BeforeValidator(run)


def parse_code(value: str, max_len: int) -> str:
    """An identifier such as ``M9001``, ``P7001`` or ``S001``: letters, digits, ``. _ -``."""
    if len(value) > max_len:
        raise CellError(f"编号最长 {max_len} 个字符，实际 {len(value)} 个",
                        f"id is at most {max_len} characters, got {len(value)}")
    if not _CODE.match(value):
        raise CellError(f"编号只能包含字母、数字和 . _ -，实际为“{shown(value)}”",
                        f"id may hold only letters, digits and . _ -, got {value!r}")
    return value


def parse_text(value: str, max_len: int | None) -> str:
    """Free text, limited to the database column's length."""
    if max_len is not None and len(value) > max_len:
        raise CellError(f"最长 {max_len} 个字，实际 {len(value)} 个",
                        f"at most {max_len} characters, got {len(value)}")
    return value


def parse_phone(value: str) -> str:
    """A mainland China mobile number, normalised to 11 digits (spaces, dashes and +86 removed)."""
    digits = re.sub(r"[\s\-()]", "", value)
    if re.match(r"^\d(\.\d+)?[eE]\+?\d+$", digits):
        raise CellError("手机号被表格软件转成了科学计数法（如 1.39E+10），请把该列设为文本后重新导出",
                        "phone was turned into scientific notation by a spreadsheet; export it as text")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.match(digits):
        kind = f"实际为 {len(digits)} 位数字" if digits.isdigit() else "实际含有非数字字符"
        kind_en = f"{len(digits)} digits" if digits.isdigit() else "non-digit characters"
        raise CellError(f"手机号须为 11 位中国大陆手机号（1 开头，第二位 3–9），{kind}",
                        f"phone must be an 11-digit mainland mobile number (1[3-9]…), got {kind_en}")
    return digits


def parse_money(value: str) -> Decimal:
    """An amount in yuan: ``>= 0``, at most two decimals; a leading ``¥``/``￥`` is allowed."""
    text = value.lstrip("¥￥").strip()
    if not _MONEY.match(text):
        raise CellError(f"金额须为数字（如 19.90），实际为“{shown(value)}”",
                        f"amount must be a number such as 19.90, got {value!r}")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise CellError("金额无法识别", f"unreadable amount {value!r}") from exc
    if amount < 0:
        raise CellError(f"金额不能为负数，实际为 {text}", f"amount must be >= 0, got {text}")
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(f"金额最多两位小数，实际为 {text}",
                        f"amount has at most 2 decimals, got {text}")
    if amount > MAX_MONEY:
        raise CellError(f"金额过大（上限 {MAX_MONEY}），实际为 {text}",
                        f"amount exceeds {MAX_MONEY}, got {text}")
    return amount.quantize(Decimal("0.01"))


def parse_count(value: str, minimum: int) -> int:
    """A whole number ``>= minimum`` (``12.0`` from a spreadsheet is read as 12)."""
    if not _INT.match(value):
        raise CellError(f"须为整数，实际为“{shown(value)}”",
                        f"must be a whole number, got {value!r}")
    number = int(Decimal(value))
    if number < minimum:
        raise CellError(f"须为不小于 {minimum} 的整数，实际为 {number}",
                        f"must be a whole number >= {minimum}, got {number}")
    if number > MAX_COUNT:
        raise CellError(f"数值过大（上限 {MAX_COUNT}），实际为 {number}",
                        f"must be at most {MAX_COUNT}, got {number}")
    return number


def parse_day(value: str) -> date:
    """A date written ``YYYY-MM-DD`` or ``YYYY/MM/DD`` (one-digit month and day allowed)."""
    match = _DAY.match(value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(f"日期格式须为 YYYY-MM-DD 或 YYYY/MM/DD 且为有效日期，实际为“{shown(value)}”",
                    f"date must be a valid YYYY-MM-DD or YYYY/MM/DD, got {value!r}")


def parse_timestamp(value: str) -> datetime:
    """A date, optionally followed by a time ``HH:MM`` or ``HH:MM:SS`` (space or ``T`` between)."""
    day_part, _, time_part = value.replace("T", " ", 1).partition(" ")
    time_part = time_part.strip()
    day_match = _DAY.match(day_part)
    time_match = _TIME.match(time_part) if time_part else None
    if day_match and (time_match or not time_part):
        hms = (int(time_match[1]), int(time_match[2]), int(time_match[3] or 0)) if time_match else (0, 0, 0)
        try:
            return datetime(int(day_match[1]), int(day_match[2]), int(day_match[3]), *hms)
        except ValueError:
            pass
    raise CellError(
        f"时间格式须为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]（也可用 /），实际为“{shown(value)}”",
        f"time must be YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (or with /), got {value!r}")


def parse_flag(value: str) -> bool:
    """Yes/no: ``是/否``, ``1/0``, ``true/false``, ``yes/no``, ``y/n``."""
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"须填 是/否（或 1/0、true/false），实际为“{shown(value)}”",
                    f"must be yes/no (是/否, 1/0, true/false), got {value!r}")


def parse_choice(value: str, options: Mapping[str, str]) -> str:
    """One of ``options`` (canonical value → Chinese label); either form is accepted."""
    key = value.strip()
    for canonical, label in options.items():
        if key.lower() == canonical.lower() or key == label:
            return canonical
    allowed = "、".join(f"{label}（{canonical}）" for canonical, label in options.items())
    allowed_en = ", ".join(options)
    raise CellError(f"可选值为 {allowed}，实际为“{shown(value)}”",
                    f"must be one of {allowed_en} (or the Chinese label), got {value!r}")


def identifier(max_len: int) -> BeforeValidator:
    """Validator metadata for an identifier column."""
    return _only_str(lambda v: parse_code(v, max_len))


def text(max_len: int | None = None) -> BeforeValidator:
    """Validator metadata for a free-text column."""
    return _only_str(lambda v: parse_text(v, max_len), fold_width=False)


def count(minimum: int = 0) -> BeforeValidator:
    """Validator metadata for a whole-number column with a lower bound."""
    return _only_str(lambda v: parse_count(v, minimum))


def choice(options: Mapping[str, str]) -> BeforeValidator:
    """Validator metadata for a closed set of values with Chinese labels."""
    return _only_str(lambda v: parse_choice(v, options))


PHONE = _only_str(parse_phone)
MONEY = _only_str(parse_money)
DAY = _only_str(parse_day)
TIMESTAMP = _only_str(parse_timestamp)
FLAG = _only_str(parse_flag)
