"""Masking of personal data for replies, logs and model prompts (手机号、姓名脱敏)."""

from __future__ import annotations

import re

#: Two-character surnames kept whole, so 欧阳娜娜 reads 欧阳** rather than 欧***.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "尉迟", "公孙",
    "夏侯", "长孙", "宇文", "司徒", "端木", "轩辕", "澹台", "南宫", "西门", "独孤",
})

_SEPARATORS = re.compile(r"[\s\-()（）]+")


def _national_number(phone: str) -> str:
    """Drop separators and a Chinese country prefix (+86, 0086, 86 before 11 digits)."""
    compact = _SEPARATORS.sub("", phone)
    if compact.startswith("+86"):
        return compact[3:]
    if compact.startswith("0086"):
        return compact[4:]
    if compact.startswith("86") and len(compact) == 13 and compact.isdigit():
        return compact[2:]
    return compact


def mask_phone(phone: str | None) -> str:
    """Mask a phone number as ``138****1234``; never returns more than the usual 7 digits.

    Spaces, dashes and a ``+86``/``0086`` prefix are removed first, so ``+86 138 0000 1234``
    also gives ``138****1234``. Numbers of 8 digits or more keep the first 3 and last 4; shorter
    strings keep only their last 2 characters (3–7 characters) or nothing at all (1–2).

    Args:
        phone: the stored number, or ``None``.

    Returns:
        The masked form, or ``""`` when there is no number.
    """
    if not phone:
        return ""
    number = _national_number(phone.strip())
    n = len(number)
    if n >= 8:
        return number[:3] + "*" * (n - 7) + number[-4:]
    if n >= 3:
        return "*" * (n - 2) + number[-2:]
    return "*" * n


def mask_name(name: str | None) -> str:
    """Mask a person's name, keeping the surname: ``张婷`` → ``张*``, ``李秀英`` → ``李**``.

    Two-character surnames such as 欧阳 are kept whole when the name is longer than them. A
    one-character name becomes ``*``. Other scripts keep their first character (``Tom`` → ``T**``).

    Args:
        name: the full name, or ``None``.

    Returns:
        The masked name, or ``""`` when there is no name.
    """
    if not name:
        return ""
    clean = name.strip()
    if len(clean) <= 1:
        return "*" * len(clean)
    keep = 2 if clean[:2] in COMPOUND_SURNAMES and len(clean) > 2 else 1
    return clean[:keep] + "*" * (len(clean) - keep)


_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def mask_phones_in_text(text: str) -> str:
    """Mask every mainland mobile number inside free text (replies, logs, echoed queries)."""
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
