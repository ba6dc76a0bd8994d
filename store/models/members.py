"""Members (会员): profile, consent, tags, points ledger and coupons."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class Member(Base):
    """A registered member of the chain, attached to a home store."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, comment="e.g. M0001")
    code: Mapped[str] = mapped_column(String(16), unique=True, comment="member card code shown at the counter")
    name: Mapped[str] = mapped_column(String(32))
    nickname: Mapped[str | None] = mapped_column(String(32), comment="how the store calls them, e.g. 李阿姨")
    gender: Mapped[str | None] = mapped_column(String(1), comment="F | M")
    birth_date: Mapped[date | None]
    phone: Mapped[str] = mapped_column(String(20), unique=True, comment="stored in full; masked on output")
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True, comment="home store")
    registered_at: Mapped[datetime]
    level: Mapped[str] = mapped_column(String(8), default="regular", comment="regular | silver | gold")
    consent_marketing: Mapped[bool] = mapped_column(default=True, comment="may receive marketing messages")
    consent_sms: Mapped[bool] = mapped_column(default=False, comment="may receive SMS")
    consent_profiling: Mapped[bool] = mapped_column(default=True, comment="may be profiled from purchases")
    note: Mapped[str | None] = mapped_column(Text)


class MemberTag(Base):
    """A tag on a member: set by staff (manual) or derived from behaviour (derived, with evidence)."""

    __tablename__ = "member_tags"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True, comment="e.g. 有孩家庭")
    source: Mapped[str] = mapped_column(String(8), default="manual", comment="manual | derived")
    evidence: Mapped[str | None] = mapped_column(Text)


class PointsEntry(Base):
    """One row of the points ledger.

    An ``earn`` row is a lot with its own expiry (policy: the 31 December of the year after it was
    earned). ``redeem`` and ``expire`` rows are negative and name the lot they draw from, so the
    points still alive in each lot, and those about to expire, follow from the ledger alone.
    """

    __tablename__ = "points_ledger"
    __table_args__ = (Index("ix_points_ledger_member_time", "member_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    delta: Mapped[int] = mapped_column(comment="points added (+) or taken (-)")
    kind: Mapped[str] = mapped_column(String(8), comment="earn | redeem | expire | adjust")
    occurred_at: Mapped[datetime]
    expires_on: Mapped[date | None] = mapped_column(comment="for earn lots: last valid day")
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("points_ledger.id"), comment="for redeem/expire: the earn lot drawn from"
    )
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(64))


class Coupon(Base):
    """A coupon issued to a member."""

    __tablename__ = "coupons"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    title: Mapped[str] = mapped_column(String(64), comment="e.g. 满39减5")
    amount: Mapped[Decimal] = mapped_column(comment="yuan off")
    min_spend: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    status: Mapped[str] = mapped_column(String(8), default="unused", comment="unused | used | expired")
    used_order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"))
