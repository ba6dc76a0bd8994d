"""Product knowledge base: ingest documents, index them (chromadb + BM25), search with citations.

Knows nothing of the agent: it takes documents and returns ranked chunks with their sources.
"""

from knowledge.answer import NO_ANSWER, Answer, Citation, compose_answer
from knowledge.base import KnowledgeBase, KnowledgeStats
from knowledge.ingest import IngestReport
from knowledge.records import CHAIN_SCOPE, Chunk, Hit

__all__ = ["CHAIN_SCOPE", "NO_ANSWER", "Answer", "Chunk", "Citation", "Hit", "IngestReport",
           "KnowledgeBase", "KnowledgeStats", "compose_answer"]
