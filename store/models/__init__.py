"""Mapped classes of the retail domain (SQLAlchemy 2), importable from one place."""

from store.models.base import Base, Money
from store.models.catalog import Inventory, Product
from store.models.events import BrowseEvent, CartEvent, MetaEntry, WeatherDay
from store.models.forecasts import DemandForecast
from store.models.members import Coupon, Member, MemberTag, PointsEntry
from store.models.org import Staff, Store, Supplier
from store.models.sales import (
    CHANNELS,
    FULFILMENTS,
    ORDER_STATUSES,
    GroupBuy,
    GroupBuyParticipant,
    LiveStream,
    Order,
    OrderLine,
)

__all__ = [
    "CHANNELS",
    "FULFILMENTS",
    "ORDER_STATUSES",
    "Base",
    "BrowseEvent",
    "CartEvent",
    "Coupon",
    "DemandForecast",
    "GroupBuy",
    "GroupBuyParticipant",
    "Inventory",
    "LiveStream",
    "Member",
    "MemberTag",
    "MetaEntry",
    "Money",
    "Order",
    "OrderLine",
    "PointsEntry",
    "Product",
    "Staff",
    "Store",
    "Supplier",
    "WeatherDay",
]
