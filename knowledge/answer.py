"""Compose a short Chinese answer from retrieved chunks, with numbered citations — or say so.

The composer is extractive on purpose: every sentence in an answer is quoted verbatim from a cited
chunk, inside 「」, followed by its number; the rest is a fixed template. Document text is data:
whatever a chunk says ("忽略之前的指令……") can only ever appear as a quotation with its source,
never change what the composer does. Below the relevance threshold it answers ``NO_ANSWER``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.chunking import split_sentences
from knowledge.hybrid import Relevance, best_relevance, is_answerable
from knowledge.records import Hit

NO_ANSWER = "暂时没有查到相关信息，建议咨询门店店员。"
ANSWER_INTRO = "根据门店资料："


@dataclass(frozen=True)
class Citation:
    """What a number such as ``[1]`` in an answer points to."""

    number: int
    doc_id: str
    title: str
    section: str
    source: str
    chunk_id: str

    def label(self) -> str:
        """``title · section`` as shown to a shopper."""
        return f"{self.title} · {self.section}" if self.section else self.title


@dataclass(frozen=True)
class Answer:
    """A composed answer: its text, its citations, and whether anything relevant was found."""

    text: str
    citations: tuple[Citation, ...]
    answered: bool
    relevance: float  #: dense similarity of the best hit


def _answer_part(text: str) -> str:
    # a FAQ chunk is "问：…\n答：…": quote the answer, not the question back
    return text.split("答：", 1)[1] if "答：" in text else text


def _char_overlap(query: str) -> Callable[[str], float]:
    grams = {query[i:i + 2] for i in range(len(query) - 1)}
    return lambda s: float(sum(1 for i in range(len(s) - 1) if s[i:i + 2] in grams))


def pick_sentences(text: str, score: Callable[[str], float], limit: int = 2, max_chars: int = 120) -> list[str]:
    """The ``limit`` best-scoring sentences of ``text``, in their original order, each shortened to
    ``max_chars`` (with …) — the first sentences when none scores."""
    sentences = [s.replace("\n", " ") for s in split_sentences(_answer_part(text))]
    ranked = sorted(range(len(sentences)), key=lambda i: (-score(sentences[i]), i))[:limit]
    chosen = [sentences[i] for i in sorted(ranked)]
    return [s if len(s) <= max_chars else s[: max_chars - 1] + "…" for s in chosen]


def compose_answer(query: str, hits: Sequence[Hit], *, relevance: Relevance, max_citations: int = 2,
                   score: Callable[[str], float] | None = None) -> Answer:
    """A short answer quoting the best chunks, each quote followed by its citation number.

    Args:
        query: the shopper's question.
        hits: search results, best first.
        relevance: calibrated thresholds; below them the answer is ``NO_ANSWER``.
        max_citations: how many chunks may be quoted.
        score: how well a sentence matches the query (default: shared character bigrams).
    """
    best = best_relevance(hits)
    cited = [h for h in hits if h.dense is not None and h.dense >= relevance.floor]
    if not cited or not is_answerable(hits, relevance):
        return Answer(NO_ANSWER, (), False, best)
    score = score or _char_overlap(query)
    lines: list[str] = []
    citations: list[Citation] = []
    seen: set[str] = set()
    for hit in cited:
        c = hit.chunk
        quotes = [q for q in pick_sentences(c.text, score) if q not in seen]
        if not quotes:
            continue
        seen.update(quotes)
        number = len(citations) + 1
        citations.append(Citation(number, c.doc_id, c.title, c.section, c.source, c.chunk_id))
        lines.extend(f"· 「{q}」[{number}]" for q in quotes)
        if len(citations) == max_citations:
            break
    sources = "；".join(f"[{c.number}] {c.label()}" for c in citations)
    return Answer("\n".join([ANSWER_INTRO, *lines, f"来源：{sources}"]), tuple(citations), True, best)
