"""Masking of phone numbers and names."""

from __future__ import annotations

import pytest

from store.masking import mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13800001234", "138****1234"),
        ("+8613800001234", "138****1234"),
        ("+86 138 0000 1234", "138****1234"),
        ("0086-138-0000-1234", "138****1234"),
        ("8613800001234", "138****1234"),
        (" 13800001234 ", "138****1234"),
        ("0571-88886666", "057*****6666"),
        ("12345", "***45"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(raw: str | None, masked: str) -> None:
    assert mask_phone(raw) == masked


def test_mask_phone_never_reveals_the_middle_digits() -> None:
    for raw in ("13899990000", "+86 138 9999 0000", "138-9999-0000"):
        masked = mask_phone(raw)
        assert "9" not in masked
        assert masked.count("*") == 4


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张婷", "张*"),
        ("李秀英", "李**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳", "欧*"),
        ("张", "*"),
        (" 王建华 ", "王**"),
        ("Tom", "T**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(raw: str | None, masked: str) -> None:
    assert mask_name(raw) == masked
