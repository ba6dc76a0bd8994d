"""The LangGraph graph behind every turn: guard the input, run an engine, finish the reply.

State lives in a LangGraph checkpointer per session (thread), so follow-ups and confirmation turns
work across calls. The run's context (who is asking, the tool handles, the engines) is passed at
invoke time and never stored in the checkpoint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agent.offline import OfflineEngine, Turn
from agent.skills.base import SkillRun
from store.masking import mask_phones_in_text
from tools.context import ToolContext

log = logging.getLogger(__name__)
MAX_MESSAGE_CHARS = 2000
HISTORY_LIMIT = 40  # messages kept per session (older ones are dropped from the checkpoint)


def _keep_recent(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    return (old + new)[-HISTORY_LIMIT:]


class ChatState(TypedDict, total=False):
    """What a session remembers between turns (all of it masked)."""

    messages: Annotated[list[dict[str, str]], _keep_recent]
    pending: dict[str, Any] | None
    memory: dict[str, Any]
    last: dict[str, Any]


class Engine(Protocol):
    """An engine answers one message given the conversation so far."""

    def respond(self, run: SkillRun, message: str, memory: dict[str, Any],
                pending: dict[str, Any] | None) -> Turn: ...


@dataclass
class TurnContext:
    """Run-scoped context of one turn."""

    message: str  #: the raw message (the checkpoint keeps a masked copy)
    tools: ToolContext
    offline: OfflineEngine
    llm: Any | None = None  #: an ``agent.llm.LLMEngine`` when configured


def _guard(state: ChatState, runtime: Runtime[TurnContext]) -> dict[str, Any]:
    text = runtime.context.message
    if not text.strip():
        return {"last": {"reply": "请输入您的问题～", "engine": "offline", "tool_calls": [], "citations": [],
                         "stop": True}}
    if len(text) > MAX_MESSAGE_CHARS:
        return {"last": {"reply": f"消息太长了（超过 {MAX_MESSAGE_CHARS} 字），请精简后再发。", "engine": "offline",
                         "tool_calls": [], "citations": [], "stop": True}}
    return {"last": {"stop": False}}


def _respond(state: ChatState, runtime: Runtime[TurnContext]) -> dict[str, Any]:
    ctx = runtime.context
    message = ctx.message
    memory = state.get("memory") or {}
    pending = state.get("pending")
    engine_name = "offline"
    turn: Turn | None = None
    if ctx.llm is not None:
        try:
            turn = ctx.llm.respond(SkillRun(ctx.tools), message, memory, pending,
                                   history=state.get("messages", [])[:-1])
            engine_name = "llm"
        except Exception as exc:  # noqa: BLE001 - any endpoint failure falls back, and is logged
            log.warning("LLM engine failed (%s: %s); falling back to the offline engine",
                        exc.__class__.__name__, exc)
    if turn is None:
        turn = ctx.offline.respond(SkillRun(ctx.tools), message, memory, pending)
    reply = mask_phones_in_text(turn.text)
    last = {"reply": reply, "engine": engine_name, "intent": turn.intent,
            "tool_calls": [{"name": c["name"], "args": c["args"]} for c in turn.calls],
            "citations": [{"doc_id": c["doc_id"], "title": c["title"], "section": c.get("section", "")}
                          for c in turn.citations],
            "pending": {"tool": turn.pending["tool"], "args": turn.pending["args"],
                        "summary": turn.pending["summary"]} if turn.pending else None}
    return {"messages": [{"role": "assistant", "content": reply}], "pending": turn.pending,
            "memory": turn.memory, "last": last}


def _after_guard(state: ChatState) -> str:
    return END if state.get("last", {}).get("stop") else "respond"


def build_graph(checkpointer: Any) -> Any:
    """Compile the graph with a checkpointer (SQLite or PostgreSQL saver, or in-memory)."""
    graph = StateGraph(ChatState, context_schema=TurnContext)
    graph.add_node("guard", _guard)
    graph.add_node("respond", _respond)
    graph.add_edge(START, "guard")
    graph.add_conditional_edges("guard", _after_guard, ["respond", END])
    graph.add_edge("respond", END)
    return graph.compile(checkpointer=checkpointer)


def user_message(text: str) -> dict[str, str]:
    """A user message as stored in the checkpoint (phone numbers masked)."""
    return {"role": "user", "content": mask_phones_in_text(text)}
