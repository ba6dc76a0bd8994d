"""Basket associations: checked against mlxtend on real groceries data, by hand, and on the DB."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.baskets import (
    Itemset,
    Rule,
    association_rules,
    describe_rule,
    frequent_itemsets,
    product_associations,
    store_baskets,
)
from store.models import Order, OrderLine, Product, Store, Supplier

GROCERIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "groceries.csv"
METRICS = {
    "antecedent_support": "antecedent support",
    "consequent_support": "consequent support",
    "support": "support",
    "confidence": "confidence",
    "lift": "lift",
    "leverage": "leverage",
    "conviction": "conviction",
}


@pytest.fixture(scope="module")
def groceries() -> list[list[str]]:
    """The 9,835 real baskets of the Groceries data set."""
    if not GROCERIES.is_file():
        pytest.skip(f"groceries data not found at {GROCERIES}; it lives in the shared data folder")
    with GROCERIES.open(encoding="utf-8") as fh:
        return [[item for item in line.rstrip("\n").split(",") if item] for line in fh]


@pytest.fixture(scope="module")
def onehot(groceries: list[list[str]]) -> Any:
    """The baskets one-hot encoded the way mlxtend expects."""
    pd = pytest.importorskip("pandas")
    encoder = pytest.importorskip("mlxtend.preprocessing").TransactionEncoder()
    return pd.DataFrame(encoder.fit(groceries).transform(groceries), columns=encoder.columns_)


def _reference_itemsets(onehot: Any, min_support: float, max_len: int | None = None) -> Any:
    fp = pytest.importorskip("mlxtend.frequent_patterns")
    return fp.fpgrowth(onehot, min_support=min_support, use_colnames=True, max_len=max_len)


def _reference_rules(reference: Any, n_baskets: int, min_confidence: float) -> dict[Any, Any]:
    fp = pytest.importorskip("mlxtend.frequent_patterns")
    table = fp.association_rules(
        reference, num_itemsets=n_baskets, metric="confidence", min_threshold=min_confidence
    )
    return {(row.antecedents, row.consequents): row for _, row in table.iterrows()}


def _close(ours: float, theirs: float) -> bool:
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(("min_support", "max_len"), [(0.01, None), (0.005, None), (0.005, 2)])
def test_itemsets_match_mlxtend(
    groceries: list[list[str]], onehot: Any, min_support: float, max_len: int | None
) -> None:
    reference = _reference_itemsets(onehot, min_support, max_len)
    ours = {
        s.items: s for s in frequent_itemsets(groceries, min_support=min_support, max_len=max_len)
    }
    theirs = dict(zip(reference["itemsets"], reference["support"], strict=True))
    assert len(ours) > 100
    assert ours.keys() == theirs.keys()
    for items, itemset in ours.items():
        assert abs(itemset.support - theirs[items]) <= 1e-12
        assert itemset.count == round(theirs[items] * len(groceries))


@pytest.mark.parametrize(
    ("min_support", "min_confidence"), [(0.01, 0.3), (0.005, 0.3), (0.005, 0.5)]
)
def test_rules_match_mlxtend(
    groceries: list[list[str]], onehot: Any, min_support: float, min_confidence: float
) -> None:
    reference = _reference_itemsets(onehot, min_support)
    theirs = _reference_rules(reference, len(groceries), min_confidence)
    itemsets = frequent_itemsets(groceries, min_support=min_support)
    rules = association_rules(itemsets, n_baskets=len(groceries), min_confidence=min_confidence)
    ours = {(r.antecedent, r.consequent): r for r in rules}
    assert len(ours) > 50
    assert ours.keys() == theirs.keys()
    for key, rule in ours.items():
        for field, column in METRICS.items():
            assert _close(getattr(rule, field), theirs[key][column]), (key, field)


def test_rules_differ_from_mlxtend_only_on_exact_confidence_ties(
    groceries: list[list[str]], onehot: Any
) -> None:
    """At 0.2 mlxtend's float confidence of a rule worth exactly 1/5 can round below 0.2."""
    reference = _reference_itemsets(onehot, 0.005)
    theirs = _reference_rules(reference, len(groceries), 0.2)
    itemsets = frequent_itemsets(groceries, min_support=0.005)
    counts = {s.items: s.count for s in itemsets}
    ours = {
        (r.antecedent, r.consequent): r
        for r in association_rules(itemsets, n_baskets=len(groceries), min_confidence=0.2)
    }
    assert not theirs.keys() - ours.keys()
    for antecedent, consequent in ours.keys() - theirs.keys():
        assert Fraction(ours[antecedent, consequent].count, counts[antecedent]) == Fraction(1, 5)


