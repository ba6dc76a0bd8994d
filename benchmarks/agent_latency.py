"""Per-turn latency of the assistant, and the graph's own overhead, printed (not a test).

    python -m benchmarks.agent_latency [--turns 200]

Measures on a seeded demo database (built in a temp folder):
1. offline engine through the whole graph (checkpointer included) over the eval suite's messages;
2. the same messages straight into the offline engine, without graph or checkpointer (baseline);
3. the LLM engine with a scripted in-process chat model that answers at once (no HTTP), so the
   time is the graph + prompt building + tool schemas + checkpointer, not a model.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agent.assistant import Assistant, sqlite_checkpointer
from agent.clock import make_clock
from agent.skills.base import SkillRun
from evals.agent_eval import load_suite
from store.db import make_engine, make_session_factory
from store.demo.seed import seed_demo
from tools.context import ToolContext, resolve_identity

TODAY = date(2026, 12, 10)


class InstantModel(BaseChatModel):
    """A chat model that answers immediately with a fixed text (no tool calls)."""

    def _generate(self, messages: list[Any], stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="好的，已为您查到。"))])

    def bind_tools(self, tools: Any, **kw: Any) -> InstantModel:  # type: ignore[override]
        return self

    @property
    def _llm_type(self) -> str:
        return "instant"


def _pct(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"p50 {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   n={len(values)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    cases = [c for c in load_suite()["cases"] if len(c["turns"]) == 1 and "{" not in c["turns"][0]]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'store.db'}")
        print("seeding the demo store …")
        seed_demo(engine, today=TODAY, seed=20240601)
        factory = make_session_factory(engine)
        clock = make_clock(configured_today=None, demo_today=TODAY)
        offline = Assistant(factory, checkpointer=sqlite_checkpointer(Path(tmp) / "a.db"), clock=clock)
        scripted = Assistant(factory, checkpointer=sqlite_checkpointer(Path(tmp) / "b.db"), clock=clock,
                             chat_model=InstantModel())
        identities = {}
        with factory() as s:
            for c in cases:
                key = (c["role"], tuple(sorted((c.get("who") or {"store_id": "S001"}).items())))
                identities.setdefault(key, resolve_identity(s, role=c["role"], **dict(key[1])))
        work = [(identities[(c["role"], tuple(sorted((c.get("who") or {"store_id": "S001"}).items())))], c["turns"][0])
                for c in cases]
        work = (work * (args.turns // len(work) + 1))[:args.turns]
        graph_ms, bare_ms, llm_ms = [], [], []
        for identity, message in work:
            t = time.perf_counter()
            offline.reply(message, identity)
            graph_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            offline.offline.respond(SkillRun(ToolContext(identity, factory, clock())), message, {}, None)
            bare_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            scripted.reply(message, identity)
            llm_ms.append((time.perf_counter() - t) * 1000)
    print(f"offline engine, through the graph : {_pct(graph_ms)}")
    print(f"offline engine, no graph (baseline): {_pct(bare_ms)}")
    print(f"graph overhead (median difference) : {statistics.median(graph_ms) - statistics.median(bare_ms):.1f} ms "
          f"(ratio {statistics.median(graph_ms) / statistics.median(bare_ms):.2f}x)")
    print(f"LLM engine, instant scripted model : {_pct(llm_ms)}")


if __name__ == "__main__":
    main()
