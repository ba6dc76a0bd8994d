"""Basket associations (购物篮关联): frequent itemsets, association rules, and their DB adapter.

The miner is a vertical (Eclat) search over packed bitsets: each item's baskets are a row of
``uint64`` words, the baskets of an itemset are the AND of its items' rows, and a support count
is a popcount. Every class of extensions of a prefix is intersected in one numpy call, so the
Python loop runs once per frequent itemset, not once per basket. Support and rule metrics follow
mlxtend's definitions (``fpgrowth`` and ``association_rules``); metrics are computed from integer
counts, so each is the correctly rounded value of its exact ratio.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Order, OrderLine

#: Order statuses whose lines never count as a purchase.
EXCLUDED_STATUSES: tuple[str, ...] = ("cancelled", "refunded")


@dataclass(frozen=True, slots=True)
class Itemset:
    """A set of items bought together in at least ``min_support`` of the baskets."""

    items: frozenset[str]
    count: int  #: baskets that contain every item
    support: float  #: count / number of baskets


@dataclass(frozen=True, slots=True)
class Rule:
    """An association rule ``antecedent -> consequent`` with mlxtend's metrics."""

    antecedent: frozenset[str]
    consequent: frozenset[str]
    count: int  #: baskets that contain antecedent and consequent
    antecedent_support: float
    consequent_support: float
    support: float  #: support(antecedent ∪ consequent)
    confidence: float  #: support / antecedent_support
    lift: float  #: confidence / consequent_support
    leverage: float  #: support - antecedent_support * consequent_support
    conviction: float  #: (1 - consequent_support) / (1 - confidence); inf when confidence is 1


_BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount_rows(words: np.ndarray) -> np.ndarray:
    """Number of set bits in each row of a 2-D ``uint64`` array."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(words).sum(axis=1, dtype=np.int64)
    as_bytes = words.view(np.uint8).reshape(words.shape[0], -1)
    return _BYTE_POPCOUNT[as_bytes].sum(axis=1, dtype=np.int64)


def _min_count(min_support: float, n_baskets: int) -> int:
    """Smallest count whose support ``count / n_baskets`` is >= min_support, in float arithmetic."""
    count = max(math.ceil(min_support * n_baskets), 1)
    while count > 1 and (count - 1) / n_baskets >= min_support:
        count -= 1
    while count / n_baskets < min_support:
        count += 1
    return count


def _vertical_bits(sets: Sequence[frozenset[str]], names: Sequence[str]) -> np.ndarray:
    """One row of ``uint64`` words per item of ``names``; bit t is set when basket t has it."""
    index = {name: pos for pos, name in enumerate(names)}
    rows, cols = [], []
    for col, basket in enumerate(sets):
        for item in basket:
            pos = index.get(item)
            if pos is not None:
                rows.append(pos)
                cols.append(col)
    n_words = -(-len(sets) // 64)
    row_ids, col_ids = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    bits = np.zeros(len(names) * n_words, dtype=np.uint64)
    # Built word by word rather than through a dense boolean matrix, 8 times its size.
    np.bitwise_or.at(
        bits, row_ids * n_words + (col_ids >> 6), np.uint64(1) << (col_ids & 63).astype(np.uint64)
    )
    return bits.reshape(len(names), n_words)


def _eclat(
    bits: np.ndarray, counts: np.ndarray, min_count: int, max_len: int | None
) -> list[tuple[tuple[int, ...], int]]:
    """Depth-first search of the itemsets (as row numbers of ``bits``) seen in min_count baskets."""
    found: list[tuple[tuple[int, ...], int]] = []
    stack: list[tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray]] = [
        ((), np.arange(len(bits)), bits, counts)
    ]
    while stack:
        prefix, ext_ids, ext_bits, ext_counts = stack.pop()
        for i in range(len(ext_ids)):
            items = (*prefix, int(ext_ids[i]))
            found.append((items, int(ext_counts[i])))
            if i + 1 == len(ext_ids) or (max_len is not None and len(items) >= max_len):
                continue
            # All extensions of `items` in one call: AND with every later sibling, then count.
            joined = ext_bits[i + 1 :] & ext_bits[i]
            joined_counts = _popcount_rows(joined)
            keep = joined_counts >= min_count
            if keep.any():
                stack.append((items, ext_ids[i + 1 :][keep], joined[keep], joined_counts[keep]))
    return found


def frequent_itemsets(
    baskets: Sequence[Iterable[str]], *, min_support: float, max_len: int | None = None
) -> list[Itemset]:
    """Find every itemset whose support is at least ``min_support``.

    Args:
        baskets: One iterable of item names per basket; duplicates inside a basket count once,
            and empty baskets still count towards the number of baskets.
        min_support: Minimum fraction of baskets, in ``(0, 1]``.
        max_len: Longest itemset to return; ``None`` for no limit.

    Returns:
        The frequent itemsets, sorted by length, then support (descending), then items.

    Raises:
        ValueError: If ``min_support`` is outside ``(0, 1]`` or ``max_len`` is below 1.
    """
    if not 0.0 < min_support <= 1.0:
        raise ValueError(f"min_support must be in (0, 1], got {min_support}")
    if max_len is not None and max_len < 1:
        raise ValueError(f"max_len must be at least 1, got {max_len}")
    sets = [frozenset(basket) for basket in baskets]
    n_baskets = len(sets)
    if n_baskets == 0:
        return []
    min_count = _min_count(min_support, n_baskets)
    item_counts = Counter(item for basket in sets for item in basket)
    # Rarest first (Eclat's usual order): rare items get the long lists of extensions, and their
    # sparse rows prune those lists at once; frequent items come last with few extensions.
    names = sorted(
        (i for i, c in item_counts.items() if c >= min_count), key=lambda i: (item_counts[i], i)
    )
    if not names:
        return []
    bits = _vertical_bits(sets, names)
    counts = np.array([item_counts[name] for name in names], dtype=np.int64)
    found = _eclat(bits, counts, min_count, max_len)
    result = [
        Itemset(frozenset(names[i] for i in ids), count, count / n_baskets) for ids, count in found
    ]
    result.sort(key=lambda s: (len(s.items), -s.count, sorted(s.items)))
    return result


def association_rules(
    itemsets: Iterable[Itemset],
    *,
    n_baskets: int,
    min_confidence: float = 0.8,
    min_lift: float | None = None,
) -> list[Rule]:
    """Split every frequent itemset into rules ``A -> C`` and keep the confident ones.

    As in mlxtend's ``association_rules(..., metric="confidence")``, every non-empty disjoint split
    of each itemset of two or more items is a candidate, kept when confidence >= min_confidence.
    Confidence is count(A ∪ C) / count(A), so a rule exactly at the threshold (20 of 100 baskets at
    0.2) is kept; mlxtend's ``(support * n) / (support * n)`` can round such a tie just below.

    Args:
        itemsets: Frequent itemsets closed under subsets, e.g. from :func:`frequent_itemsets`.
        n_baskets: Number of baskets the itemsets were mined from.
        min_confidence: Minimum confidence, support(A ∪ C) / support(A).
        min_lift: If given, also require lift >= min_lift.

    Returns:
        The rules, in the order their itemsets were given, larger antecedents first.

    Raises:
        ValueError: If ``n_baskets`` is not positive.
        KeyError: If an antecedent or consequent of some itemset is missing from ``itemsets``.
    """
    if n_baskets <= 0:
        raise ValueError(f"n_baskets must be positive, got {n_baskets}")
    itemsets = list(itemsets)
    counts = {s.items: s.count for s in itemsets}
    n = n_baskets
    rules: list[Rule] = []
    for itemset in itemsets:
        if len(itemset.items) < 2:
            continue
        c_ac = itemset.count
        members = sorted(itemset.items)
        for size in range(len(members) - 1, 0, -1):
            for chosen in combinations(members, size):
                antecedent = frozenset(chosen)
                consequent = itemset.items - antecedent
                try:
                    c_a, c_c = counts[antecedent], counts[consequent]
                except KeyError as exc:
                    raise KeyError(f"itemsets are not closed under subsets: {exc} missing") from exc
                confidence = c_ac / c_a
                if confidence < min_confidence:
                    continue
                lift = (c_ac * n) / (c_a * c_c)
                if min_lift is not None and lift < min_lift:
                    continue
                rules.append(
                    Rule(
                        antecedent=antecedent,
                        consequent=consequent,
                        count=c_ac,
                        antecedent_support=c_a / n,
                        consequent_support=c_c / n,
                        support=c_ac / n,
                        confidence=confidence,
                        lift=lift,
                        leverage=(c_ac * n - c_a * c_c) / (n * n),
                        conviction=(
                            math.inf if c_ac == c_a else ((n - c_c) * c_a) / (n * (c_a - c_ac))
                        ),
                    )
                )
    return rules


def store_baskets(
    session: Session,
    *,
    store_id: str | None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[frozenset[str]]:
    """The SKUs of each order, one basket per order, leaving out cancelled and refunded orders.

    Args:
        session: An open database session.
        store_id: Only this store's orders; ``None`` for every store.
        since: Only orders created at or after this time.
        until: Only orders created before this time.

    Returns:
        One frozenset of SKUs per order that has lines, in order-id order.
    """
    query = (
        select(OrderLine.order_id, OrderLine.sku)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status.not_in(EXCLUDED_STATUSES))
        .order_by(OrderLine.order_id)
    )
    if store_id is not None:
        query = query.where(Order.store_id == store_id)
    if since is not None:
        query = query.where(Order.created_at >= since)
    if until is not None:
        query = query.where(Order.created_at < until)
    skus: defaultdict[str, set[str]] = defaultdict(set)
    for order_id, sku in session.execute(query):
        skus[order_id].add(sku)
    return [frozenset(basket) for basket in skus.values()]


def product_associations(
    session: Session,
    *,
    store_id: str | None,
    since: datetime | None = None,
    min_support: float,
    min_confidence: float,
    sku: str | None = None,
) -> list[Rule]:
    """Association rules between SKUs of a store's orders, strongest first.

    Args:
        session: An open database session.
        store_id: Only this store's orders; ``None`` for every store.
        since: Only orders created at or after this time.
        min_support: Minimum fraction of orders containing a rule's SKUs, in ``(0, 1]``.
        min_confidence: Minimum confidence of a rule.
        sku: If given, only rules whose antecedent contains this SKU.

    Returns:
        The rules, sorted by lift, then confidence, then support (all descending).
    """
    baskets = store_baskets(session, store_id=store_id, since=since)
    if not baskets:
        return []
    itemsets = frequent_itemsets(baskets, min_support=min_support)
    rules = association_rules(itemsets, n_baskets=len(baskets), min_confidence=min_confidence)
    if sku is not None:
        rules = [rule for rule in rules if sku in rule.antecedent]
    rules.sort(
        key=lambda r: (
            -r.lift,
            -r.confidence,
            -r.support,
            sorted(r.antecedent),
            sorted(r.consequent),
        )
    )
    return rules


def describe_rule(rule: Rule, names: Mapping[str, str]) -> str:
    """Render a rule for a store owner, e.g. "买婴儿有机米粉的顾客 38% 也买儿童奶酪棒（提升度 3.2）".

    Args:
        rule: The rule to describe; its items are SKUs.
        names: Product name of each SKU; an unknown SKU is shown as itself.

    Returns:
        One line of Simplified Chinese.
    """
    antecedent = "、".join(names.get(s, s) for s in sorted(rule.antecedent))
    consequent = "、".join(names.get(s, s) for s in sorted(rule.consequent))
    together = "同时" if len(rule.antecedent) > 1 else ""
    return (
        f"{together}买{antecedent}的顾客 {rule.confidence:.0%} 也买{consequent}"
        f"（提升度 {rule.lift:.1f}）"
    )