BASKETS = [["a", "b", "c"], ["a", "b"], ["a", "c"], ["a"], ["b", "c"]]


def test_small_itemsets_known_answer() -> None:
    found = {s.items: (s.count, s.support) for s in frequent_itemsets(BASKETS, min_support=0.4)}
    assert found == {
        frozenset("a"): (4, 0.8),
        frozenset("b"): (3, 0.6),
        frozenset("c"): (3, 0.6),
        frozenset("ab"): (2, 0.4),
        frozenset("ac"): (2, 0.4),
        frozenset("bc"): (2, 0.4),
    }
    assert frozenset("abc") in {s.items for s in frequent_itemsets(BASKETS, min_support=0.2)}


def test_small_rules_known_answer() -> None:
    itemsets = frequent_itemsets(BASKETS, min_support=0.4)
    rules = {
        (r.antecedent, r.consequent): r
        for r in association_rules(itemsets, n_baskets=5, min_confidence=0.6)
    }
    # a -> b and a -> c have confidence 2/4 and fall below 0.6.
    assert set(rules) == {
        (frozenset("b"), frozenset("a")),
        (frozenset("c"), frozenset("a")),
        (frozenset("b"), frozenset("c")),
        (frozenset("c"), frozenset("b")),
    }
    b_a = rules[frozenset("b"), frozenset("a")]
    assert (b_a.count, b_a.support) == (2, 0.4)
    assert b_a.confidence == pytest.approx(2 / 3)
    assert b_a.lift == pytest.approx((2 / 3) / 0.8)
    assert b_a.leverage == pytest.approx(0.4 - 0.6 * 0.8)
    assert b_a.conviction == pytest.approx((1 - 0.8) / (1 - 2 / 3))
    lifted = association_rules(itemsets, n_baskets=5, min_confidence=0.6, min_lift=1.0)
    assert {(r.antecedent, r.consequent) for r in lifted} == {
        (frozenset("b"), frozenset("c")),
        (frozenset("c"), frozenset("b")),
    }


def test_empty_baskets_count_and_duplicates_count_once() -> None:
    baskets = [[], ["a", "a", "b"], ["a"], []]
    found = {s.items: s.count for s in frequent_itemsets(baskets, min_support=0.25)}
    assert found == {frozenset("a"): 2, frozenset("b"): 1, frozenset("ab"): 1}
    assert {s.items: s.support for s in frequent_itemsets(baskets, min_support=0.5)} == {
        frozenset("a"): 0.5
    }
    assert frequent_itemsets([], min_support=0.1) == []
    assert frequent_itemsets([[], []], min_support=0.1) == []


def test_nothing_frequent_gives_no_itemsets_and_no_rules() -> None:
    assert frequent_itemsets(BASKETS, min_support=1.0) == []
    assert association_rules([], n_baskets=5, min_confidence=0.1) == []


def test_max_len_caps_itemset_length() -> None:
    assert {len(s.items) for s in frequent_itemsets(BASKETS, min_support=0.2)} == {1, 2, 3}
    assert {len(s.items) for s in frequent_itemsets(BASKETS, min_support=0.2, max_len=2)} == {1, 2}
    assert {len(s.items) for s in frequent_itemsets(BASKETS, min_support=0.2, max_len=1)} == {1}


def test_confidence_threshold_is_inclusive_and_certain_rules_have_infinite_conviction() -> None:
    baskets = [["x", "y"], ["x"], ["x"], ["x"], ["x"]]
    rules = association_rules(
        frequent_itemsets(baskets, min_support=0.2), n_baskets=5, min_confidence=0.2
    )
    by_key = {(r.antecedent, r.consequent): r for r in rules}
    assert by_key[frozenset("x"), frozenset("y")].confidence == 0.2
    assert math.isinf(by_key[frozenset("y"), frozenset("x")].conviction)


def test_invalid_arguments_and_open_itemsets_raise() -> None:
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError):
            frequent_itemsets(BASKETS, min_support=bad)
    with pytest.raises(ValueError):
        frequent_itemsets(BASKETS, min_support=0.5, max_len=0)
    with pytest.raises(KeyError):
        association_rules([Itemset(frozenset("ab"), 2, 0.4)], n_baskets=5)


