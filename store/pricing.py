"""Order pricing: member, self-pickup, live and group-buy prices, delivery fee (all Decimal).

Policy (demo-store.md): silver members 98 折, gold 95 折; 小程序/社群 (mini_program, group_buy)
orders picked up in store 9 折, not stacked with live prices; delivery is free from 39 yuan, else
5 yuan.

How the rules combine — one discount per unit, never stacked:

* The order gets one *rate*: the better (lower) of the member rate and the pickup rate.
* A line's list amount is shelf price × qty. Its charge is the cheapest of
  (a) the list amount at the order's rate;
  (b) for ``live`` orders, the live bundle price for each full bundle plus the remaining units
  at the rate;
  (c) on a group-buy order, the group-buy price for the group-buy SKU.
  So a live or group-buy price is never discounted again, and the customer always gets the
  better single discount.
* ``subtotal`` is the sum of list amounts, ``discount`` everything taken off (including live and
  group-buy savings), ``delivery_fee`` 5 yuan for delivery orders whose subtotal is under 39.
* Each line's charge is rounded to the cent, half up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from store.models import GroupBuy, Product

MEMBER_RATES = {"regular": Decimal("1"), "silver": Decimal("0.98"), "gold": Decimal("0.95")}
PICKUP_RATE = Decimal("0.90")
PICKUP_DISCOUNT_CHANNELS = frozenset({"mini_program", "group_buy"})
FREE_DELIVERY_FROM = Decimal("39")
DELIVERY_FEE = Decimal("5")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineQuote:
    """The price of one order line."""

    sku: str
    qty: int
    unit_price: Decimal  #: shelf price
    amount: Decimal  #: unit_price × qty, before any discount
    charged: Decimal  #: what the customer pays for the line
    rule: str  #: shelf | member | pickup | live | group_buy — which price won


@dataclass(frozen=True)
class OrderQuote:
    """The price of a whole order."""

    lines: tuple[LineQuote, ...]
    rate: Decimal  #: the order's single percentage rate, e.g. 0.90
    subtotal: Decimal
    discount: Decimal
    delivery_fee: Decimal
    total: Decimal


def cents(value: Decimal) -> Decimal:
    """Round a yuan amount to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def order_rate(*, level: str | None, channel: str, fulfilment: str) -> tuple[Decimal, str]:
    """The order's single discount rate and its rule name (``shelf``, ``member`` or ``pickup``).

    Args:
        level: the member's level, or ``None`` for a walk-in.
        channel: pos, mini_program, group_buy or live.
        fulfilment: pickup or delivery.
    """
    best, rule = Decimal("1"), "shelf"
    member_rate = MEMBER_RATES.get(level or "regular", Decimal("1"))
    if member_rate < best:
        best, rule = member_rate, "member"
    if fulfilment == "pickup" and channel in PICKUP_DISCOUNT_CHANNELS and best > PICKUP_RATE:
        best, rule = PICKUP_RATE, "pickup"
    return best, rule


def quote_order(
    *,
    lines: Sequence[tuple[Product, int]],
    level: str | None,
    channel: str,
    fulfilment: str,
    group_buy: GroupBuy | None = None,
) -> OrderQuote:
    """Price an order from its products and quantities (see the module docstring for the rules).

    Args:
        lines: ``(product, qty)`` pairs, qty already validated positive.
        level: the member's level, or ``None`` for a walk-in.
        channel: pos, mini_program, group_buy or live.
        fulfilment: pickup or delivery.
        group_buy: the group buy the order belongs to, if any.
    """
    rate, rate_rule = order_rate(level=level, channel=channel, fulfilment=fulfilment)
    quoted: list[LineQuote] = []
    for product, qty in lines:
        amount = product.price * qty
        options = [(cents(amount * rate), rate_rule)]
        bundle = product.live_bundle_qty or 0
        if channel == "live" and product.live_price is not None and 0 < bundle <= qty:
            full, rest = divmod(qty, bundle)
            options.append((product.live_price * full + cents(product.price * rest * rate), "live"))
        if group_buy is not None and product.sku == group_buy.sku:
            options.append((cents(group_buy.price * qty), "group_buy"))
        charged, rule = min(options, key=lambda option: option[0])
        quoted.append(LineQuote(product.sku, qty, product.price, amount, charged, rule))
    subtotal = sum((line.amount for line in quoted), Decimal("0"))
    charged_total = sum((line.charged for line in quoted), Decimal("0"))
    fee = DELIVERY_FEE if fulfilment == "delivery" and subtotal < FREE_DELIVERY_FROM else Decimal("0")
    return OrderQuote(
        lines=tuple(quoted),
        rate=rate,
        subtotal=cents(subtotal),
        discount=cents(subtotal - charged_total),
        delivery_fee=fee,
        total=cents(charged_total + fee),
    )
