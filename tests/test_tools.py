"""Tools enforce roles and scope in code, mask phones, and run writes only when confirmed."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

import tools  # noqa: F401 - registers the tools
from store.demo.seed import demo_now
from store.models import GroupBuy, GroupBuyParticipant, Order
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext, resolve_identity
from tools.errors import ToolError
from tools.registry import REGISTRY, call_tool, preview_write, tools_for

PHONE = re.compile(r"1[3-9]\d{9}")


def ctx_for(factory, role: str, **who: str) -> ToolContext:
    with factory() as s:
        identity = resolve_identity(s, role=role, **who)
    return ToolContext(identity=identity, sessions=factory, now=demo_now(DEMO_TODAY))


def test_tools_are_filtered_by_role_and_schemas_hide_context():
    shopper = {t.name for t in tools_for("shopper")}
    assert "lookup_member" not in shopper and "member_segments" not in shopper
    assert {"my_account", "my_orders", "join_group_buy"} <= shopper
    assert "join_group_buy" not in {t.name for t in tools_for("clerk")}
    for tool in REGISTRY.values():
        props = tool.openai_schema()["function"]["parameters"].get("properties", {})
        assert "ctx" not in props and "idempotency_key" not in props


def test_identity_defaults_and_mismatches(demo_factory):
    shopper = ctx_for(demo_factory, "shopper", member_id="M0006").identity
    assert shopper.store_id == "S002"
    owner = ctx_for(demo_factory, "owner", store_id="S001").identity
    assert owner.staff_id == "E101" and owner.owned_stores == {"S001"}
    with demo_factory() as s, pytest.raises(ToolError):
        resolve_identity(s, role="owner", staff_id="E102")  # a clerk claiming to be an owner
    with demo_factory() as s, pytest.raises(ToolError):
        resolve_identity(s, role="clerk", staff_id="E102", store_id="S002")


def test_shopper_is_refused_staff_tools_even_when_called_directly(demo_factory):
    ctx = ctx_for(demo_factory, "shopper", member_id="M0003")
    out = call_tool(ctx, "lookup_member", {"query": "M0001"})
    assert not out.ok and "无权" in out.error_zh
    out = call_tool(ctx, "product_details", {"sku": "P1001"})
    assert out.ok and out.data["cost"] is None and out.data["supplier"] is None
    stock = call_tool(ctx, "check_stock", {"sku": "P1001"})
    assert stock.ok and stock.data["on_hand"] is None and isinstance(stock.data["in_stock"], bool)


def test_owner_sees_cost_but_not_other_owners_stores(demo_factory):
    ctx = ctx_for(demo_factory, "owner", store_id="S001")
    out = call_tool(ctx, "product_details", {"sku": "P1001"})
    assert out.data["cost"] == "9.50" and out.data["supplier"]
    denied = call_tool(ctx, "check_stock", {"sku": "P1001", "store_id": "S002"})
    assert not denied.ok and "S002" in denied.error_zh
    seg = call_tool(ctx, "member_segments", {"tag": "健身人群"})
    assert seg.ok and seg.data["count"] > 0 and seg.data["store_id"] == "S001"


def test_clerk_lookup_is_store_scoped_and_masked(demo_factory):
    ctx = ctx_for(demo_factory, "clerk", store_id="S001")
    out = call_tool(ctx, "lookup_member", {"query": "M0001"})
    assert out.ok
    profile = out.data["members"][0]
    assert profile["phone"] == "138****0001" and profile["level"] == "金卡" and profile["lifecycle"] == "VIP"
    assert profile["points"] == 1280
    other = ctx_for(demo_factory, "clerk", store_id="S002")
    assert not call_tool(other, "lookup_member", {"query": "M0001"}).ok
    by_last4 = call_tool(ctx, "lookup_member", {"query": "0002"})
    assert by_last4.ok and by_last4.data["members"][0]["member_id"] == "M0002"


def test_no_tool_output_contains_a_full_phone_number(demo_factory):
    calls = [
        ("clerk", {"store_id": "S001"}, "lookup_member", {"query": "13800000002"}),
        ("owner", {"store_id": "S001"}, "member_segments", {"lifecycle": "沉睡"}),
        ("owner", {"store_id": "S001"}, "store_orders", {"days": 2}),
        ("shopper", {"member_id": "M0002"}, "my_account", {}),
        ("shopper", {"member_id": "M0002"}, "list_group_buys", {}),
    ]
    for role, who, name, args in calls:
        out = call_tool(ctx_for(demo_factory, role, **who), name, args)
        assert out.ok, (name, out.error_zh)
        assert not PHONE.search(json.dumps(out.data, ensure_ascii=False)), name


def test_shopper_account_and_group_buy_list_are_their_own(demo_factory):
    ctx = ctx_for(demo_factory, "shopper", member_id="M0001")
    acct = call_tool(ctx, "my_account", {}).data
    assert acct["profile"]["member_id"] == "M0001" and acct["profile"]["points"] == 1280
    gbs = call_tool(ctx_for(demo_factory, "shopper", member_id="M0002"), "list_group_buys", {}).data["items"]
    assert gbs and gbs[0]["sku"] == "P1001" and gbs[0]["my_qty"] >= 1
    details = call_tool(ctx, "group_buy_details", {"group_buy_id": gbs[0]["group_buy_id"]}).data
    assert "张*" in details["jielong"] and "张婷" not in details["jielong"]


def test_writes_need_confirmation_and_are_idempotent(demo_copy_factory):
    ctx = ctx_for(demo_copy_factory, "shopper", member_id="M0003")
    with demo_copy_factory() as s:
        gb = s.scalars(select(GroupBuy).where(GroupBuy.status == "open")).one()
        before = s.scalar(select(func.count()).select_from(GroupBuyParticipant).where(
            GroupBuyParticipant.group_buy_id == gb.id))
    refused = call_tool(ctx, "join_group_buy", {"group_buy_id": gb.id, "qty": 2})
    assert not refused.ok and "确认" in refused.error_zh
    args, summary = preview_write(ctx, "join_group_buy", {"group_buy_id": gb.id, "qty": 2})
    assert "2 盒" in summary and "云南高原蓝莓" in summary
    first = call_tool(ctx, "join_group_buy", args, confirmed=True, idempotency_key="k-1")
    again = call_tool(ctx, "join_group_buy", args, confirmed=True, idempotency_key="k-1")
    assert first.ok and again.ok and first.data["order_id"] == again.data["order_id"]
    with demo_copy_factory() as s:
        after = s.scalar(select(func.count()).select_from(GroupBuyParticipant).where(
            GroupBuyParticipant.group_buy_id == gb.id))
        orders = s.scalar(select(func.count()).select_from(Order).where(
            Order.member_id == "M0003", Order.group_buy_id == gb.id))
    assert after == before + 1 and orders == 1


def test_clerk_marks_a_waiting_order_picked_up(demo_copy_factory):
    with demo_copy_factory() as s:
        waiting = s.scalars(select(Order).where(Order.store_id == "S001", Order.status == "ready")).first()
    ctx = ctx_for(demo_copy_factory, "clerk", store_id="S001")
    _, summary = preview_write(ctx, "mark_picked_up", {"code": waiting.pickup_code})
    assert waiting.id in summary
    done = call_tool(ctx, "mark_picked_up", {"code": waiting.pickup_code}, confirmed=True, idempotency_key="p-1")
    assert done.ok and done.data["status"] == "已取货"
    with demo_copy_factory() as s:
        assert s.get(Order, waiting.id).status == "picked_up"
    shopper = ctx_for(demo_copy_factory, "shopper", member_id="M0001")
    assert not call_tool(shopper, "mark_picked_up", {"code": waiting.pickup_code}, confirmed=True,
                         idempotency_key="p-2").ok


def test_bad_arguments_and_unknown_tools_are_messages_not_crashes(demo_factory):
    ctx = ctx_for(demo_factory, "owner", store_id="S001")
    assert "参数" in call_tool(ctx, "check_stock", {"sku": 123, "nope": 1}).error_zh
    assert "没有名为" in call_tool(ctx, "drop_tables", {}).error_zh
