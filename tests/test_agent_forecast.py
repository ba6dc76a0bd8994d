"""Owners get restock advice and forecasts from the forecaster through the assistant; others don't."""

from __future__ import annotations

import re
from pathlib import Path

from agent.assistant import Assistant, sqlite_checkpointer
from agent.clock import make_clock
from tests.conftest import DEMO_TODAY
from tools.context import resolve_identity


def test_restock_and_forecast_for_owners_only(demo_factory, tmp_path: Path):
    a = Assistant(demo_factory, checkpointer=sqlite_checkpointer(tmp_path / "ck.db"),
                  clock=make_clock(configured_today=None, demo_today=DEMO_TODAY))
    with demo_factory() as s:
        owner = resolve_identity(s, role="owner", store_id="S001")
        clerk = resolve_identity(s, role="clerk", store_id="S001")
    plan = a.reply("今天要补什么货？", owner)
    assert [c["name"] for c in plan.tool_calls] == ["restock_suggestions"]
    assert re.search(r"建议订 \d+", plan.reply) and "在库" in plan.reply
    forecast = a.reply("蓝莓未来7天预计能卖多少", owner)
    assert re.search(r"云南高原蓝莓（S001）未来 7 天需求预测：中位数合计 [\d.]+", forecast.reply)
    refused = a.reply("今天要补什么货？", clerk)
    assert "只对店主开放" in refused.reply and not refused.tool_calls
