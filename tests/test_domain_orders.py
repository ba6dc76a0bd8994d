"""Orders: pricing arithmetic, idempotent creation, pickup codes and 核销, history."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.errors import Conflict, InvalidInput, NotAllowed, NotFound
from store.models import Order, OrderLine
from store.orders import (
    create_order,
    get_order,
    get_order_by_pickup_code,
    list_member_orders,
    list_store_orders,
    mark_picked_up,
    order_lines,
    recent_purchases,
)
from tests.test_domain_seed import NOW, seed_small_store


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_small_store(s)
    return factory


def _order(factory: sessionmaker[Session], **kwargs: object) -> Order:
    args: dict[str, object] = {
        "store_id": "S001", "member_id": "M0001", "channel": "mini_program",
        "fulfilment": "pickup", "created_at": NOW, "idempotency_key": None,
    }
    args.update(kwargs)
    with transaction(factory) as s:
        return create_order(s, **args)  # type: ignore[arg-type]


def _money(order: Order) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return order.subtotal, order.discount, order.delivery_fee, order.total


def test_gold_member_pickup_online_takes_the_better_single_discount(
    seeded: sessionmaker[Session],
) -> None:
    order = _order(seeded, lines=[("P2002", 2), ("p1001", 1)])
    # 9 折 pickup beats the gold 95 折; they do not stack: 28.62 + 17.91.
    assert _money(order) == (Decimal("51.70"), Decimal("5.17"), Decimal("0"), Decimal("46.53"))
    assert re.fullmatch(r"SO202607150010001", order.id)
    assert re.fullmatch(r"\d{6}", order.pickup_code or "")
    assert order.status == "paid"
    with seeded() as s:
        stored = s.get(Order, order.id)
        assert _money(stored) == (Decimal("51.70"), Decimal("5.17"), Decimal("0.00"), Decimal("46.53"))
        assert [(x.sku, x.qty, x.unit_price, x.amount) for x in order_lines(s, order_id=order.id)] == [
            ("P2002", 2, Decimal("15.90"), Decimal("31.80")),
            ("P1001", 1, Decimal("19.90"), Decimal("19.90")),
        ]


def test_silver_delivery_under_39_pays_the_fee(seeded: sessionmaker[Session]) -> None:
    small = _order(seeded, member_id="M0002", fulfilment="delivery", lines=[("P2002", 2)])
    # 31.80 × 0.98 = 31.164 → 31.16; +5 delivery.
    assert _money(small) == (Decimal("31.80"), Decimal("0.64"), Decimal("5"), Decimal("36.16"))
    assert small.pickup_code is None
    # The threshold is on the subtotal: 39.80 ≥ 39 ships free although 39.00 is paid.
    big = _order(seeded, member_id="M0002", fulfilment="delivery", lines=[("P1001", 2)])
    assert _money(big) == (Decimal("39.80"), Decimal("0.80"), Decimal("0"), Decimal("39.00"))
    assert big.id == "SO202607150010002"


def test_walk_in_pos_gets_no_pickup_discount(seeded: sessionmaker[Session]) -> None:
    order = _order(seeded, member_id=None, channel="pos", lines=[("P1002", 1)])
    assert _money(order) == (Decimal("25.80"), Decimal("0.00"), Decimal("0"), Decimal("25.80"))
    # 社群 orders without a 接龙 get the pickup 9 折 on the shelf price: 25.80 × 0.9.
    chat = _order(seeded, member_id=None, channel="group_buy", lines=[("P1002", 1)])
    assert _money(chat) == (Decimal("25.80"), Decimal("2.58"), Decimal("0"), Decimal("23.22"))


def test_live_price_is_not_discounted_again(seeded: sessionmaker[Session]) -> None:
    regular = _order(seeded, member_id="M0003", channel="live", lines=[("P1001", 3)])
    # One bundle of two at 29.90 plus one box at the shelf price.
    assert _money(regular) == (Decimal("59.70"), Decimal("9.90"), Decimal("0"), Decimal("49.80"))
    gold = _order(seeded, member_id="M0001", channel="live", fulfilment="delivery",
                  lines=[("P1001", 3)])
    # Bundle 29.90 (no further discount) + the odd box at 95 折 (18.905 → 18.91).
    assert _money(gold) == (Decimal("59.70"), Decimal("10.89"), Decimal("0"), Decimal("48.81"))
    single = _order(seeded, member_id="M0001", channel="live", lines=[("P1001", 1)])
    assert single.total == Decimal("18.91")  # no bundle possible: 95 折


def test_same_idempotency_key_returns_the_same_order(seeded: sessionmaker[Session]) -> None:
    first = _order(seeded, lines=[("P1001", 2)], idempotency_key="chat-42-confirm-1")
    again = _order(seeded, lines=[("P1001", 5)], idempotency_key="chat-42-confirm-1",
                   created_at=NOW + timedelta(minutes=3))
    assert again.id == first.id
    with seeded() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1
        assert [(x.sku, x.qty) for x in s.scalars(select(OrderLine))] == [("P1001", 2)]
    with pytest.raises(Conflict):
        _order(seeded, member_id="M0002", lines=[("P1001", 1)], idempotency_key="chat-42-confirm-1")


@pytest.mark.parametrize(
    ("lines", "extra"),
    [
        ([("P1001", 0)], {}),
        ([("P1001", -1)], {}),
        ([("P0000", 1)], {}),
        ([("P9001", 1)], {}),  # inactive
        ([], {}),
        ([("P1001", 1)], {"channel": "telegram"}),
        ([("P1001", 1)], {"channel": "live", "group_buy_id": "GB-S001-BLUEBERRY"}),
    ],
)
def test_create_order_rejects_bad_input(
    seeded: sessionmaker[Session], lines: list[tuple[str, int]], extra: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput) as info:
        _order(seeded, lines=lines, **extra)
    assert info.value.message_zh
    with seeded() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0


def test_create_order_unknown_member_or_store(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(NotFound):
        _order(seeded, member_id="M9999", lines=[("P1001", 1)])
    with pytest.raises(NotFound):
        _order(seeded, store_id="S009", lines=[("P1001", 1)])


def test_pickup_code_lookup_and_idempotent_pickup(seeded: sessionmaker[Session]) -> None:
    order = _order(seeded, lines=[("P1001", 1)])
    code = order.pickup_code or ""
    with seeded() as s:
        assert get_order_by_pickup_code(s, store_id="S001", code=code).id == order.id
        assert get_order_by_pickup_code(s, store_id="S002", code=code) is None
    at = NOW + timedelta(hours=6)
    with transaction(seeded) as s:
        done = mark_picked_up(s, store_id="S001", code=code, at=at)
        assert (done.status, done.picked_up_at) == ("picked_up", at)
    with transaction(seeded) as s:
        again = mark_picked_up(s, store_id="S001", order_id=order.id, at=at + timedelta(hours=1))
        assert (again.status, again.picked_up_at) == ("picked_up", at)
    with seeded() as s:
        assert s.get(Order, order.id).picked_up_at == at
    with pytest.raises(NotFound), transaction(seeded) as s:
        mark_picked_up(s, store_id="S002", order_id=order.id, at=at)
    with pytest.raises(InvalidInput), transaction(seeded) as s:
        mark_picked_up(s, store_id="S001", order_id=order.id, code=code, at=at)


@pytest.mark.parametrize(("status", "fulfilment"), [
    ("cancelled", "pickup"), ("refunded", "pickup"), ("pending", "pickup"), ("paid", "delivery"),
])
def test_mark_picked_up_refuses(seeded: sessionmaker[Session], status: str, fulfilment: str) -> None:
    order = _order(seeded, lines=[("P1001", 1)], fulfilment=fulfilment)
    with transaction(seeded) as s:
        s.get(Order, order.id).status = status
    with pytest.raises(NotAllowed) as info, transaction(seeded) as s:
        mark_picked_up(s, store_id="S001", order_id=order.id, at=NOW)
    assert order.id in info.value.message_zh
    with seeded() as s:
        assert (s.get(Order, order.id).status, s.get(Order, order.id).picked_up_at) == (status, None)


def test_pickup_codes_are_unique_among_waiting_orders(seeded: sessionmaker[Session]) -> None:
    codes = {_order(seeded, lines=[("P6003", 1)]).pickup_code for _ in range(30)}
    assert len(codes) == 30


def test_listing_and_recent_purchases(seeded: sessionmaker[Session]) -> None:
    a = _order(seeded, lines=[("P2002", 1)], created_at=NOW - timedelta(days=3))
    b = _order(seeded, lines=[("P1001", 2), ("P6003", 1)], created_at=NOW - timedelta(days=1))
    c = _order(seeded, lines=[("P3006", 1)], created_at=NOW)
    _order(seeded, member_id="M0005", store_id="S002", lines=[("P1001", 1)])
    with transaction(seeded) as s:
        s.get(Order, c.id).status = "cancelled"
    with seeded() as s:
        assert [o.id for o in list_member_orders(s, member_id="M0001")] == [c.id, b.id, a.id]
        assert [o.id for o in list_member_orders(s, member_id="M0001", limit=1)] == [c.id]
        assert [o.id for o in list_store_orders(s, store_id="S001", since=NOW - timedelta(days=2))] == [c.id, b.id]
        assert [o.id for o in list_store_orders(s, store_id="S001", until=NOW)] == [b.id, a.id]
        assert [o.id for o in list_store_orders(s, store_id="S001", status="cancelled")] == [c.id]
        assert get_order(s, order_id=a.id, store_id="S002") is None
        history = recent_purchases(s, member_id="M0001")
        assert [(p.order_id, p.sku, p.name, p.qty, p.amount) for p in history] == [
            (b.id, "P1001", "云南高原蓝莓", 2, Decimal("39.80")),
            (b.id, "P6003", "门店现烤蓝莓松饼", 1, Decimal("18.00")),
            (a.id, "P2002", "低糖希腊酸奶", 1, Decimal("15.90")),
        ]
        assert len(recent_purchases(s, member_id="M0001", limit=2)) == 2
