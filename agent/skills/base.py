"""The record of one skill run: every tool call goes through the registry (role checks included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import call_tool


@dataclass
class SkillRun:
    """Calls tools for a skill and remembers which ones, with their arguments and citations."""

    ctx: ToolContext
    calls: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, str]] = field(default_factory=list)

    def call(self, name: str, **args: Any) -> dict[str, Any]:
        """Call a tool; a refusal or domain problem raises :class:`ToolError` with its message."""
        outcome = call_tool(self.ctx, name, args)
        self.calls.append({"name": name, "args": args})
        if not outcome.ok or outcome.data is None:
            raise ToolError(outcome.error_zh or "操作失败", f"{name} failed")
        return outcome.data

    def maybe(self, name: str, **args: Any) -> dict[str, Any] | None:
        """Call a tool and return None instead of raising when it is refused or finds nothing."""
        try:
            return self.call(name, **args)
        except ToolError:
            return None

    def cite(self, doc_id: str, title: str, section: str = "") -> int:
        """Add a source and return its citation number ``[n]``."""
        for i, c in enumerate(self.citations, start=1):
            if c["doc_id"] == doc_id and c.get("section", "") == section:
                return i
        self.citations.append({"doc_id": doc_id, "title": title, "section": section})
        return len(self.citations)
