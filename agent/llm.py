"""The LLM engine: any OpenAI-compatible chat endpoint through ``langchain-openai``.

The model sees only the tools the caller's role may use, their schemas derived from the functions,
and a system prompt per role from ``prompts/system``. Tool calls run through the registry (roles
checked again, phones masked); a WRITE tool call becomes a confirmation turn, never a write.
Timeouts, HTTP errors, malformed tool calls or too many steps raise, and the graph falls back to
the offline engine (and logs it).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

import agent.skill_tools  # noqa: F401 - registers the skill tools
from agent.intents import NO, YES
from agent.offline import OfflineEngine, Turn, propose_write
from agent.skills.base import SkillRun
from prompts import render, text
from store.masking import mask_phones_in_text
from tools.context import ROLE_LABELS
from tools.errors import ToolError
from tools.registry import REGISTRY, Access, call_tool, tools_for

log = logging.getLogger(__name__)


class LLMEngineError(RuntimeError):
    """The model's answer cannot be used (malformed tool calls, too many steps)."""


def make_chat_model(*, base_url: str | None, api_key: str, model: str, timeout: float, max_retries: int) -> Any:
    """A ``ChatOpenAI`` client for any OpenAI-compatible endpoint."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(base_url=base_url, api_key=SecretStr(api_key or "not-needed"), model=model, timeout=timeout,
                      max_retries=max_retries, temperature=0.3)


class LLMEngine:
    """Tool-calling loop over a chat model, with a step limit."""

    def __init__(self, chat_model: Any, offline: OfflineEngine, *, store_names: dict[str, str],
                 max_steps: int = 6) -> None:
        """``chat_model`` is a LangChain chat model supporting ``bind_tools``."""
        self.chat_model = chat_model
        self.offline = offline
        self.store_names = store_names
        self.max_steps = max_steps

    def _system(self, run: SkillRun) -> str:
        identity = run.ctx.identity
        return render("system/base.md.j2", store_name=self.store_names.get(identity.store_id, identity.store_id),
                      role_label=ROLE_LABELS[identity.role], today=f"{run.ctx.now:%Y-%m-%d}",
                      now=f"{run.ctx.now:%H:%M}", role_rules=text(f"system/{identity.role}.md"))

    def respond(self, run: SkillRun, message: str, memory: dict[str, Any], pending: dict[str, Any] | None,
                history: list[dict[str, str]] | None = None) -> Turn:
        """One turn: confirmations are handled in code; everything else by the model with tools."""
        if YES.match(message) or (pending and NO.search(message) and len(message) <= 12):
            return self.offline.respond(run, message, memory, pending)
        tools = tools_for(run.ctx.identity.role)
        model = self.chat_model.bind_tools([t.openai_schema() for t in tools])
        messages: list[BaseMessage] = [SystemMessage(self._system(run))]
        for m in (history or [])[-10:]:
            messages.append(HumanMessage(m["content"]) if m["role"] == "user" else AIMessage(m["content"]))
        messages.append(HumanMessage(message))
        for _ in range(self.max_steps):
            answer = model.invoke(messages)
            if getattr(answer, "invalid_tool_calls", None):
                raise LLMEngineError(f"malformed tool calls: {answer.invalid_tool_calls}")
            if not answer.tool_calls:
                reply = mask_phones_in_text(str(answer.content or "").strip())
                if not reply:
                    raise LLMEngineError("empty answer")
                return Turn(reply, calls=run.calls, citations=run.citations, memory=memory, intent="llm")
            messages.append(answer)
            for call in answer.tool_calls:
                tool = REGISTRY.get(call["name"])
                if tool is not None and tool.access is Access.WRITE and run.ctx.identity.role in tool.roles:
                    try:
                        return propose_write(run, call["name"], call["args"], memory)
                    except ToolError as exc:
                        content = json.dumps({"error": exc.message_zh}, ensure_ascii=False)
                else:
                    outcome = call_tool(run.ctx, call["name"], call["args"])
                    run.calls.append({"name": call["name"], "args": call["args"]})
                    if outcome.ok and outcome.data and call["name"] == "product_details":
                        run.cite(f"product:{outcome.data['sku']}", f"商品资料：{outcome.data['name']}", "商品信息")
                    payload = outcome.data if outcome.ok else {"error": outcome.error_zh}
                    content = json.dumps(payload, ensure_ascii=False, default=str)
                messages.append(ToolMessage(content=content, tool_call_id=call["id"]))
        raise LLMEngineError(f"no answer after {self.max_steps} steps")
