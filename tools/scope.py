"""Scope checks shared by the tools: which store a caller may act on, which member they may see."""

from __future__ import annotations

from sqlalchemy.orm import Session

from store.models import Member
from tools.context import Identity
from tools.errors import ToolDenied, ToolError

LEVEL_LABELS = {"regular": "普通会员", "silver": "银卡", "gold": "金卡"}


def target_store(identity: Identity, store_id: str | None) -> str:
    """The store a call acts on: the caller's own unless an owner names another store they own."""
    if not store_id or store_id == identity.store_id:
        return identity.store_id
    if identity.may_see_store(store_id):
        return store_id
    raise ToolDenied(f"无权查看门店 {store_id} 的数据", f"{identity.role} may not see store {store_id}")


def visible_member(session: Session, identity: Identity, member_id: str) -> Member:
    """A member the caller may see: staff see members of their store(s); shoppers only themselves."""
    member = session.get(Member, member_id)
    if identity.role == "shopper":
        if member is None or member.id != identity.member_id:
            raise ToolDenied("只能查询您本人的会员信息", "shoppers may only see themselves")
        return member
    if member is None or not identity.may_see_store(member.store_id):
        raise ToolError(f"本店没有找到会员 {member_id}", f"member {member_id} not in caller's stores")
    return member