def test_describe_rule_in_chinese() -> None:
    rule = Rule(frozenset({"P1"}), frozenset({"P2"}), 38, 0.1, 0.12, 0.038, 0.38, 3.17, 0.02, 1.4)
    names = {"P1": "婴儿有机米粉", "P2": "儿童奶酪棒"}
    assert describe_rule(rule, names) == "买婴儿有机米粉的顾客 38% 也买儿童奶酪棒（提升度 3.2）"
    pair = Rule(frozenset({"P2", "P1"}), frozenset({"P9"}), 5, 0.1, 0.1, 0.05, 0.5, 5.0, 0.04, 1.8)
    assert (
        describe_rule(pair, names)
        == "同时买婴儿有机米粉、儿童奶酪棒的顾客 50% 也买P9（提升度 5.0）"
    )


SINCE = datetime(2026, 11, 1)
# (order id, store, status, day of November 2026 or None for 1 October, SKUs of its lines)
ORDERS = [
    ("O1", "S001", "paid", 5, ["P1", "P2"]),
    ("O2", "S001", "completed", 6, ["P1", "P2", "P2"]),
    ("O3", "S001", "picked_up", 7, ["P1", "P3"]),
    ("O4", "S001", "cancelled", 8, ["P1", "P3"]),
    ("O5", "S001", "refunded", 9, ["P1", "P3"]),
    ("O6", "S001", "paid", 10, ["P3"]),
    ("O7", "S001", "paid", None, ["P3"]),
    ("O8", "S002", "paid", 5, ["P1", "P3"]),
    ("O9", "S002", "paid", 6, ["P3"]),
]
NAMES = {"P1": "婴儿有机米粉", "P2": "儿童奶酪棒", "P3": "有机牛奶"}


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Two stores, three products and the orders of ``ORDERS``."""
    with factory() as session, session.begin():
        session.add(Supplier(id="SUP01", name="鲜源供应"))
        session.add_all(
            Store(id=s, name=f"店{s}", city="杭州", address="文一路") for s in ("S001", "S002")
        )
        session.flush()
        session.add_all(
            Product(
                sku=sku,
                name=name,
                category="乳品",
                spec="1件",
                price=Decimal("9.90"),
                cost=Decimal("6.00"),
                supplier_id="SUP01",
                shelf_life_days=30,
                launched_on=date(2026, 1, 1),
            )
            for sku, name in NAMES.items()
        )
        session.flush()
        for order_id, store_id, status, day, skus in ORDERS:
            created = datetime(2026, 11, day, 10) if day else datetime(2026, 10, 1, 10)
            session.add(
                Order(
                    id=order_id,
                    store_id=store_id,
                    channel="pos",
                    fulfilment="pickup",
                    status=status,
                    created_at=created,
                    subtotal=Decimal("19.80"),
                    total=Decimal("19.80"),
                )
            )
            session.flush()
            session.add_all(
                OrderLine(
                    order_id=order_id,
                    sku=sku,
                    qty=1,
                    unit_price=Decimal("9.90"),
                    amount=Decimal("9.90"),
                )
                for sku in skus
            )
    return factory


def test_store_baskets_filters_status_store_and_time(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        recent = store_baskets(session, store_id="S001", since=SINCE)
        every = store_baskets(session, store_id=None)
        before = store_baskets(session, store_id="S001", until=SINCE)
    assert recent == [
        frozenset({"P1", "P2"}),
        frozenset({"P1", "P2"}),
        frozenset({"P1", "P3"}),
        frozenset({"P3"}),
    ]
    assert len(every) == 7  # nine orders less one cancelled and one refunded
    assert before == [frozenset({"P3"})]


def test_product_associations_on_store_orders(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        rules = product_associations(
            session, store_id="S001", since=SINCE, min_support=0.5, min_confidence=0.5
        )
        for_p1 = product_associations(
            session, store_id="S001", since=SINCE, min_support=0.5, min_confidence=0.5, sku="P1"
        )
    # Four baskets: P1 in 3, P2 in 2, P3 in 2, {P1, P2} in 2; with the cancelled and refunded
    # orders counted, {P1, P3} would have been frequent too.
    assert [(set(r.antecedent), set(r.consequent)) for r in rules] == [
        ({"P2"}, {"P1"}),
        ({"P1"}, {"P2"}),
    ]
    assert rules[0].lift == pytest.approx(4 / 3) and rules[0].confidence == 1.0
    assert [(set(r.antecedent), set(r.consequent)) for r in for_p1] == [({"P1"}, {"P2"})]
    assert (
        describe_rule(rules[0], NAMES) == "买儿童奶酪棒的顾客 100% 也买婴儿有机米粉（提升度 1.3）"
    )
