"""Settle drafted orders: ids, prices (member level, self-pickup and delivery rules of the store
policy), status, pickup codes; and member levels from 12-month spend.

Discount rule (documented choice): an order gets the better single discount of its member level
(银卡 98 折, 金卡 95 折) and online self-pickup (9 折); group-buy and live-stream prices take no
further discount. Delivery costs 5 yuan under 39 yuan.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from store.demo.orders import OrderDraft

CENT = Decimal("0.01")
LEVEL_DISCOUNT = {"regular": Decimal("0"), "silver": Decimal("0.02"), "gold": Decimal("0.05")}
PICKUP_DISCOUNT = Decimal("0.10")
FREE_DELIVERY_FROM = Decimal("39")
DELIVERY_FEE = Decimal("5")
SILVER_FROM, GOLD_FROM = Decimal("1000"), Decimal("3000")


def price(draft: OrderDraft, level: str) -> dict:
    """Subtotal, discount, fee and total of a draft for a member of ``level``."""
    subtotal = sum((Decimal(q) * p for _, q, p in draft.lines), Decimal("0")).quantize(CENT)
    rate = Decimal("0")
    if draft.channel in ("pos", "mini_program"):
        rate = LEVEL_DISCOUNT[level] if draft.member_id else Decimal("0")
        if draft.channel == "mini_program" and draft.fulfilment == "pickup":
            rate = max(rate, PICKUP_DISCOUNT)
    discount = (subtotal * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    fee = DELIVERY_FEE if draft.fulfilment == "delivery" and subtotal < FREE_DELIVERY_FROM else Decimal("0")
    return {"subtotal": subtotal, "discount": discount, "delivery_fee": fee,
            "total": subtotal - discount + fee}


def level_for(spend: Decimal) -> str:
    """Member level from spend over the last 12 months."""
    return "gold" if spend >= GOLD_FROM else "silver" if spend >= SILVER_FROM else "regular"


def settle_status(draft: OrderDraft, today: date, rng: np.random.Generator) -> tuple[str, datetime | None]:
    """Status and pickup time of a past order."""
    if draft.status:
        return draft.status, None
    created = draft.created_at
    if draft.channel == "pos":
        return "completed", None
    if draft.channel == "mini_program" and rng.random() < 0.025:
        return ("cancelled" if rng.random() < 0.6 else "refunded"), None
    if draft.fulfilment == "delivery":
        return "delivered", None
    if draft.channel == "group_buy":
        if rng.random() < 0.06:
            return "refunded", None  # not collected in time: fresh goods are refunded
        day = created.date() + timedelta(days=1)
        return "picked_up", datetime.combine(day, time(15, 0)) + timedelta(minutes=int(rng.integers(0, 360)))
    if created >= datetime.combine(today - timedelta(days=1), time(17, 0)):
        return "ready", None
    picked = created + timedelta(minutes=int(rng.integers(30, 300)))
    if picked.time() > time(21, 50):
        picked = datetime.combine(created.date() + timedelta(days=1), time(9, 0)) + timedelta(
            minutes=int(rng.integers(0, 600)))
    return "picked_up", picked


def settle(drafts: list[OrderDraft], today: date, rng: np.random.Generator,
           fixed_levels: dict[str, str]) -> tuple[list[dict], list[dict], dict[str, str]]:
    """Order rows, line rows and member levels. Drafts get ``extra['id']`` set."""
    drafts.sort(key=lambda o: (o.created_at, o.store_id, o.member_id or "", o.channel, o.lines[0][0]))
    seq: dict[tuple[str, date], int] = defaultdict(int)
    for draft in drafts:
        key = (draft.store_id, draft.created_at.date())
        seq[key] += 1
        draft.extra["id"] = f"SO{key[1]:%Y%m%d}{draft.store_id[1:]}{seq[key]:04d}"
        draft.extra["status"] = settle_status(draft, today, rng)

    since = datetime.combine(today - timedelta(days=365), time(0))
    levels: dict[str, str] = {}
    for _ in range(3):  # levels depend on totals, which depend on the level discount
        spend: dict[str, Decimal] = defaultdict(Decimal)
        for draft in drafts:
            if draft.member_id and draft.created_at >= since and draft.extra["status"][0] not in (
                    "cancelled", "refunded"):
                spend[draft.member_id] += price(draft, levels.get(draft.member_id, "regular"))["total"]
        levels = {m: level_for(s) for m, s in spend.items()}
    levels.update(fixed_levels)

    need_code = [d for d in drafts if d.fulfilment == "pickup" and d.channel != "pos"]
    codes = rng.choice(900_000, size=len(need_code), replace=False) + 100_000
    code_of = {id(d): f"{int(c):06d}" for d, c in zip(need_code, codes, strict=True)}

    orders: list[dict] = []
    lines: list[dict] = []
    for draft in drafts:
        status, picked = draft.extra["status"]
        money = price(draft, levels.get(draft.member_id or "", "regular"))
        draft.extra["total"] = money["total"]
        orders.append({
            "id": draft.extra["id"], "store_id": draft.store_id, "member_id": draft.member_id,
            "channel": draft.channel, "fulfilment": draft.fulfilment, "status": status,
            "created_at": draft.created_at, **money, "points_used": 0,
            "pickup_code": code_of.get(id(draft)), "group_buy_id": draft.group_buy_id,
            "live_stream_id": draft.live_stream_id, "picked_up_at": picked, "idempotency_key": None,
        })
        for sku, qty, unit in draft.lines:
            lines.append({"id": len(lines) + 1, "order_id": draft.extra["id"], "sku": sku, "qty": qty,
                          "unit_price": unit, "amount": (Decimal(qty) * unit).quantize(CENT)})
    return orders, lines, levels
