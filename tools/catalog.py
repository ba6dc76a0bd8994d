"""Product tools: search, details (cost and supplier for owners only), stock."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from store import catalog
from store.models import Order, OrderLine, Supplier
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import store_tool
from tools.scope import target_store

EVERYONE = {"owner", "clerk", "shopper"}
STAFF = {"owner", "clerk"}


class ProductBrief(BaseModel):
    """A product as a list shows it."""

    sku: str
    name: str
    spec: str
    price: Decimal = Field(description="shelf price, yuan")
    live_offer: str | None = Field(None, description="live-stream price, e.g. 直播价 2 盒 29.9 元")
    category: str
    is_new: bool
    in_stock: bool
    on_hand: int | None = Field(None, description="units in the store; staff only")


class ProductList(BaseModel):
    """Products found."""

    store_id: str
    items: list[ProductBrief]


class ProductDetail(ProductBrief):
    """One product with its public facts, and owner-only economics."""

    facts: str
    shelf_life_days: int
    cold_chain: bool
    cost: Decimal | None = Field(None, description="unit cost; owners only")
    margin_rate: float | None = Field(None, description="(price - cost) / price; owners only")
    supplier: str | None = Field(None, description="supplier name; owners only")


def _live_offer(p) -> str | None:  # noqa: ANN001 - a Product row
    if p.live_price is None:
        return None
    return f"直播价 {p.live_bundle_qty} {p.unit} {p.live_price} 元"


def _brief(ctx: ToolContext, session, p, store_id: str) -> dict:  # noqa: ANN001
    stock = catalog.get_stock(session, store_id=store_id, sku=p.sku)
    on_hand = stock.on_hand if stock else 0
    return {"sku": p.sku, "name": p.name, "spec": p.spec, "price": p.price, "live_offer": _live_offer(p),
            "category": p.category, "is_new": p.is_new, "in_stock": on_hand > 0,
            "on_hand": on_hand if ctx.identity.role != "shopper" else None}


@store_tool(roles=EVERYONE)
def search_products(ctx: ToolContext, query: str, limit: int = 5) -> ProductList:
    """Find products by name or alias (e.g. 蓝莓, 牛奶), with price and whether they are in stock.

    Args:
        query: words from the product name, e.g. 蓝莓 or 甜瓜.
        limit: at most this many products (1–20).
    """
    with ctx.sessions() as s:
        found = catalog.search_products(s, query=query, limit=max(1, min(limit, 20)))
        items = [ProductBrief(**_brief(ctx, s, p, ctx.identity.store_id)) for p in found]
    return ProductList(store_id=ctx.identity.store_id, items=items)


@store_tool(roles=EVERYONE)
def product_details(ctx: ToolContext, sku: str) -> ProductDetail:
    """Facts of one product (origin, storage, shelf life); owners also see cost, margin and supplier.

    Args:
        sku: the product's SKU, e.g. P1001.
    """
    with ctx.sessions() as s:
        p = catalog.get_product(s, sku=sku)
        if p is None:
            raise ToolError(f"没有找到商品 {sku}", f"unknown sku {sku}")
        detail = ProductDetail(**_brief(ctx, s, p, ctx.identity.store_id), facts=p.facts,
                               shelf_life_days=p.shelf_life_days, cold_chain=p.cold_chain)
        if ctx.identity.role == "owner":
            supplier = s.get(Supplier, p.supplier_id)
            detail.cost = p.cost
            detail.margin_rate = round(float((p.price - p.cost) / p.price), 3)
            detail.supplier = supplier.name if supplier else p.supplier_id
    return detail


class StockInfo(BaseModel):
    """Stock of one product in one store."""

    store_id: str
    sku: str
    name: str
    in_stock: bool
    on_hand: int | None = Field(None, description="staff only")
    on_order: int | None = Field(None, description="owners only: ordered from the supplier")
    sold_last_7_days: int | None = Field(None, description="staff only: units sold in the last 7 days")


@store_tool(roles=EVERYONE)
def check_stock(ctx: ToolContext, sku: str, store_id: str | None = None) -> StockInfo:
    """Whether a product is in stock; staff see the count, owners also what is on order.

    Args:
        sku: the product's SKU, e.g. P1001.
        store_id: another store the owner owns; others always get their own store.
    """
    store = target_store(ctx.identity, store_id)
    with ctx.sessions() as s:
        p = catalog.get_product(s, sku=sku)
        if p is None:
            raise ToolError(f"没有找到商品 {sku}", f"unknown sku {sku}")
        stock = catalog.get_stock(s, store_id=store, sku=sku)
        sold = _units_sold(s, store, sku, ctx.now - timedelta(days=7), ctx.now) \
            if ctx.identity.role != "shopper" else None
    on_hand = stock.on_hand if stock else 0
    role = ctx.identity.role
    return StockInfo(store_id=store, sku=sku, name=p.name, in_stock=on_hand > 0,
                     on_hand=on_hand if role != "shopper" else None,
                     on_order=(stock.on_order if stock else 0) if role == "owner" else None,
                     sold_last_7_days=sold)


def _units_sold(session, store_id: str, sku: str, since: datetime, until: datetime) -> int:  # noqa: ANN001
    stmt = (select(func.coalesce(func.sum(OrderLine.qty), 0))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.store_id == store_id, OrderLine.sku == sku, Order.created_at >= since,
                   Order.created_at < until, Order.status.not_in(("cancelled", "refunded"))))
    return int(session.scalar(stmt) or 0)
