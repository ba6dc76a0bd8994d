"""The arithmetic of one restock suggestion, apart from any database or model.

Timeline: an order placed today arrives after the lead time ``L`` days; the store orders again
after the review period ``R`` days (1: it can order every day). Stock must therefore cover the
demand of the next ``L + R`` days at the chosen service level (an order-up-to level):

    need = demand(L + R days, service level) − on hand − on order
    qty  = need rounded *up* to whole cases (0 when need ≤ 0)

The service-level demand is ``Σ mean + z · sqrt(Σ σ²)`` with each day's ``σ = (P90 − P50) / 1.2816``
(a normal approximation from the model's quantiles, days taken as independent).

Fresh goods (shelf life ≤ 30 days) are never ordered beyond what is expected to sell within the
shelf life: after arrival the new units, behind whatever stock is left then (sold first), have
``shelf_life_days`` days to sell. When rounding up to a case would break that cap the quantity is
rounded *down* instead, possibly to 0 — and the reason says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: Shelf life (days) at or below which a product counts as fresh and is capped by its shelf life.
FRESH_SHELF_LIFE_DAYS = 30
#: z of the 90% quantile of a normal distribution: turns P90 − P50 into a standard deviation.
Z90 = NormalDist().inv_cdf(0.9)


@dataclass(frozen=True)
class OrderMath:
    """Every number behind one suggested order quantity."""

    cover_days: int  #: lead time + review period
    demand_mean: float  #: expected demand over the cover days
    demand_at_service: float  #: demand over the cover days at the service level
    need: float  #: demand_at_service − on hand − on order
    shelf_cap: float | None  #: most units that can sell within the shelf life (fresh goods only)
    qty: int  #: suggested order quantity: whole cases, within the shelf-life cap
    capped: bool  #: the shelf-life cap lowered the quantity


def _extend(daily: np.ndarray, days: int) -> np.ndarray:
    """``daily`` continued to ``days`` days with its own mean (beyond the forecast horizon)."""
    if len(daily) >= days:
        return daily[:days]
    fill = float(np.mean(daily)) if len(daily) else 0.0
    return np.concatenate([daily, np.full(days - len(daily), fill)])


def order_quantity(*, mean: np.ndarray, p50: np.ndarray, p90: np.ndarray, on_hand: int,
                   on_order: int, lead_time_days: int, case_pack: int, shelf_life_days: int,
                   service_level: float = 0.9, review_days: int = 1) -> OrderMath:
    """The suggested order quantity of one SKU in one store.

    Args:
        mean: daily mean forecast from today on.
        p50: daily median forecast, same days.
        p90: daily 90% quantile forecast, same days.
        on_hand: units in the store now.
        on_order: units ordered from the supplier and not yet received.
        lead_time_days: days from ordering to delivery.
        case_pack: units per supplier case (the order is in whole cases).
        shelf_life_days: days a unit can be sold after receipt.
        service_level: probability of not running out before the next delivery (0.5–0.99).
        review_days: days until the store orders again.
    """
    if not 0.5 <= service_level <= 0.99:
        raise ValueError("service_level must be within 0.5..0.99")
    lead = max(int(lead_time_days), 0)
    cover = lead + max(int(review_days), 1)
    mu = _extend(np.asarray(mean, float), cover)
    sigma = np.maximum(_extend(np.asarray(p90, float) - np.asarray(p50, float), cover), 0.0) / Z90
    demand_mean = float(mu.sum())
    z = NormalDist().inv_cdf(service_level)
    at_service = demand_mean + z * float(math.sqrt(float(np.sum(sigma**2))))
    need = at_service - on_hand - on_order
    case = max(int(case_pack), 1)
    qty = case * math.ceil(need / case - 1e-9) if need > 0 else 0
    cap = None
    capped = False
    if shelf_life_days <= FRESH_SHELF_LIFE_DAYS:
        daily = _extend(np.asarray(mean, float), lead + shelf_life_days)
        left_at_arrival = max(on_hand + on_order - float(daily[:lead].sum()), 0.0)
        cap = max(float(daily[lead:].sum()) - left_at_arrival, 0.0)
        if qty > cap:
            qty = case * math.floor(cap / case + 1e-9)
            capped = True
    return OrderMath(cover_days=cover, demand_mean=demand_mean, demand_at_service=at_service,
                     need=need, shelf_cap=cap, qty=int(qty), capped=capped)
