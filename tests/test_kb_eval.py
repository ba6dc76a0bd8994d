"""CI's fast run of the retrieval eval: hybrid recall@5 must stay >= 0.95 on the demo knowledge
base, and the no-answer rule must refuse the off-topic questions and answer most others."""

from __future__ import annotations

from evals.retrieval_eval import (
    HYBRID_RECALL_AT_5_MIN,
    load_questions,
    no_answer_check,
    run_mode,
    score,
    top_hits,
)
from knowledge import KnowledgeBase

pytest_plugins = ("tests.kb_support",)  # the knowledge-base fixtures


def test_eval_set_is_large_enough_and_names_real_documents(demo_kb: KnowledgeBase) -> None:
    questions = load_questions()
    docs = {entry["doc_id"] for entry in __import__("json").loads(
        demo_kb.manifest_path.read_text(encoding="utf-8"))["docs"].values()}
    assert sum(1 for q in questions if q.gold) >= 150 and len({q.q for q in questions}) == len(questions)
    assert {d for q in questions for d in q.gold} <= docs


def test_hybrid_recall_at_5_and_no_answer_rule(demo_kb: KnowledgeBase) -> None:
    questions = load_questions()
    hybrid = score(questions, run_mode(demo_kb, questions, "hybrid"), "hybrid")
    assert hybrid.recall_at_5 >= HYBRID_RECALL_AT_5_MIN, hybrid.misses
    assert hybrid.mrr >= 0.9
    answerable = sum(1 for q in questions if q.gold)
    answered, refused = no_answer_check(questions, top_hits(demo_kb, questions), demo_kb.relevance)
    assert refused >= 0.9 * (len(questions) - answerable) and answered >= 0.9 * answerable
