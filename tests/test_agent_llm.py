"""The LLM engine with the real openai/langchain-openai client against a scripted server on loopback."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.assistant import Assistant, sqlite_checkpointer
from agent.clock import make_clock
from agent.llm import make_chat_model
from store.models import GroupBuy, GroupBuyParticipant
from tests.conftest import DEMO_TODAY
from tests.scripted_openai import ScriptedOpenAI, Step, calls, offered_tools, text
from tools.context import resolve_identity


def make_assistant(factory, tmp_path: Path, server: ScriptedOpenAI, timeout: float = 10.0) -> Assistant:
    model = make_chat_model(base_url=server.base_url, api_key="test-key", model="scripted", timeout=timeout,
                            max_retries=0)
    return Assistant(factory, checkpointer=sqlite_checkpointer(tmp_path / "ck.db"), chat_model=model,
                     clock=make_clock(configured_today=None, demo_today=DEMO_TODAY))


def who(assistant: Assistant, role: str, **kw: str):
    with assistant.sessions() as s:
        return resolve_identity(s, role=role, **kw)


def _no_staff_tools(body) -> None:
    offered = offered_tools(body)
    assert "lookup_member" not in offered and "member_segments" not in offered, offered
    assert "product_details" in offered


def _tool_result_has(fragment: str):
    def check(body) -> None:
        tool_msgs = [m["content"] for m in body["messages"] if m["role"] == "tool"]
        assert any(fragment in m for m in tool_msgs), tool_msgs
    return check


def test_tool_call_then_prose_with_citation(demo_factory, tmp_path):
    script = [calls(("product_details", {"sku": "P2001"}), expect=_no_staff_tools),
              text("开封后 48 小时内喝完哦 [1]", expect=_tool_result_has("开封后 48 小时内喝完"))]
    with ScriptedOpenAI(script) as server:
        a = make_assistant(demo_factory, tmp_path, server)
        r = a.reply("开了盖的牛奶能放几天？", who(a, "shopper", member_id="M0002"))
    server.assert_finished()
    assert r.engine == "llm" and "48 小时" in r.reply
    assert [c["name"] for c in r.tool_calls] == ["product_details"]
    assert r.citations[0].doc_id == "product:P2001"
    system = server.requests[0]["messages"][0]
    assert system["role"] == "system" and "顾客" in system["content"]


def test_parallel_tool_calls(demo_factory, tmp_path):
    def both_results(body) -> None:
        tool_msgs = [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]
        assert {m["sku"] for m in tool_msgs} == {"P1001", "P1002"}
        assert all(m["on_hand"] is not None for m in tool_msgs)  # owners see counts
    script = [calls(("check_stock", {"sku": "P1001"}), ("check_stock", {"sku": "P1002"})),
              text("蓝莓和甜瓜都有货。", expect=both_results)]
    with ScriptedOpenAI(script) as server:
        a = make_assistant(demo_factory, tmp_path, server)
        r = a.reply("蓝莓和甜瓜还有多少", who(a, "owner", store_id="S001"))
    server.assert_finished()
    assert r.engine == "llm" and [c["name"] for c in r.tool_calls] == ["check_stock", "check_stock"]


def test_unknown_tool_and_forbidden_tool_get_errors_not_data(demo_factory, tmp_path):
    script = [calls(("drop_all_tables", {}), ("lookup_member", {"query": "M0001"})),
              text("抱歉，我只能查询您本人的信息。",
                   expect=lambda body: _tool_result_has("没有名为")(body) or _tool_result_has("无权")(body))]
    with ScriptedOpenAI(script) as server:
        a = make_assistant(demo_factory, tmp_path, server)
        r = a.reply("告诉我M0001的积分", who(a, "shopper", member_id="M0003"))
    server.assert_finished()
    tool_msgs = [m["content"] for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert "没有名为" in tool_msgs[0] and "无权" in tool_msgs[1] and "1280" not in "".join(tool_msgs)
    assert r.engine == "llm"


@pytest.mark.parametrize("failure", [
    calls(("product_details", "{not json")),
    Step(status=500),
    Step(content="太慢了", delay=3.0),
], ids=["malformed-arguments", "http-500", "timeout"])
def test_failures_fall_back_to_offline(demo_factory, tmp_path, caplog, failure):
    with ScriptedOpenAI([failure]) as server, caplog.at_level(logging.WARNING):
        a = make_assistant(demo_factory, tmp_path, server, timeout=1.0)
        r = a.reply("蓝莓甜不甜", who(a, "shopper", member_id="M0002"))
    assert r.engine == "offline" and "糖度≥14°Brix" in r.reply
    assert any("falling back to the offline engine" in rec.message for rec in caplog.records)
    assert len(server.requests) == 1


def test_write_from_the_model_waits_for_confirmation(demo_copy_factory, tmp_path):
    with demo_copy_factory() as s:
        gb = s.scalars(select(GroupBuy).where(GroupBuy.status == "open")).one()
        before = s.scalar(select(func.count()).select_from(GroupBuyParticipant))
    script = [calls(("join_group_buy", {"group_buy_id": gb.id, "qty": 2}))]
    with ScriptedOpenAI(script) as server:
        a = make_assistant(demo_copy_factory, tmp_path, server)
        shopper = who(a, "shopper", member_id="M0003")
        ask = a.reply("帮我接龙两盒蓝莓", shopper)
        with demo_copy_factory() as s:
            assert s.scalar(select(func.count()).select_from(GroupBuyParticipant)) == before
        done = a.reply("确认", shopper, ask.session_id)
        again = a.reply("确认", shopper, ask.session_id)
    server.assert_finished()  # confirmations are handled in code: no model call
    assert ask.pending_confirmation and ask.pending_confirmation["args"] == {"group_buy_id": gb.id, "qty": 2}
    assert "接龙成功" in done.reply and "没有需要确认" in again.reply
    with demo_copy_factory() as s:
        assert s.scalar(select(func.count()).select_from(GroupBuyParticipant)) == before + 1


def test_phone_numbers_in_model_text_are_masked(demo_factory, tmp_path):
    with ScriptedOpenAI([text("她的电话是 13800000002。")]) as server:
        a = make_assistant(demo_factory, tmp_path, server)
        r = a.reply("张婷电话多少", who(a, "owner", store_id="S001"))
    assert "13800000002" not in r.reply and "138****0002" in r.reply


def test_skills_are_tools_and_their_facts_reach_the_model(demo_factory, tmp_path):
    def has_script_facts(body) -> None:
        result = json.loads(next(m["content"] for m in body["messages"] if m["role"] == "tool"))
        assert result["run_sheet"][0]["at"] == "20:00"
        assert any("直播价 2 盒 29.9" in line for item in result["run_sheet"] for line in item["content"])
        assert {s["tag"] for s in result["segments"]} >= {"健身人群", "有孩家庭"}

    def owner_tools(body) -> None:
        assert {"live_stream_script", "group_post_draft", "member_segments"} <= offered_tools(body)

    script = [calls(("live_stream_script", {"skus": ["P1001", "P1002"], "start": "2026-12-10 20:00"}),
                    expect=owner_tools),
              text("今晚 20:00 开播：蓝莓直播价 2 盒 29.9 元……", expect=has_script_facts)]
    with ScriptedOpenAI(script) as server:
        a = make_assistant(demo_factory, tmp_path, server)
        r = a.reply("帮我写今晚8点的直播脚本，卖蓝莓和甜瓜", who(a, "owner", store_id="S001"))
    server.assert_finished()
    assert r.engine == "llm" and r.tool_calls[0]["name"] == "live_stream_script"


def test_clerk_is_not_offered_owner_skills(demo_factory, tmp_path):
    def clerk_tools(body) -> None:
        offered = offered_tools(body)
        assert "counter_talking_points" in offered
        assert not offered & {"live_stream_script", "group_post_draft", "member_segments", "marketing_audience"}

    with ScriptedOpenAI([text("李阿姨您好！", expect=clerk_tools)]) as server:
        a = make_assistant(demo_factory, tmp_path, server)
        a.reply("M0001 来了", who(a, "clerk", store_id="S001"))
    server.assert_finished()
