"""Stores, their staff and the chain's suppliers."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class Store(Base):
    """A physical store of the chain."""

    __tablename__ = "stores"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, comment="e.g. S001")
    name: Mapped[str] = mapped_column(String(64), comment="e.g. 邻里优选·翠苑店")
    city: Mapped[str] = mapped_column(String(32), comment="city used for weather, e.g. 杭州")
    address: Mapped[str] = mapped_column(String(128))
    owner_id: Mapped[str | None] = mapped_column(
        String(16), ForeignKey("staff.id", use_alter=True), comment="staff id of the owner"
    )
    phone: Mapped[str | None] = mapped_column(String(20))


class Staff(Base):
    """A person who works for the chain: an owner or a clerk."""

    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, comment="e.g. E101")
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    nickname: Mapped[str | None] = mapped_column(String(32), comment="e.g. 老陈")
    role: Mapped[str] = mapped_column(String(8), comment="owner | clerk")
    phone: Mapped[str | None] = mapped_column(String(20), comment="stored in full; masked on output")
    wecom_userid: Mapped[str | None] = mapped_column(String(64), unique=True)


class Supplier(Base):
    """A supplier of products (owner-only data)."""

    __tablename__ = "suppliers"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, comment="e.g. SUP01")
    name: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    lead_time_days: Mapped[int] = mapped_column(default=1, comment="typical days from order to delivery")
