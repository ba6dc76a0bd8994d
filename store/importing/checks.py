"""File-wide and database checks of members, products and inventory rows (run after row rules)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.importing.columns import InventoryRow, MemberRow, ProductRow
from store.importing.validation import Batch, check_exists, check_unique, chunks, existing
from store.masking import mask_phone
from store.models import Member, Product, Store, Supplier


def effective_code(row: MemberRow, *, code_column: bool, is_new: bool) -> str | None:
    """The card code a member row will have after the import; ``None`` when left unchanged.

    An empty or absent code means "the member id" for a new member, and for an existing one too
    when the file has a code column (the file is the truth for the columns it has).
    """
    if row.code:
        return row.code
    return row.member_id if (code_column or is_new) else None


def _owners(session: Session, column: str, values: list[str]) -> dict[str, str]:
    """Value of ``members.<column>`` -> member id, for the given values."""
    attribute = getattr(Member, column)
    owners: dict[str, str] = {}
    for part in chunks(values):
        query = select(attribute, Member.id).where(attribute.in_(part))
        owners.update((value, member_id) for value, member_id in session.execute(query))
    return owners


def check_members(session: Session, batch: Batch[MemberRow]) -> None:
    """Duplicates in the file, unknown stores, and phones or card codes of other members.

    A row repeating an earlier member id is reported once, as a duplicate id.
    """
    check_unique(batch, lambda r: r.member_id, "member_id", "会员编号", "member_id")
    check_exists(session, batch, "store_id", Store.id, "门店", "store_id")
    seen_ids: set[str] = set()
    rows = []  # rows with a first-seen member id
    for line, row in batch.rows:
        if row.member_id not in seen_ids:
            seen_ids.add(row.member_id)
            rows.append((line, row))
    known = existing(session, Member.id, seen_ids)
    code_column = "code" in batch.headers
    codes = {line: effective_code(row, code_column=code_column, is_new=row.member_id not in known)
             for line, row in rows}
    phone_owner = _owners(session, "phone", [r.phone for _, r in rows])
    code_owner = _owners(session, "code", [c for c in codes.values() if c])
    first_phone: dict[str, int] = {}
    first_code: dict[str, int] = {}
    for line, row in rows:
        code = codes[line]
        code_col = "code" if row.code else "member_id"
        if row.phone in first_phone:
            batch.error(line, "phone", f"手机号重复，与第 {first_phone[row.phone]} 行相同",
                        f"duplicate phone, same as line {first_phone[row.phone]}")
        first_phone.setdefault(row.phone, line)
        if code is not None and code in first_code:
            batch.error(line, code_col, f"会员卡号 {code} 重复，与第 {first_code[code]} 行相同",
                        f"duplicate member card code {code!r}, same as line {first_code[code]}")
        if code is not None:
            first_code.setdefault(code, line)
        owner = phone_owner.get(row.phone)
        if owner is not None and owner != row.member_id:
            batch.error(line, "phone", f"手机号 {mask_phone(row.phone)} 已属于会员 {owner}，"
                        "同一手机号只能对应一个会员",
                        f"phone {mask_phone(row.phone)} already belongs to member {owner}")
        owner = code_owner.get(code) if code else None
        if owner is not None and owner != row.member_id:
            batch.error(line, code_col, f"会员卡号 {code} 已属于会员 {owner}",
                        f"member card code {code!r} already belongs to member {owner}")


def check_products(session: Session, batch: Batch[ProductRow]) -> None:
    """Duplicate SKUs in the file and unknown suppliers (suppliers are not imported)."""
    check_unique(batch, lambda r: r.sku, "sku", "商品编码", "sku")
    check_exists(session, batch, "supplier_id", Supplier.id, "供应商", "supplier_id",
                 hint_zh="（本导入不会新建供应商，请先在系统中添加）")


def check_inventory(session: Session, batch: Batch[InventoryRow]) -> None:
    """Duplicate (store, SKU) pairs and unknown stores or SKUs."""
    check_unique(batch, lambda r: (r.store_id, r.sku), "sku", "同一门店的商品编码",
                 "(store_id, sku)")
    check_exists(session, batch, "store_id", Store.id, "门店", "store_id")
    check_exists(session, batch, "sku", Product.sku, "商品", "sku",
                 hint_zh="（请先导入商品）")
