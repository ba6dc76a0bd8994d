"""Everyday orders of the demo history: generated members' visits, walk-in shoppers, and the
scripted histories of the canonical members. Pricing and status are settled in ``pricing``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from store.demo.canonical import PRODUCTS
from store.demo.demand import COMPANIONS, SKU_INDEX, SKUS, persona_matrix
from store.demo.people import MemberPlan

PRICES = {p.sku: p.price for p in PRODUCTS}
CATEGORY = {p.sku: p.category for p in PRODUCTS}
FRUITS = [i for i, s in enumerate(SKUS) if CATEGORY[s] == "水果"]
# Opening hours 07:30–22:00; relative weight of each hour 7..21 for counter visits.
HOURS = np.arange(7, 22)
HOUR_WEIGHTS = np.array([0.5, 1.2, 1.0, 0.8, 0.7, 0.6, 0.5, 0.5, 0.6, 0.9, 1.4, 1.5, 1.1, 0.8, 0.4])
HOUR_P = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
WALK_INS_PER_DAY = {"S001": 30.0, "S002": 24.0, "S003": 22.0}


@dataclass
class OrderDraft:
    """An order before ids, prices and status are settled."""

    store_id: str
    member_id: str | None
    channel: str
    fulfilment: str
    created_at: datetime
    lines: list[tuple[str, int, Decimal]]  # (sku, qty, unit price)
    group_buy_id: str | None = None
    live_stream_id: str | None = None
    status: str | None = None  # None: settled by pricing.settle_status
    points_used: int = 0
    extra: dict = field(default_factory=dict)


def clock(rng: np.random.Generator, day: date, not_before: datetime | None = None) -> datetime:
    """A plausible time of a store visit on ``day``."""
    hour = int(rng.choice(HOURS, p=HOUR_P))
    minute = int(rng.integers(30, 60)) if hour == 7 else int(rng.integers(0, 60))
    at = datetime.combine(day, time(hour, minute, int(rng.integers(0, 60))))
    if not_before and at < not_before:
        at = not_before + timedelta(minutes=int(rng.integers(3, 40)))
    return at


def pick_basket(rng: np.random.Generator, weights: np.ndarray, extra_items: float) -> list[tuple[str, int, Decimal]]:
    """Choose distinct SKUs by weight and a quantity for each."""
    k = min(1 + int(rng.poisson(extra_items)), 6, int((weights > 0).sum()))
    idx = rng.choice(len(SKUS), size=k, replace=False, p=weights / weights.sum())
    chosen = [SKUS[i] for i in idx]
    for sku in list(chosen):
        companion = COMPANIONS.get(sku)
        if companion and companion[0] not in chosen and weights[SKU_INDEX[companion[0]]] > 0 \
                and rng.random() < companion[1]:
            chosen.append(companion[0])
    qty = 1 + (rng.random(len(chosen)) < 0.2).astype(int) + (rng.random(len(chosen)) < 0.05).astype(int)
    return [(sku, int(q), PRICES[sku]) for sku, q in zip(chosen, qty, strict=True)]


def member_visits(plans: list[MemberPlan], days: list[date], traffic: dict[tuple[str, date], float],
                  day_w: np.ndarray, rng: np.random.Generator) -> list[OrderDraft]:
    """Visits of generated members: a daily Bernoulli draw at their weekly rate × store traffic."""
    names, persona_w = persona_matrix()
    persona_idx = {n: i for i, n in enumerate(names)}
    gen = [p for p in plans if not p.canonical]
    rates = np.array([p.weekly_rate / 7.0 for p in gen])
    traffic_m = np.array([[traffic[(p.store_id, d)] for d in days] for p in gen])
    start = np.array([max(0, (p.registered_at.date() - days[0]).days) for p in gen])
    stop = np.array([(p.active_until - days[0]).days for p in gen])
    day_no = np.arange(len(days))
    alive = (day_no[None, :] >= start[:, None]) & (day_no[None, :] <= stop[:, None])
    visits = (rng.random((len(gen), len(days))) < rates[:, None] * traffic_m) & alive
    # Newly registered members make their first purchase on the day they register.
    for i, p in enumerate(gen):
        if p.registered_at.date() >= days[0]:
            visits[i, start[i]] = True
    drafts = []
    for i, d in zip(*np.nonzero(visits), strict=True):
        plan, day = gen[i], days[d]
        weights = day_w[d] * persona_w[persona_idx[plan.persona]]
        online = rng.random() < 0.3
        fulfil = "delivery" if online and rng.random() < 0.55 else "pickup"
        not_before = plan.registered_at if plan.registered_at.date() == day else None
        drafts.append(OrderDraft(plan.store_id, plan.id, "mini_program" if online else "pos", fulfil,
                                 clock(rng, day, not_before), pick_basket(rng, weights, 1.3)))
    return drafts


def walk_ins(stores: list[str], days: list[date], traffic: dict[tuple[str, date], float],
             day_w: np.ndarray, rng: np.random.Generator) -> list[OrderDraft]:
    """Counter sales to shoppers who are not members."""
    drafts = []
    for d, day in enumerate(days):
        for store_id in stores:
            for _ in range(int(rng.poisson(WALK_INS_PER_DAY[store_id] * traffic[(store_id, day)]))):
                drafts.append(OrderDraft(store_id, None, "pos", "pickup", clock(rng, day),
                                         pick_basket(rng, day_w[d], 0.8)))
    return drafts


def _line(sku: str, qty: int = 1) -> tuple[str, int, Decimal]:
    return (sku, qty, PRICES[sku])


def _fruit(rng: np.random.Generator, day_row: np.ndarray) -> str:
    w = day_row[FRUITS]
    return SKUS[FRUITS[int(rng.choice(len(FRUITS), p=w / w.sum()))]]


def canonical_orders(today: date, days: list[date], day_w: np.ndarray,
                     rng: np.random.Generator) -> list[OrderDraft]:
    """The scripted histories of the canonical members (see ``shared/demo-store.md``)."""
    first = days[0]
    out: list[OrderDraft] = []

    def add(member: str, store: str, day: date, lines: list, channel: str = "pos",
            fulfil: str = "pickup", hour: int | None = None) -> None:
        at = datetime.combine(day, time(hour or int(rng.choice(HOURS[1:], p=HOUR_P[1:] / HOUR_P[1:].sum())),
                                        int(rng.integers(0, 60))))
        out.append(OrderDraft(store, member, channel, fulfil, at, lines))

    def row(day: date) -> np.ndarray:
        return day_w[(day - first).days]

    # M0001 李阿姨: twice a week (Tue, Fri) Greek yogurt and fruit; last purchase 3 days ago.
    last = today - timedelta(days=3)
    for day in days:
        if day < last and day.weekday() in (1, 4) or day == last:
            lines = [_line("P2002", 1 + int(rng.random() < 0.4)), _line(_fruit(rng, row(day)))]
            if rng.random() < 0.5:
                lines.append(_line(_fruit(rng, row(day))))
            if rng.random() < 0.3:
                lines.append(_line(str(rng.choice(["P2004", "P2001", "P3002", "P6003"]))))
            add("M0001", "S001", day, _dedupe(lines), hour=9)
    # M0002 张婷: baby rice cereal every ~20 days (next due in ~3 days), cheese sticks often.
    day = today - timedelta(days=17)
    while day >= first:
        lines = [_line("P3006")] + ([_line("P2003")] if rng.random() < 0.6 else [])
        add("M0002", "S001", day, lines, channel="mini_program", hour=20)
        day -= timedelta(days=20 + int(rng.integers(-1, 2)))
    for day in days[5::25]:
        if day < today - timedelta(days=2):
            add("M0002", "S001", day, [_line("P2003")], hour=17)
    # M0003 刘洋: weekly chicken breast, Greek yogurt, and the new oats once launched.
    launch = today - timedelta(days=24)
    for day in days:
        if day.weekday() == 0 or (day.weekday() == 3 and rng.random() < 0.5):
            lines = [_line("P4001", 1 + int(rng.random() < 0.5)), _line("P2002")]
            if day >= launch and rng.random() < 0.6:
                lines.append(_line("P3001"))
            add("M0003", "S001", day, lines, hour=19)
    # M0004 王大爷: rice monthly and eggs every ~12 days, until 65 days ago.
    last = today - timedelta(days=65)
    day, n = last, 0
    while day >= first:
        lines = [_line("P2004")] + ([_line("P3003")] if n % 3 == 0 else [])
        add("M0004", "S001", day, lines, hour=8)
        day -= timedelta(days=12 - int(rng.integers(0, 3)))
        n += 1
    # M0005 赵敏: registered 5 days ago with one order the same evening.
    add("M0005", "S002", today - timedelta(days=5), [_line("P1001"), _line("P2001")], hour=18)
    out[-1].created_at = out[-1].created_at.replace(minute=42)
    # M0006 孙浩: every ~2 weeks, last purchase 200 days ago.
    day = today - timedelta(days=200)
    while day >= first:
        add("M0006", "S002", day, [_line("P6002"), _line("P4002"), _line("P3002")], hour=19)
        day -= timedelta(days=14)
    # M0007 周静: a weekly shopper who does not buy the organic milk she keeps looking at.
    for day in days[2::7]:
        lines = [_line(str(rng.choice(["P3002", "P2004", "P4002", "P6003"]))), _line(_fruit(rng, row(day)))]
        add("M0007", "S001", day, _dedupe(lines), hour=18)
    # M0008 吴磊: every ~10 days at S003.
    for day in days[3::10]:
        add("M0008", "S003", day, [_line("P6002"), _line(_fruit(rng, row(day)))], hour=21)
    return [o for o in out if first <= o.created_at.date() < today]


def _dedupe(lines: list[tuple[str, int, Decimal]]) -> list[tuple[str, int, Decimal]]:
    merged: dict[str, tuple[str, int, Decimal]] = {}
    for sku, qty, price in lines:
        old = merged.get(sku)
        merged[sku] = (sku, qty + (old[1] if old else 0), price)
    return list(merged.values())
