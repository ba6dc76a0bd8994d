"""Products and per-store inventory."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class Product(Base):
    """A SKU sold by the chain. Cost and supplier are owner-only data."""

    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(16), primary_key=True, comment="e.g. P1001")
    name: Mapped[str] = mapped_column(String(64))
    aliases: Mapped[str] = mapped_column(String(128), default="", comment="comma-separated other names")
    category: Mapped[str] = mapped_column(String(16), index=True, comment="e.g. 水果, 乳品")
    spec: Mapped[str] = mapped_column(String(32), comment="e.g. 125g/盒")
    unit: Mapped[str] = mapped_column(String(8), default="件", comment="counting unit: 盒, 个, 瓶 …")
    price: Mapped[Decimal] = mapped_column(comment="shelf price in yuan")
    live_price: Mapped[Decimal | None] = mapped_column(comment="live-stream price for live_bundle_qty units")
    live_bundle_qty: Mapped[int | None] = mapped_column(comment="units sold at live_price, e.g. 2")
    cost: Mapped[Decimal] = mapped_column(comment="unit cost in yuan (owner-only)")
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.id"), index=True)
    shelf_life_days: Mapped[int] = mapped_column(comment="days a unit can be sold after receipt")
    cold_chain: Mapped[bool] = mapped_column(default=False)
    case_pack: Mapped[int] = mapped_column(default=1, comment="units per supplier case")
    is_new: Mapped[bool] = mapped_column(default=False, comment="marketed as 新品")
    launched_on: Mapped[date | None]
    facts: Mapped[str] = mapped_column(Text, default="", comment="public facts: origin, storage …")
    active: Mapped[bool] = mapped_column(default=True)


class Inventory(Base):
    """Stock of one SKU in one store."""

    __tablename__ = "inventory"

    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    on_order: Mapped[int] = mapped_column(default=0, comment="ordered from the supplier, not yet received")
    lead_time_days: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]
