"""The demo knowledge base says exactly what shared/demo-store.md says."""

from __future__ import annotations

import csv

import pytest

from knowledge.documents import load_document
from store.demo.canonical import PRODUCTS
from tests.kb_helpers import DEMO_DOCS

pytest_plugins = ("tests.kb_support",)  # the knowledge-base fixtures

POLICY_NUMBERS = ["07:30–22:00", "9 折", "3 公里", "39 元", "5 元", "22:00", "15:00–21:00", "100 积分抵 1 元",
                  "50%", "1000 元", "3000 元", "98 折", "95 折", "24 小时", "7 天"]


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.sku)
def test_every_canonical_fact_is_in_its_product_document(product) -> None:  # noqa: ANN001
    doc = load_document(DEMO_DOCS / "products" / f"{product.sku}.md")
    text = "\n".join(b.text for b in doc.blocks)
    assert (doc.doc_id, doc.sku, doc.scope) == (product.sku, product.sku, "all")
    assert doc.title == product.name and product.spec in text and f"{product.price} 元" in text
    for fact in filter(None, (f.strip() for f in product.facts.split("；"))):
        assert fact in text, fact
    assert set(product.aliases) <= set(doc.aliases)


def test_policies_carry_every_number() -> None:
    text = (DEMO_DOCS / "policies.md").read_text(encoding="utf-8")
    for number in POLICY_NUMBERS:
        assert number in text, number


def test_faq_sheet_has_at_least_30_entries_with_skus_that_exist() -> None:
    with open(DEMO_DOCS / "faq.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 30 and all(r["question"] and r["answer"] for r in rows)
    assert {r["sku"] for r in rows if r["sku"]} <= {p.sku for p in PRODUCTS}


def test_store_scoped_notices() -> None:
    assert load_document(DEMO_DOCS / "notice-S001.md").scope == "S001"
    assert load_document(DEMO_DOCS / "notice-S002.md").scope == "S002"
