"""Chinese-aware chunking: sentence ends, headings, size limits, metadata on every chunk."""

from __future__ import annotations

from knowledge.chunking import chunk_document, markdown_blocks, split_sentences, split_text
from knowledge.records import Document


def test_sentences_end_at_chinese_punctuation() -> None:
    text = "冷藏 0–4°C 可保存 5–7 天。吃前再洗！要冷链吗？要；全程冷链"
    assert split_sentences(text) == ["冷藏 0–4°C 可保存 5–7 天。", "吃前再洗！", "要冷链吗？", "要；", "全程冷链"]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert split_sentences("店员说：“吃前再洗。”然后走了。") == ["店员说：“吃前再洗。”", "然后走了。"]


def test_long_paragraph_splits_at_sentence_ends_within_limit() -> None:
    sentence = "有机纯牛奶开封后 48 小时内喝完，期间一直冷藏。"
    pieces = split_text(sentence * 12, max_chars=60)
    assert all(len(p) <= 60 for p in pieces) and len(pieces) >= 6
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == sentence * 12


def test_a_sentence_longer_than_the_limit_is_cut_at_commas() -> None:
    long = "，".join(["这是一个很长的分句"] * 10) + "。"
    pieces = split_text(long, max_chars=30)
    assert all(len(p) <= 30 for p in pieces) and "".join(pieces) == long


def test_short_paragraphs_are_packed_together() -> None:
    assert split_text("第一段。\n\n第二段。", max_chars=100) == ["第一段。\n第二段。"]


def test_headings_make_sections_and_chunks_never_cross_them() -> None:
    title, blocks = markdown_blocks("# 蓝莓\n简介。\n## 储存\n冷藏。\n### 开封后\n尽快吃完。\n## 产地\n云南。")
    assert title == "蓝莓"
    assert [b.section for b in blocks] == ["", "储存", "储存 / 开封后", "产地"]
    doc = Document("P1001", "蓝莓", "p.md", tuple(blocks), sku="P1001", scope="S001", updated="2026-06-01")
    chunks = chunk_document(doc)
    assert [c.text for c in chunks] == ["简介。", "冷藏。", "尽快吃完。", "云南。"]
    assert [c.chunk_id for c in chunks] == ["P1001#0", "P1001#1", "P1001#2", "P1001#3"]
    assert all((c.doc_id, c.sku, c.scope, c.source, c.updated) == ("P1001", "P1001", "S001", "p.md", "2026-06-01")
               for c in chunks)
    assert chunks[2].index_text() == "蓝莓 · 储存 / 开封后\n尽快吃完。"
