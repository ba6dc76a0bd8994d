"""Group buys (团购接龙) and live streams (直播) of the demo history, with their orders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from store.demo.canonical import PRODUCTS
from store.demo.demand import SKU_INDEX, SKUS
from store.demo.orders import PRICES, OrderDraft
from store.demo.people import MemberPlan

NAMES = {p.sku: p.name for p in PRODUCTS}
LIVE = {p.sku: (p.live_price, p.live_bundle_qty) for p in PRODUCTS
        if p.live_price is not None and p.live_bundle_qty is not None}
GROUP_BUY_SKUS = ["P1001", "P1002", "P1003", "P1004", "P1005", "P1006", "P2001", "P2004",
                  "P4002", "P4003", "P5002", "P5003"]
LIVE_SKUS = ["P1001", "P1002", "P1003", "P1004", "P1005", "P1006", "P2002", "P2003", "P4001",
             "P3001", "P3004", "P3005"]
CURRENT_GROUP_BUY_PARTICIPANTS = 23
TONIGHT_LIVE_TITLE = "夏季水果季·老陈厨房直播"


def group_buy_id(store_id: str, day: date) -> str:
    """Id of a store's group buy opened on ``day`` (one a day at most)."""
    return f"GB{day:%Y%m%d}{store_id[1:]}"


def live_stream_id(store_id: str, day: date) -> str:
    """Id of a store's live stream on ``day``."""
    return f"LS{day:%Y%m%d}{store_id[1:]}"


def _discounted(price: Decimal, rate: str) -> Decimal:
    return (price * Decimal(rate)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _alive(plans: list[MemberPlan], day: date) -> list[MemberPlan]:
    return [p for p in plans if not p.canonical and p.registered_at.date() < day <= p.active_until]


def _choose(rng: np.random.Generator, plans: list[MemberPlan], n: int) -> list[MemberPlan]:
    w = np.array([p.weekly_rate for p in plans])
    idx = rng.choice(len(plans), size=min(n, len(plans)), replace=False, p=w / w.sum())
    return [plans[int(i)] for i in idx]


def group_buys(plans_by_store: dict[str, list[MemberPlan]], days: list[date], today: date,
               day_w: np.ndarray, rng: np.random.Generator) -> tuple[list[dict], list[dict], list[OrderDraft]]:
    """Twice-weekly group buys per store, plus the blueberry 接龙 open today at S001.

    Returns group-buy rows, participant rows (``order`` holds the draft until ids exist) and drafts.
    """
    rows: list[dict] = []
    participants: list[dict] = []
    drafts: list[OrderDraft] = []
    cand = [SKU_INDEX[s] for s in GROUP_BUY_SKUS]
    for d, day in enumerate(days):
        if day.weekday() not in (1, 4) or day >= today - timedelta(days=1):
            continue
        for store_id, plans in plans_by_store.items():
            w = day_w[d][cand]
            sku = SKUS[cand[int(rng.choice(len(cand), p=w / w.sum()))]]
            members = _choose(rng, _alive(plans, day), 8 + int(rng.poisson(16)))
            _open(rows, participants, drafts, rng, store_id, day, sku, members, status="fulfilled")
    s001 = plans_by_store["S001"]
    current = [p for p in s001 if p.id == "M0002"] + _choose(
        rng, _alive(s001, today - timedelta(days=1)), CURRENT_GROUP_BUY_PARTICIPANTS - 1)
    order = rng.permutation(len(current))
    members = [current[int(i)] for i in order]
    if members.index(current[0]) > 10:  # 张婷 joined early, as the story goes
        members.remove(current[0])
        members.insert(6, current[0])
    _open(rows, participants, drafts, rng, "S001", today, "P1001", members, status="open",
          joined_until=datetime.combine(today, time(9, 55)))
    return rows, participants, drafts


def _open(rows: list[dict], participants: list[dict], drafts: list[OrderDraft],
          rng: np.random.Generator, store_id: str, day: date, sku: str, members: list[MemberPlan],
          status: str, joined_until: datetime | None = None) -> None:
    gb_id = group_buy_id(store_id, day)
    price = _discounted(PRICES[sku], "0.85")
    opened = datetime.combine(day, time(7, 30) if status == "open" else time(9, 0))
    cutoff = datetime.combine(day, time(22, 0))
    rows.append({
        "id": gb_id, "store_id": store_id, "sku": sku, "title": f"【接龙】{NAMES[sku]} 团购价 {price} 元",
        "price": price, "created_at": opened, "cutoff_at": cutoff,
        "pickup_start": datetime.combine(day + timedelta(days=1), time(15, 0)),
        "pickup_end": datetime.combine(day + timedelta(days=1), time(21, 0)), "status": status,
    })
    end = joined_until or cutoff
    span = int((end - opened).total_seconds())
    times = sorted(opened + timedelta(seconds=int(s)) for s in rng.integers(60, span, size=len(members)))
    for seq, (member, at) in enumerate(zip(members, times, strict=True), start=1):
        qty = 1 + int(rng.random() < 0.3) + int(rng.random() < 0.08)
        draft = OrderDraft(store_id, member.id, "group_buy", "pickup", at, [(sku, qty, price)],
                           group_buy_id=gb_id, status="paid" if status == "open" else None)
        drafts.append(draft)
        participants.append({"group_buy_id": gb_id, "member_id": member.id, "seq": seq, "qty": qty,
                             "joined_at": at, "order": draft})


def live_streams(plans_by_store: dict[str, list[MemberPlan]], days: list[date], today: date,
                 day_w: np.ndarray, rng: np.random.Generator) -> tuple[list[dict], list[OrderDraft]]:
    """A live stream every two weeks per store with its orders, and tonight's planned one at S001."""
    rows: list[dict] = []
    drafts: list[OrderDraft] = []
    cand = [SKU_INDEX[s] for s in LIVE_SKUS]
    for k, (store_id, plans) in enumerate(plans_by_store.items()):
        for d, day in enumerate(days):
            if (d + 5 * k) % 14 != 0 or day >= today:
                continue
            start = datetime.combine(day, time(20, 0))
            ls_id = live_stream_id(store_id, day)
            w = day_w[d][cand].copy()
            featured = [SKUS[cand[int(i)]] for i in rng.choice(len(cand), size=3, replace=False, p=w / w.sum())]
            rows.append({"id": ls_id, "store_id": store_id, "title": f"{NAMES[featured[0]]}等好物直播",
                         "starts_at": start, "ends_at": start + timedelta(minutes=90), "status": "ended"})
            for member in _choose(rng, _alive(plans, day), 10 + int(rng.poisson(14))):
                lines: list[tuple[str, int, Decimal]] = []
                for sku in rng.choice(featured, size=1 + int(rng.random() < 0.4), replace=False):
                    sku = str(sku)
                    if sku in LIVE:
                        live_price, bundle = LIVE[sku]
                        lines.append((sku, bundle, (live_price / bundle).quantize(Decimal("0.01"))))
                    else:
                        lines.append((sku, 1, _discounted(PRICES[sku], "0.9")))
                at = start + timedelta(seconds=int(rng.integers(120, 90 * 60)))
                fulfil = "delivery" if rng.random() < 0.4 else "pickup"
                drafts.append(OrderDraft(store_id, member.id, "live", fulfil, at, lines, live_stream_id=ls_id))
    tonight = datetime.combine(today, time(20, 0))
    rows.append({"id": live_stream_id("S001", today), "store_id": "S001", "title": TONIGHT_LIVE_TITLE,
                 "starts_at": tonight, "ends_at": tonight + timedelta(minutes=90), "status": "planned"})
    return rows, drafts
