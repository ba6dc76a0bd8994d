"""Points ledger and coupons of the demo history.

Points follow the store policy: 1 point per yuan paid, valid until 31 December of the year after
they were earned; redemptions and expiries name the lot they draw from. Members who joined before
the history window start with an opening lot (期初积分结余). Generated members redeem from their
oldest lots first. 李阿姨 (M0001) ends at the canonical 1,280 points with 800 expiring this 31
December: her gift exchanges were booked against the lots that give exactly that (as her POS
recorded them), which a strict oldest-first rule could not produce from a year of her shopping.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from store.demo.canonical import M0001_POINTS_BALANCE, M0001_POINTS_EXPIRING_DEC31
from store.demo.orders import OrderDraft
from store.demo.people import MemberPlan

REDEEM_STEP = 1000  # generated members exchange points in blocks of 1,000 (= 10 yuan)


def expiry_of(earned: date) -> date:
    """The last valid day of points earned on ``earned``."""
    return date(earned.year + 1, 12, 31)


class _Ledger:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, member: str, delta: int, kind: str, at: datetime, *, expires: date | None = None,
            lot: int | None = None, order: str | None = None, note: str | None = None) -> int:
        self.rows.append({"id": len(self.rows) + 1, "member_id": member, "delta": delta, "kind": kind,
                          "occurred_at": at, "expires_on": expires, "lot_id": lot, "order_id": order,
                          "note": note})
        return len(self.rows)


def points_ledger(plans: list[MemberPlan], drafts: list[OrderDraft], window_start: date, today: date,
                  rng: np.random.Generator) -> list[dict]:
    """All ledger rows, in a deterministic order."""
    earns: dict[str, list[OrderDraft]] = defaultdict(list)
    for d in drafts:
        if d.member_id and d.extra["status"][0] not in ("cancelled", "refunded"):
            earns[d.member_id].append(d)
    ledger = _Ledger()
    opening_at = datetime.combine(window_start, time(0))
    for plan in plans:
        lots: list[list] = []  # [lot id, expires_on, remaining]
        events: list[tuple[datetime, int, object]] = []
        if plan.registered_at < opening_at:
            amount = 1500 if plan.id == "M0001" else int(rng.integers(0, int(1500 * min(plan.weekly_rate, 2.0)) + 1))
            if amount:
                events.append((opening_at, 0, ("open", amount)))
        for d in earns.get(plan.id, []):
            events.append((d.created_at, 1, d))
        if not plan.canonical:
            month = date(window_start.year, window_start.month, 1)
            while month < today:
                events.append((datetime.combine(month, time(12, 0)), 2, "redeem?"))
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        for year in range(window_start.year + 1, today.year + 1):
            events.append((datetime(year, 1, 1), -1, "expire"))
        for at, _, what in sorted(events, key=lambda e: (e[0], e[1])):
            if what == "expire":
                for lot in lots:
                    if lot[1] < at.date() and lot[2] > 0:
                        ledger.add(plan.id, -lot[2], "expire", at, lot=lot[0], note="积分到期清零")
                        lot[2] = 0
            elif what == "redeem?":
                balance = sum(lot[2] for lot in lots)
                if balance >= 1500 and rng.random() < 0.3:
                    _draw(ledger, plan.id, lots, REDEEM_STEP, at, "积分兑换礼品")
            elif isinstance(what, tuple):
                lot_id = ledger.add(plan.id, what[1], "earn", at, expires=expiry_of(window_start - timedelta(days=1)),
                                    note="期初积分结余")
                lots.append([lot_id, expiry_of(window_start - timedelta(days=1)), what[1]])
            else:
                assert isinstance(what, OrderDraft)
                points = int(what.extra["total"].to_integral_value(rounding="ROUND_FLOOR"))
                if points > 0:
                    lot_id = ledger.add(plan.id, points, "earn", at, expires=expiry_of(at.date()),
                                        order=what.extra["id"], note="消费积分")
                    lots.append([lot_id, expiry_of(at.date()), points])
        if plan.id == "M0001":
            _shape_m0001(ledger, lots, today)
    return ledger.rows


def _draw(ledger: _Ledger, member: str, lots: list[list], points: int, at: datetime, note: str) -> None:
    for lot in sorted(lots, key=lambda x: (x[1], x[0])):
        take = min(points, lot[2])
        if take > 0:
            ledger.add(member, -take, "redeem", at, lot=lot[0], note=note)
            lot[2] -= take
            points -= take


def _shape_m0001(ledger: _Ledger, lots: list[list], today: date) -> None:
    this_year_end = date(today.year, 12, 31)
    expiring = [lot for lot in lots if lot[1] == this_year_end]
    later = [lot for lot in lots if lot[1] > this_year_end]
    surplus = sum(lot[2] for lot in expiring) - M0001_POINTS_EXPIRING_DEC31
    if surplus > 0:
        last_earned = max(r["occurred_at"] for r in ledger.rows if r["id"] in {lot[0] for lot in expiring})
        _draw(ledger, "M0001", expiring, surplus, last_earned + timedelta(days=1), "积分兑换：金卡会员礼品")
    keep_later = M0001_POINTS_BALANCE - M0001_POINTS_EXPIRING_DEC31
    surplus = sum(lot[2] for lot in later) - keep_later
    if surplus > 0:
        at = datetime.combine(today - timedelta(days=2), time(14, 0))
        _draw(ledger, "M0001", later, surplus, at, "积分兑换：金卡会员礼品")


COUPON_KINDS = (("满39减5", "5", "39"), ("满99减15", "15", "99"), ("鲜果专享 满59减8", "8", "59"))


def coupons(plans: list[MemberPlan], levels: dict[str, str], window_start: date, today: date,
            rng: np.random.Generator) -> list[dict]:
    """Coupons issued over the year: general ones, welcome coupons and gold birthday coupons."""
    rows: list[dict] = []
    span = (today - window_start).days

    def issue(member: str, title: str, amount: str, min_spend: str, start: date, days: int) -> None:
        end = start + timedelta(days=days)
        if end < today:
            status = "used" if rng.random() < 0.45 else "expired"
        else:
            status = "used" if rng.random() < 0.25 else "unused"
        rows.append({"id": f"CP{len(rows) + 1:06d}", "member_id": member, "title": title,
                     "amount": Decimal(amount), "min_spend": Decimal(min_spend), "valid_from": start,
                     "valid_to": end, "status": status, "used_order_id": None})

    for plan in plans:
        if plan.registered_at.date() >= window_start:
            issue(plan.id, "新人专享 满20减10", "10", "20", plan.registered_at.date(), 30)
        if levels.get(plan.id) == "gold":
            issue(plan.id, "金卡生日礼券 满50减20", "20", "50", today - timedelta(days=6), 30)
        if not plan.canonical and rng.random() < 0.35:
            for _ in range(1 + int(rng.random() < 0.4)):
                title, amount, min_spend = COUPON_KINDS[int(rng.integers(len(COUPON_KINDS)))]
                issue(plan.id, title, amount, min_spend,
                      window_start + timedelta(days=int(rng.integers(0, span))), 30)
    return rows
