"""Basket mining: our Eclat miner against mlxtend on the real Groceries baskets.

Run from the repository root::

    python -m benchmarks.baskets [--min-support 0.005] [--min-confidence 0.2] [--repeat 3]

Both pipelines are timed end to end from the list of baskets: mlxtend's includes the
``TransactionEncoder`` one-hot step, ours includes building its bitsets. The exit status is 0 when
both find the same itemsets and rules, 1 when they differ, 2 when the data file is missing.

A rule whose confidence is exactly the threshold (say 20 of 100 baskets at 0.2) is a boundary tie:
we compute confidence as count / count and keep it, while mlxtend computes
``(support * n) / (support * n)``, which can round just below the threshold and drop it. Such
rules are counted apart and, unless ``--strict`` is given, do not make the run fail.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.analytics.baskets import Rule, association_rules, frequent_itemsets

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "groceries.csv"
METRICS = {
    "antecedent_support": "antecedent support",
    "consequent_support": "consequent support",
    "support": "support",
    "confidence": "confidence",
    "lift": "lift",
    "leverage": "leverage",
    "conviction": "conviction",
}
RuleKey = tuple[frozenset[str], frozenset[str]]


@dataclass
class Mined:
    """What one implementation found: support of each itemset, metrics of each rule."""

    itemsets: dict[frozenset[str], float]
    rules: dict[RuleKey, dict[str, float]]


def load_baskets(path: Path) -> list[list[str]]:
    """Read one basket per line, items separated by commas; a blank line is an empty basket."""
    with path.open(encoding="utf-8") as fh:
        return [[item for item in line.rstrip("\n").split(",") if item] for line in fh]


def run_mlxtend(baskets: list[list[str]], min_support: float, min_confidence: float) -> Any:
    """One-hot encode, mine with ``fpgrowth`` and derive rules; returns both DataFrames."""
    import pandas as pd
    from mlxtend.frequent_patterns import association_rules as mlx_rules
    from mlxtend.frequent_patterns import fpgrowth
    from mlxtend.preprocessing import TransactionEncoder

    encoder = TransactionEncoder()
    onehot = pd.DataFrame(encoder.fit(baskets).transform(baskets), columns=encoder.columns_)
    itemsets = fpgrowth(onehot, min_support=min_support, use_colnames=True)
    if itemsets.empty:  # mlxtend refuses to derive rules from no itemsets
        return itemsets, None
    rules = mlx_rules(
        itemsets, num_itemsets=len(baskets), metric="confidence", min_threshold=min_confidence
    )
    return itemsets, rules


def run_ours(baskets: list[list[str]], min_support: float, min_confidence: float) -> Any:
    """Mine with :func:`frequent_itemsets` and derive rules with :func:`association_rules`."""
    itemsets = frequent_itemsets(baskets, min_support=min_support)
    return itemsets, association_rules(
        itemsets, n_baskets=len(baskets), min_confidence=min_confidence
    )


def best_time(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls, and the result of the last one."""
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def from_mlxtend(itemsets: Any, rules: Any) -> Mined:
    """mlxtend's DataFrames as plain dictionaries."""
    found = Mined(dict(zip(itemsets["itemsets"], itemsets["support"], strict=True)), {})
    for _, row in rules.iterrows() if rules is not None else ():
        key = (frozenset(row["antecedents"]), frozenset(row["consequents"]))
        found.rules[key] = {field: float(row[column]) for field, column in METRICS.items()}
    return found


def from_ours(itemsets: list[Any], rules: list[Rule]) -> Mined:
    """Our dataclasses as plain dictionaries."""
    return Mined(
        {s.items: s.support for s in itemsets},
        {(r.antecedent, r.consequent): {f: getattr(r, f) for f in METRICS} for r in rules},
    )


def _same(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def differences(
    theirs: Mined, ours: Mined, n_baskets: int, min_confidence: float
) -> dict[str, int]:
    """Count itemset and rule differences, and the rule differences that are boundary ties."""
    itemset_diffs = len(theirs.itemsets.keys() ^ ours.itemsets.keys()) + sum(
        not _same(ours.itemsets[k], theirs.itemsets[k])
        for k in ours.itemsets.keys() & theirs.itemsets.keys()
    )
    only_ours = ours.rules.keys() - theirs.rules.keys()
    ties = sum(
        ours.rules[k]["confidence"] == min_confidence
        # mlxtend's own confidence expression for this rule, from its own supports
        and (ours.rules[k]["support"] * n_baskets)
        / (ours.rules[k]["antecedent_support"] * n_baskets)
        < min_confidence
        for k in only_ours
    )
    rule_diffs = len(only_ours) + len(theirs.rules.keys() - ours.rules.keys())
    rule_diffs += sum(
        not all(_same(ours.rules[k][f], theirs.rules[k][f]) for f in METRICS)
        for k in ours.rules.keys() & theirs.rules.keys()
    )
    return {"itemsets": itemset_diffs, "rules": rule_diffs, "ties": ties}


def _plural(n: int) -> str:
    return f"{n} difference" if n == 1 else f"{n} differences"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table; returns the exit status."""
    parser = argparse.ArgumentParser(description="Basket mining: ours against mlxtend.")
    parser.add_argument("--min-support", type=float, default=0.005)
    parser.add_argument("--min-confidence", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--data", type=Path, default=DATA, help="baskets file (groceries.csv)")
    parser.add_argument("--strict", action="store_true", help="fail on boundary ties too")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"groceries data not found at {args.data}; pass --data PATH", file=sys.stderr)
        return 2
    try:
        import mlxtend  # noqa: F401
    except ImportError:
        print(
            "mlxtend is not installed; install the dev extras: pip install -e '.[dev]'",
            file=sys.stderr,
        )
        return 2

    baskets = load_baskets(args.data)
    ms, mc, repeat = args.min_support, args.min_confidence, max(args.repeat, 1)
    t_mlx, mlx_out = best_time(lambda: run_mlxtend(baskets, ms, mc), repeat)
    t_ours, ours_out = best_time(lambda: run_ours(baskets, ms, mc), repeat)
    theirs, ours = from_mlxtend(*mlx_out), from_ours(*ours_out)
    diffs = differences(theirs, ours, len(baskets), mc)

    n_items = len({item for basket in baskets for item in basket})
    print(f"{args.data.name}: {len(baskets)} baskets, {n_items} distinct items")
    print(f"min_support={ms}  min_confidence={mc}  best of {repeat}\n")
    print(f"{'':16}{'mlxtend':>12}{'ours':>12}")
    print(f"{'itemsets':16}{len(theirs.itemsets):>12}{len(ours.itemsets):>12}")
    print(f"{'rules':16}{len(theirs.rules):>12}{len(ours.rules):>12}")
    print(f"{'best time (s)':16}{t_mlx:>12.4f}{t_ours:>12.4f}\n")
    print(f"itemsets match exactly: {diffs['itemsets'] == 0} ({_plural(diffs['itemsets'])})")
    print(f"rules match exactly:    {diffs['rules'] == 0} ({_plural(diffs['rules'])})")
    if diffs["ties"]:
        print(
            f"  of which boundary ties: {diffs['ties']} (confidence exactly {mc}: kept by us, "
            "dropped by mlxtend's rounding)"
        )
    print(f"speed-up (mlxtend time / ours): {t_mlx / t_ours:.1f}x")
    unexplained = diffs["itemsets"] + diffs["rules"] - (0 if args.strict else diffs["ties"])
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
