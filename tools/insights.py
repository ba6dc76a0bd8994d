"""Store insight tools for staff: the hot list and what sells together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field

from store.analytics.baskets import describe_rule, product_associations
from store.analytics.rankings import hot_list, rising_new_products
from store.models import Product
from tools.context import ToolContext
from tools.registry import store_tool
from tools.scope import target_store

STAFF = {"owner", "clerk"}


class HotEntry(BaseModel):
    """One line of the hot list."""

    rank: int
    sku: str
    name: str
    units: int
    trend: str = Field(description="↑2, ↓1, 持平, 新上榜")


class HotList(BaseModel):
    """今日/近期热销榜 and 潜力新品榜."""

    store_id: str
    days: int
    hot: list[HotEntry]
    rising_new: list[str] = Field(description="rising new products with the reason")


@store_tool(roles=STAFF)
def hot_products(ctx: ToolContext, days: int = 7, store_id: str | None = None) -> HotList:
    """Best sellers of the store over the last days (热销榜) and rising new products (潜力新品榜).

    Args:
        days: 1 for yesterday, 7 for the last week (1–30).
        store_id: another store the owner owns; default the current store.
    """
    store = target_store(ctx.identity, store_id)
    as_of = ctx.now.date() - timedelta(days=1)
    with ctx.sessions() as s:
        hot = hot_list(s, store_id=store, as_of=as_of, days=max(1, min(days, 30)), limit=10)
        rising = rising_new_products(s, store_id=store, as_of=as_of, limit=3)
    return HotList(store_id=store, days=days,
                   hot=[HotEntry(rank=h.rank, sku=h.sku, name=h.name, units=h.units, trend=h.trend) for h in hot],
                   rising_new=[f"{r.name}：{r.reason}" for r in rising])


class Associations(BaseModel):
    """What shoppers buy together with a product."""

    sku: str
    rules: list[str] = Field(description="e.g. 买婴儿有机米粉的顾客 45% 也买儿童奶酪棒（提升度 3.1）")
    also_bought: list[str] = Field(description="SKUs of the consequents, strongest first")


@store_tool(roles=STAFF)
def bought_together(ctx: ToolContext, sku: str) -> Associations:
    """Products often bought together with this one (from the last 90 days of baskets), for cross-selling.

    Args:
        sku: the product's SKU, e.g. P3006.
    """
    since = ctx.now - timedelta(days=90)
    with ctx.sessions() as s:
        rules = product_associations(s, store_id=ctx.identity.store_id, since=since, min_support=0.001,
                                     min_confidence=0.05, sku=sku)
        names = {p.sku: p.name for p in s.query(Product)}
    rules = [r for r in rules if len(r.antecedent) == 1 and r.lift > 1.0][:5]
    also = [next(iter(r.consequent)) for r in rules if len(r.consequent) == 1]
    return Associations(sku=sku, rules=[describe_rule(r, names) for r in rules], also_bought=also)




class AudienceMember(BaseModel):
    """A member to contact, masked, with the reason."""

    member_id: str
    name: str = Field(description="masked, e.g. 李**")
    reason: str


class Audience(BaseModel):
    """Members a marketing trigger selects (only those who consented to marketing)."""

    trigger: str
    label: str
    store_id: str
    count: int
    samples: list[AudienceMember]
    skus: list[str] = Field(description="products the hits are about, most frequent first")


@store_tool(roles={"owner"})
def marketing_audience(ctx: ToolContext, trigger: str, store_id: str | None = None) -> Audience:
    """Members selected by a marketing trigger, with reasons: browsed_not_bought, abandoned_cart, repurchase_due, points_expiring, sleeping_to_wake.

    Args:
        trigger: one of browsed_not_bought, abandoned_cart, repurchase_due, points_expiring, sleeping_to_wake.
        store_id: another store the owner owns; default the current store.
    """
    from collections import Counter

    from store.analytics import triggers
    from store.masking import mask_name

    finders: dict[str, Callable[..., list[Any]]] = {"browsed_not_bought": triggers.browsed_not_bought, "abandoned_cart": triggers.abandoned_carts,
               "repurchase_due": triggers.repurchase_due, "points_expiring": triggers.points_expiring,
               "sleeping_to_wake": triggers.sleeping_to_wake}
    if trigger not in finders:
        from tools.errors import ToolError

        raise ToolError(f"不认识的营销场景：{trigger}", f"unknown trigger {trigger!r}")
    store = target_store(ctx.identity, store_id)
    with ctx.sessions() as s:
        hits = finders[trigger](s, now=ctx.now, store_id=store)
    skus = Counter(sku for h in hits for sku in h.skus)
    return Audience(trigger=trigger, label=triggers.TRIGGERS[trigger], store_id=store, count=len(hits),
                    samples=[AudienceMember(member_id=h.member_id, name=mask_name(h.member_name),
                                            reason=h.reason) for h in hits[:5]],
                    skus=[sku for sku, _ in skus.most_common(5)])
