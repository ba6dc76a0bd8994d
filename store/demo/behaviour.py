"""Browse and cart events of the last 60 days, and today's inventory snapshot."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import numpy as np

from store.demo.canonical import PRODUCTS, SUPPLIERS
from store.demo.demand import SKUS, persona_matrix
from store.demo.orders import OrderDraft
from store.demo.people import MemberPlan

EVENT_DAYS = 60
LEAD_TIME = {sid: lt for sid, _, lt in SUPPLIERS}
PRODUCT = {p.sku: p for p in PRODUCTS}


def behaviour_events(plans: list[MemberPlan], drafts: list[OrderDraft], day_w_recent: np.ndarray,
                     now: datetime, rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """Browse events and cart events (adds before online orders, abandoned adds, the canon)."""
    names, persona_w = persona_matrix()
    pidx = {n: i for i, n in enumerate(names)}
    today = now.date()
    start = today - timedelta(days=EVENT_DAYS)
    browse: list[dict] = []
    cart: list[dict] = []

    def at(day: date) -> datetime:
        return datetime.combine(day, time(int(rng.integers(7, 23)), int(rng.integers(0, 60))))

    for plan in plans:
        if plan.canonical or plan.active_until < start or rng.random() > 0.55:
            continue
        w = persona_w[pidx[plan.persona]]
        for _ in range(int(rng.poisson(6))):
            day = start + timedelta(days=int(rng.integers(0, EVENT_DAYS)))
            if day < plan.registered_at.date():
                continue
            dw = day_w_recent[(day - start).days] * w
            sku = SKUS[int(rng.choice(len(SKUS), p=dw / dw.sum()))]
            browse.append({"member_id": plan.id, "store_id": plan.store_id, "sku": sku, "occurred_at": at(day)})
            if rng.random() < 0.04:  # added to cart and left there
                cart.append({"member_id": plan.id, "store_id": plan.store_id, "sku": sku, "qty": 1,
                             "action": "add", "occurred_at": at(day), "order_id": None})
    for draft in drafts:
        if draft.channel != "mini_program" or draft.created_at.date() < start or not draft.member_id:
            continue
        for k, (sku, qty, _) in enumerate(draft.lines):
            cart.append({"member_id": draft.member_id, "store_id": draft.store_id, "sku": sku, "qty": qty,
                         "action": "add", "order_id": None,
                         "occurred_at": draft.created_at - timedelta(minutes=3 + 2 * (len(draft.lines) - k))})
            cart.append({"member_id": draft.member_id, "store_id": draft.store_id, "sku": sku, "qty": qty,
                         "action": "checkout", "occurred_at": draft.created_at, "order_id": draft.extra["id"]})
    # 周静 (M0007) looked at the organic milk every day of the last 7 days and did not buy it.
    for back in range(7):
        day = today - timedelta(days=back)
        seen = datetime.combine(day, time(8, 10 + back)) if back == 0 else at(day)
        browse.append({"member_id": "M0007", "store_id": "S001", "sku": "P2001", "occurred_at": seen})
    # 吴磊 (M0008) put grapes in his cart an hour ago and did not pay.
    cart.append({"member_id": "M0008", "store_id": "S003", "sku": "P1004", "qty": 1, "action": "add",
                 "occurred_at": now - timedelta(minutes=62), "order_id": None})
    browse.sort(key=lambda r: (r["occurred_at"], r["member_id"], r["sku"]))
    cart.sort(key=lambda r: (r["occurred_at"], r["member_id"], r["sku"], r["action"]))
    for i, row in enumerate(browse, start=1):
        row["id"] = i
    for i, row in enumerate(cart, start=1):
        row["id"] = i
    return browse, cart


def inventory(stores: list[str], lines: list[dict], orders: list[dict], now: datetime,
              rng: np.random.Generator) -> list[dict]:
    """Today's stock: a few days of recent sales on hand, open supplier orders where low."""
    since = now - timedelta(days=14)
    store_of = {o["id"]: o["store_id"] for o in orders if o["created_at"] >= since}
    sold: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        store = store_of.get(line["order_id"])
        if store:
            sold[(store, line["sku"])] += line["qty"]
    rows = []
    for store in stores:
        for sku in SKUS:
            p = PRODUCT[sku]
            daily = sold[(store, sku)] / 14.0
            cover = min(float(rng.uniform(1.2, 4.5)), max(1.0, p.shelf_life_days * 0.6))
            on_hand = int(round(daily * cover)) + int(rng.integers(0, 3))
            lead = LEAD_TIME[p.supplier_id]
            short = on_hand < daily * (lead + 1)
            on_order = p.case_pack * max(1, int(np.ceil(daily * lead / p.case_pack))) if short and daily > 0.3 else 0
            rows.append({"store_id": store, "sku": sku, "on_hand": on_hand, "on_order": on_order,
                         "lead_time_days": lead, "updated_at": now})
    return rows
