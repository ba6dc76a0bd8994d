"""Behaviour events (browse, cart), weather, and database metadata."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class BrowseEvent(Base):
    """A member viewed a product page (小程序 or 社群 link)."""

    __tablename__ = "browse_events"
    __table_args__ = (Index("ix_browse_events_member_time", "member_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"))
    occurred_at: Mapped[datetime]


class CartEvent(Base):
    """A change to a member's online cart: add, remove, or checkout (the cart became an order)."""

    __tablename__ = "cart_events"
    __table_args__ = (Index("ix_cart_events_member_time", "member_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"))
    qty: Mapped[int] = mapped_column(default=1)
    action: Mapped[str] = mapped_column(String(8), comment="add | remove | checkout")
    occurred_at: Mapped[datetime]
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"))


class WeatherDay(Base):
    """Daily weather of a city: observed history or a forecast."""

    __tablename__ = "weather_days"

    city: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    t_max: Mapped[float] = mapped_column(comment="°C")
    t_min: Mapped[float] = mapped_column(comment="°C")
    precip_mm: Mapped[float]
    condition: Mapped[str] = mapped_column(String(8), comment="晴, 多云, 阴, 小雨, 中雨, 大雨, 雷阵雨, 雪")
    is_forecast: Mapped[bool] = mapped_column(default=False)


class MetaEntry(Base):
    """Key/value facts about the database itself (e.g. which seed and 'today' built the demo)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))
