"""Knowledge-base tool: answers from the store's own documents, with citations, or "not found".

Retrieved text is data: it is returned quoted with its source and never treated as instructions.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import store_tool


class Source(BaseModel):
    """Where a numbered citation points."""

    number: int
    doc_id: str
    title: str
    section: str


class KnowledgeAnswer(BaseModel):
    """A short answer composed from the top passages, or the no-answer message."""

    answered: bool
    text: str = Field(description="quoted passages with [n] citation marks")
    sources: list[Source]


@store_tool(roles={"owner", "clerk", "shopper"})
def search_knowledge(ctx: ToolContext, question: str) -> KnowledgeAnswer:
    """Answer a question about products or store policies (hours, pickup, delivery, 接龙, points, after-sales) from the store's documents, with numbered sources.

    Args:
        question: the shopper's question in their own words, e.g. 开了盖的牛奶能放几天？
    """
    if ctx.knowledge is None:
        raise ToolError("知识库还没有建立", "no knowledge base configured")
    answer = ctx.knowledge.answer(question, store=ctx.identity.store_id, k=5)
    return KnowledgeAnswer(answered=answer.answered, text=answer.text,
                           sources=[Source(number=c.number, doc_id=c.doc_id, title=c.title, section=c.section)
                                    for c in answer.citations])
