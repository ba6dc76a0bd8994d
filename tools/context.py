"""Who is asking, and the handles a tool needs: built once per turn, passed to every tool.

The identity comes from the channel (a WeCom user id, a WeChat contact, the CLI flags) and is never
taken from model-supplied arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.models import Member, Staff, Store
from tools.errors import ToolError

Role = Literal["owner", "clerk", "shopper"]
ROLES: tuple[Role, ...] = ("owner", "clerk", "shopper")
ROLE_LABELS = {"owner": "店主", "clerk": "店员", "shopper": "顾客"}


@dataclass(frozen=True)
class Identity:
    """The caller: a role, the store they act in, and who they are."""

    role: Role
    store_id: str
    member_id: str | None = None  #: shoppers
    staff_id: str | None = None  #: owners and clerks
    channel: str = "cli"  #: cli | web | wecom | wechat | api
    owned_stores: frozenset[str] = field(default_factory=frozenset)  #: owners: every store they own

    def may_see_store(self, store_id: str) -> bool:
        """Owners see the stores they own; everyone else only their own store."""
        if self.role == "owner":
            return store_id in self.owned_stores
        return store_id == self.store_id


@dataclass
class ToolContext:
    """Everything a tool call may use, built once per turn by the agent."""

    identity: Identity
    sessions: sessionmaker[Session]
    now: datetime
    knowledge: Any = None  #: the knowledge-base searcher, when one is configured
    weather: Any = None  #: a store.forecast weather provider; default: the database's weather


def resolve_identity(session: Session, *, role: str, store_id: str | None = None,
                     member_id: str | None = None, staff_id: str | None = None,
                     channel: str = "cli") -> Identity:
    """Check who the caller claims to be against the database and fill in defaults.

    A shopper's store defaults to their member's home store; a staff member's to their own store.
    Without ``--staff``, an owner is the owner of ``store_id`` (default S001) and a clerk the
    first clerk of it — the convenient default of the demo.

    Raises:
        ToolError: unknown role, member, staff or store, or a mismatch between them.
    """
    if role not in ROLES:
        raise ToolError(f"不认识的角色：{role}（可选 owner、clerk、shopper）", f"unknown role {role!r}")
    if role == "shopper":
        if not member_id:
            raise ToolError("顾客身份需要会员编号（--member）", "a shopper needs a member id")
        member = session.get(Member, member_id)
        if member is None:
            raise ToolError(f"没有找到会员 {member_id}", f"unknown member {member_id}")
        return Identity("shopper", store_id or member.store_id, member_id=member.id, channel=channel)
    staff = session.get(Staff, staff_id) if staff_id else None
    if staff_id and staff is None:
        raise ToolError(f"没有找到员工 {staff_id}", f"unknown staff {staff_id}")
    if staff is None:
        target = store_id or "S001"
        if session.get(Store, target) is None:
            raise ToolError(f"没有找到门店 {target}", f"unknown store {target}")
        if role == "owner":
            owner_id = session.scalar(select(Store.owner_id).where(Store.id == target))
            staff = session.get(Staff, owner_id) if owner_id else None
        else:
            staff = session.scalars(select(Staff).where(Staff.store_id == target, Staff.role == "clerk")
                                    .order_by(Staff.id)).first()
        if staff is None:
            raise ToolError(f"门店 {target} 没有{ROLE_LABELS[role]}", f"store {target} has no {role}")
    if staff.role != role:
        raise ToolError(f"员工 {staff.id} 的角色是{ROLE_LABELS[staff.role]}，不是{ROLE_LABELS[role]}",
                        f"staff {staff.id} is a {staff.role}, not a {role}")
    owned = frozenset(session.scalars(select(Store.id).where(Store.owner_id == staff.id))) \
        if role == "owner" else frozenset()
    home = store_id or staff.store_id
    if role == "owner" and home not in owned:
        raise ToolError(f"{staff.name} 不是门店 {home} 的店主", f"{staff.id} does not own {home}")
    if role == "clerk" and home != staff.store_id:
        raise ToolError(f"{staff.name} 不在门店 {home} 工作", f"{staff.id} does not work at {home}")
    return Identity(role, home, staff_id=staff.id, channel=channel, owned_stores=owned)  # type: ignore[arg-type]
