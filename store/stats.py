"""What is in the database: entity counts and a short per-store summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import (
    BrowseEvent,
    CartEvent,
    Coupon,
    GroupBuy,
    GroupBuyParticipant,
    Inventory,
    LiveStream,
    Member,
    MemberTag,
    Order,
    OrderLine,
    PointsEntry,
    Product,
    Staff,
    Store,
    Supplier,
    WeatherDay,
)

#: Entity name (as printed by ``stats --json``) → mapped class.
ENTITIES = {
    "stores": Store,
    "staff": Staff,
    "suppliers": Supplier,
    "products": Product,
    "inventory": Inventory,
    "members": Member,
    "member_tags": MemberTag,
    "points_entries": PointsEntry,
    "coupons": Coupon,
    "orders": Order,
    "order_lines": OrderLine,
    "group_buys": GroupBuy,
    "group_buy_participants": GroupBuyParticipant,
    "live_streams": LiveStream,
    "browse_events": BrowseEvent,
    "cart_events": CartEvent,
    "weather_days": WeatherDay,
}

ENTITY_LABELS_ZH = {
    "stores": "门店", "staff": "员工", "suppliers": "供应商", "products": "商品", "inventory": "库存记录",
    "members": "会员", "member_tags": "会员标签", "points_entries": "积分流水", "coupons": "优惠券",
    "orders": "订单", "order_lines": "订单明细", "group_buys": "团购接龙", "group_buy_participants": "接龙参与",
    "live_streams": "直播场次", "browse_events": "浏览事件", "cart_events": "加购事件", "weather_days": "天气记录",
}


def entity_counts(session: Session) -> dict[str, int]:
    """The number of rows of every entity."""
    return {name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in ENTITIES.items()}


@dataclass(frozen=True)
class StoreSummary:
    """One store at a glance over the last 30 days."""

    store_id: str
    name: str
    members: int
    orders_30d: int
    sales_30d: Decimal


def store_summaries(session: Session, *, now: datetime) -> list[StoreSummary]:
    """Members, orders and sales of the last 30 days for each store."""
    since = now - timedelta(days=30)
    members = dict(session.execute(select(Member.store_id, func.count()).group_by(Member.store_id)).all())
    sales = {
        row.store_id: (row.n, row.total)
        for row in session.execute(
            select(Order.store_id, func.count().label("n"), func.sum(Order.total).label("total"))
            .where(Order.created_at >= since, Order.created_at < now,
                   Order.status.not_in(("cancelled", "refunded")))
            .group_by(Order.store_id)
        )
    }
    return [
        StoreSummary(s.id, s.name, int(members.get(s.id, 0)), int(sales.get(s.id, (0, 0))[0]),
                     Decimal(sales.get(s.id, (0, 0))[1] or 0).quantize(Decimal("0.01")))
        for s in session.scalars(select(Store).order_by(Store.id))
    ]


def highlights(session: Session, *, now: datetime) -> list[str]:
    """A few lines a store owner reads first: open 接龙, planned live streams, hot items, members."""
    from store.analytics.lifecycle import lifecycle_counts
    from store.analytics.rankings import hot_list

    lines: list[str] = []
    open_buys = session.execute(
        select(GroupBuy.id, GroupBuy.store_id, Product.name, GroupBuy.cutoff_at, func.count(GroupBuyParticipant.id))
        .join(Product, Product.sku == GroupBuy.sku)
        .outerjoin(GroupBuyParticipant, GroupBuyParticipant.group_buy_id == GroupBuy.id)
        .where(GroupBuy.status == "open")
        .group_by(GroupBuy.id, GroupBuy.store_id, Product.name, GroupBuy.cutoff_at)
        .order_by(GroupBuy.id)
    ).all()
    for gb_id, store_id, name, cutoff, n in open_buys:
        lines.append(f"进行中的接龙：{store_id} {name}（{gb_id}），已有 {n} 人参加，{cutoff:%m-%d %H:%M} 截单")
    for live in session.scalars(select(LiveStream).where(LiveStream.status == "planned",
                                                         LiveStream.starts_at >= now)):
        lines.append(f"计划中的直播：{live.store_id}《{live.title}》{live.starts_at:%m-%d %H:%M} 开播")
    for store_id in session.scalars(select(Store.id).order_by(Store.id)):
        top = hot_list(session, store_id=store_id, as_of=now.date() - timedelta(days=1), days=7, limit=3)
        if top:
            lines.append(f"{store_id} 近 7 天热销：" + "、".join(f"{h.name} {h.units} 件" for h in top))
    stages = lifecycle_counts(session, as_of=now.date())
    lines.append("会员分层：" + "，".join(f"{k} {v}" for k, v in stages.items()))
    return lines
