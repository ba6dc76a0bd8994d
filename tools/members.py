"""Member tools: lookup at the counter (staff), the shopper's own profile, segments (owners).

Every result masks phone numbers; shoppers can only ever reach their own record.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import membership
from store.analytics.lifecycle import STAGES, lifecycle_stage, member_rfm
from store.analytics.repurchase import repurchase_cycles
from store.masking import mask_name, mask_phone, mask_phones_in_text
from store.models import Member, MemberTag
from store.orders import recent_purchases
from store.points import expiring_points, points_balance
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import store_tool
from tools.scope import LEVEL_LABELS, target_store, visible_member

STAFF = {"owner", "clerk"}


class Purchase(BaseModel):
    """A recent purchase line."""

    day: date
    sku: str
    name: str
    qty: int


class DueItem(BaseModel):
    """A product the member is about due to buy again."""

    sku: str
    name: str
    cycle_days: float
    last_purchase_on: date
    next_expected_on: date


class MemberProfile(BaseModel):
    """A member as staff (or the member themself) may see them; the phone is always masked."""

    member_id: str
    name: str
    nickname: str | None
    phone: str = Field(description="masked, e.g. 138****0001")
    store_id: str
    level: str = Field(description="普通会员 | 银卡 | 金卡")
    lifecycle: str = Field(description="新客 | 活跃 | VIP | 沉睡 | 流失")
    lifecycle_reason: str
    age: int | None
    gender: str | None = Field(description="F | M, for addressing the member politely")
    tags: list[str]
    tag_evidence: dict[str, str]
    points: int
    points_expiring: list[tuple[date, int]] = Field(description="(expiry day, points) within 60 days")
    recent_purchases: list[Purchase]
    due_repurchases: list[DueItem]
    consent_marketing: bool


def build_profile(session: Session, member: Member, today: date) -> MemberProfile:
    """Everything the counter needs about one member (shared by the member tools and skills)."""
    tags = list(session.scalars(select(MemberTag).where(MemberTag.member_id == member.id)
                                .order_by(MemberTag.tag)))
    stage = lifecycle_stage(session, member_id=member.id, as_of=today)
    lines = recent_purchases(session, member_id=member.id, limit=8)
    cycles = [c for c in repurchase_cycles(session, as_of=today, member_id=member.id)
              if c.level == "sku" and c.cycle_days >= 7
              and today - timedelta(days=3) <= c.next_expected_on <= today + timedelta(days=7)]
    age = (today - member.birth_date).days // 365 if member.birth_date else None
    return MemberProfile(
        member_id=member.id, name=member.name, nickname=member.nickname, phone=mask_phone(member.phone),
        store_id=member.store_id, level=LEVEL_LABELS.get(member.level, member.level),
        lifecycle=stage.stage, lifecycle_reason=stage.reason, age=age, gender=member.gender,
        tags=[t.tag for t in tags], tag_evidence={t.tag: t.evidence or "" for t in tags},
        points=points_balance(session, member_id=member.id, as_of=today),
        points_expiring=expiring_points(session, member_id=member.id, as_of=today, within_days=60),
        recent_purchases=[Purchase(day=p.created_at.date(), sku=p.sku, name=p.name, qty=p.qty) for p in lines],
        due_repurchases=[DueItem(sku=c.key, name=c.label, cycle_days=c.cycle_days,
                                 last_purchase_on=c.last_purchase_on, next_expected_on=c.next_expected_on)
                         for c in cycles],
        consent_marketing=member.consent_marketing,
    )


class MemberMatches(BaseModel):
    """Members matching a lookup."""

    query: str
    members: list[MemberProfile]


@store_tool(roles=STAFF)
def lookup_member(ctx: ToolContext, query: str) -> MemberMatches:
    """Look up a member at the counter by member id (M0001), member card code, full phone or its last 4 digits.

    Args:
        query: member id, card code, 11-digit phone, or the phone's last 4 digits.
    """
    with ctx.sessions() as s:
        found = [m for m in membership.find_member(s, query=query.strip(), store_id=ctx.identity.store_id)
                 if ctx.identity.may_see_store(m.store_id)]
        if not found:
            shown = mask_phones_in_text(query)
            raise ToolError(f"本店没有找到会员“{shown}”", f"no member matches {shown!r} in scope")
        profiles = [build_profile(s, m, ctx.now.date()) for m in found[:3]]
    return MemberMatches(query=mask_phones_in_text(query), members=profiles)


class MyAccount(BaseModel):
    """The shopper's own profile, points and coupons."""

    profile: MemberProfile
    coupons: list[str] = Field(description="unused coupons, e.g. 满39减5（至 2026-12-31）")


@store_tool(roles={"shopper"})
def my_account(ctx: ToolContext) -> MyAccount:
    """The shopper's own membership: level, points and when they expire, coupons, recent purchases."""
    with ctx.sessions() as s:
        member = visible_member(s, ctx.identity, ctx.identity.member_id or "")
        profile = build_profile(s, member, ctx.now.date())
        coupons = membership.list_coupons(s, member_id=member.id, status="unused", as_of=ctx.now.date())
    return MyAccount(profile=profile,
                     coupons=[f"{c.title}（至 {c.valid_to:%Y-%m-%d}）" for c in coupons])


class SegmentSample(BaseModel):
    """A member in a segment, masked."""

    member_id: str
    name: str = Field(description="masked, e.g. 张*")
    lifecycle: str


class Segment(BaseModel):
    """Members of a store by tag and/or lifecycle stage."""

    store_id: str
    tag: str | None
    lifecycle: str | None
    count: int
    reachable: int = Field(description="of those, members who consented to marketing")
    samples: list[SegmentSample]
    lifecycle_counts: dict[str, int]


@store_tool(roles={"owner"})
def member_segments(ctx: ToolContext, tag: str | None = None, lifecycle: str | None = None,
                    store_id: str | None = None) -> Segment:
    """Count members of a segment (by tag such as 健身人群/有孩家庭 and/or lifecycle such as 沉睡), with samples.

    Args:
        tag: a member tag, e.g. 健身人群, 有孩家庭, 银发族, 价格敏感, 水果爱好者.
        lifecycle: one of 新客, 活跃, VIP, 沉睡, 流失.
        store_id: another store the owner owns; default the owner's current store.
    """
    if lifecycle and lifecycle not in STAGES:
        raise ToolError(f"生命周期只能是：{'、'.join(STAGES)}", f"unknown lifecycle {lifecycle!r}")
    store = target_store(ctx.identity, store_id)
    with ctx.sessions() as s:
        rfm = {r.member_id: r.stage for r in member_rfm(s, as_of=ctx.now.date(), store_id=store)}
        ids = set(rfm)
        if tag:
            ids &= set(s.scalars(select(MemberTag.member_id).where(MemberTag.tag == tag)))
        if lifecycle:
            ids = {m for m in ids if rfm[m] == lifecycle}
        members = list(s.scalars(select(Member).where(Member.id.in_(sorted(ids))).order_by(Member.id))) if ids else []
        counts = dict.fromkeys(STAGES, 0)
        for m in members:
            counts[rfm[m.id]] += 1
    return Segment(store_id=store, tag=tag, lifecycle=lifecycle, count=len(members),
                   reachable=sum(1 for m in members if m.consent_marketing),
                   samples=[SegmentSample(member_id=m.id, name=mask_name(m.name), lifecycle=rfm[m.id])
                            for m in members[:5]],
                   lifecycle_counts=counts)
