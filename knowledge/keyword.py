"""The keyword index: jieba tokens with a user dictionary, synonym expansion, BM25 over numpy.

Titles and aliases of the indexed documents (product names such as 阳光玫瑰 or 8424 西瓜) are added
to jieba's dictionary so they stay whole words. BM25 follows rank-bm25's ``BM25Okapi`` exactly
(same idf with its epsilon floor; tests compare the scores) but keeps per-term posting arrays, so a
query costs a few numpy additions instead of a Python loop over every chunk.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import jieba
import numpy as np

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
#: Function words and question words that carry no topic in a shopper's question.
_STOPWORD_TEXT = (
    "的 了 吗 呢 吧 啊 呀 哦 么 嘛 是 在 有 和 与 及 或 也 都 就 还 要 会 能 可以 可 我 你 他 她 它 我们 你们 "
    "这 那 这个 那个 哪 哪个 什么 怎么 怎么样 怎样 如何 多少 几 请问 一下 一个 个 不 没 没有 呗 给 让 "
    "被 把 对 从 到 上 下 里 中 之 为 用 又 再 很 太 最 更 好 想 问 知道 请 谢谢 您 咱 咱们"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_TOKEN_RE = re.compile(r"[\w°%.]+")
jieba.setLogLevel(logging.WARNING)


def load_synonyms(path: Path = SYNONYMS_FILE) -> list[tuple[str, ...]]:
    """Synonym groups from a file: one group a line, words separated by spaces, ``#`` comments."""
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = tuple(w for w in line.split("#", 1)[0].split() if w)
        if len(words) > 1:
            groups.append(words)
    return groups


class ChineseTokenizer:
    """jieba search-mode tokens, lower-cased, without stopwords and punctuation."""

    def __init__(self, user_words: Iterable[str] = (), synonyms: Sequence[tuple[str, ...]] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.synonyms = list(synonyms)
        words = {w.strip() for w in user_words if w and len(w.strip()) > 1}
        words |= {w for group in self.synonyms for w in group if len(w) > 1}
        for word in sorted(words):
            # a space inside a product name ("8424 西瓜") would split it anyway; add both forms
            for form in {word, word.replace(" ", "")}:
                self._jieba.add_word(form, freq=20000)

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens of ``text`` (a long word also yields the shorter words inside it)."""
        out = []
        for token in self._jieba.cut_for_search(text.lower()):
            token = token.strip()
            if token and token not in STOPWORDS and _TOKEN_RE.fullmatch(token):
                out.append(token)
        return out

    def query_tokens(self, query: str) -> list[str]:
        """Tokens of a query plus the tokens of synonyms of any group it mentions."""
        tokens = self.tokens(query)
        lowered = query.lower()
        seen = set(tokens)
        extra: list[str] = []
        for group in self.synonyms:
            if any(word in lowered for word in group):
                for word in group:
                    for tok in self.tokens(word):
                        if tok not in seen:
                            seen.add(tok)
                            extra.append(tok)
        return tokens + extra


class BM25Index:
    """Okapi BM25 over tokenised chunks, with per-chunk scope codes for filtering."""

    def __init__(self, corpus: Sequence[Sequence[str]], scopes: Sequence[str],
                 k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> None:
        self.size = len(corpus)
        self.scope_names = sorted(set(scopes))
        code = {s: i for i, s in enumerate(self.scope_names)}
        self.scope_codes = np.array([code[s] for s in scopes], dtype=np.int32)
        lengths = np.array([len(doc) for doc in corpus], dtype=np.float32)
        avgdl = float(lengths.mean()) if self.size else 0.0
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, doc in enumerate(corpus):
            for term, tf in Counter(doc).items():
                docs, tfs = postings.setdefault(term, ([], []))
                docs.append(i)
                tfs.append(tf)
        idf = {t: math.log(self.size - len(d) + 0.5) - math.log(len(d) + 0.5) for t, (d, _) in postings.items()}
        floor = epsilon * (sum(idf.values()) / len(idf)) if idf else 0.0
        norm = k1 * (1 - b + b * lengths / avgdl) if self.size else lengths
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (docs, tfs) in postings.items():
            ids, freq = np.array(docs, dtype=np.int32), np.array(tfs, dtype=np.float32)
            weight = (idf[term] if idf[term] >= 0 else floor) * freq * (k1 + 1) / (freq + norm[ids])
            self.postings[term] = (ids, weight.astype(np.float32))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk (a repeated query token counts again, as in rank-bm25)."""
        scores = np.zeros(self.size, dtype=np.float32)
        for token in query_tokens:
            hit = self.postings.get(token)
            if hit is not None:
                scores[hit[0]] += hit[1]  # chunk ids are unique within a posting list
        return scores

    def top(self, query_tokens: Sequence[str], scopes: Sequence[str], n: int) -> list[tuple[int, float]]:
        """The ``n`` best chunks (index, score) within ``scopes`` that match at least one token."""
        if not self.size:
            return []
        scores = self.scores(query_tokens)
        allowed = [self.scope_names.index(s) for s in scopes if s in self.scope_names]
        scores[~np.isin(self.scope_codes, allowed)] = 0.0
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]
