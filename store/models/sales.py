"""Orders, order lines, group buys (接龙) and live streams."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base

CHANNELS = {"pos": "POS", "mini_program": "小程序", "group_buy": "社群接龙", "live": "直播"}
FULFILMENTS = {"pickup": "自提", "delivery": "配送"}
ORDER_STATUSES = {
    "pending": "待付款",
    "paid": "已付款",
    "ready": "待取货",
    "picked_up": "已取货",
    "delivered": "已送达",
    "completed": "已完成",
    "cancelled": "已取消",
    "refunded": "已退款",
}


class LiveStream(Base):
    """A live-stream selling session (直播) run by a store."""

    __tablename__ = "live_streams"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True)
    title: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), comment="planned | ended")


class GroupBuy(Base):
    """A community group buy (团购接龙) of one product."""

    __tablename__ = "group_buys"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"))
    title: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(comment="group-buy unit price")
    created_at: Mapped[datetime]
    cutoff_at: Mapped[datetime] = mapped_column(comment="截单 time")
    pickup_start: Mapped[datetime]
    pickup_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), comment="open | closed | fulfilled | cancelled")


class Order(Base):
    """A customer order, from any channel."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_store_created", "store_id", "created_at"),
        Index("ix_orders_member_created", "member_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True, comment="e.g. SO202611210010001")
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"), comment="null: walk-in")
    channel: Mapped[str] = mapped_column(String(16), comment="pos | mini_program | group_buy | live")
    fulfilment: Mapped[str] = mapped_column(String(8), comment="pickup | delivery")
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    subtotal: Mapped[Decimal] = mapped_column(comment="sum of line amounts")
    discount: Mapped[Decimal] = mapped_column(default=Decimal("0"), comment="member/pickup/coupon/points")
    delivery_fee: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(comment="amount paid")
    points_used: Mapped[int] = mapped_column(default=0)
    pickup_code: Mapped[str | None] = mapped_column(String(8), index=True)
    group_buy_id: Mapped[str | None] = mapped_column(ForeignKey("group_buys.id"), index=True)
    live_stream_id: Mapped[str | None] = mapped_column(ForeignKey("live_streams.id"))
    picked_up_at: Mapped[datetime | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class OrderLine(Base):
    """One product line of an order."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), index=True)
    qty: Mapped[int]
    unit_price: Mapped[Decimal]
    amount: Mapped[Decimal]


class GroupBuyParticipant(Base):
    """One entry of a 接龙: who joined, in what order, for how many."""

    __tablename__ = "group_buy_participants"
    __table_args__ = (UniqueConstraint("group_buy_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_buy_id: Mapped[str] = mapped_column(ForeignKey("group_buys.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    seq: Mapped[int] = mapped_column(comment="position in the 接龙 list, from 1")
    qty: Mapped[int]
    joined_at: Mapped[datetime]
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"))
