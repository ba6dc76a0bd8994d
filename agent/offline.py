"""The offline engine: no model server, no key. Understands the message with rules (``nlu``,
``intents``), runs the same skills and tools as the LLM engine, and renders templates from
``prompts/replies``. It is the default engine and the fallback when the LLM endpoint fails.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from agent.intents import CHANGE_QTY, FOLLOW_UP, NO, OUT_OF_SCOPE, YES, route
from agent.nlu import Catalogue, Slots, extract, parse_day
from agent.skills.answers import NO_ANSWER, knowledge_answer, product_answer
from agent.skills.base import SkillRun
from agent.skills.counter import clerk_brief
from agent.skills.live import live_script
from agent.skills.posts import TRIGGER_WORDS, group_post, trigger_post
from prompts import render
from tools.errors import ToolError
from tools.registry import call_tool, preview_write

QTY_UNITS = "盒份个斤箱袋瓶包罐只杯件"
QUESTION = re.compile(r"[？?]|吗|呢|怎么|什么|几点|多久|多少|能不能|可以|可不可以|是否|有没有|哪|如何|规则|政策")


@dataclass
class Turn:
    """What one engine turn produced."""

    text: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, str]] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    memory: dict[str, Any] = field(default_factory=dict)
    intent: str = "unknown"


def propose_write(run: SkillRun, tool: str, args: dict[str, Any], memory: dict[str, Any]) -> Turn:
    """Validate a WRITE and ask for confirmation; nothing changes until the person says yes."""
    clean, summary = preview_write(run.ctx, tool, args)
    run.calls.append({"name": f"preview:{tool}", "args": clean})
    pending = {"tool": tool, "args": clean, "summary": summary, "key": uuid.uuid4().hex}
    return Turn(render("replies/confirm.j2", summary=summary), calls=run.calls, pending=pending,
                memory=memory, intent=f"propose:{tool}")


def _help(role: str) -> str:
    return render(f"replies/help_{role}.j2")


class OfflineEngine:
    """Rule-based understanding + skills + templates."""

    def __init__(self, catalogue: Catalogue) -> None:
        """``catalogue`` is built once from the products table."""
        self.catalogue = catalogue

    def respond(self, run: SkillRun, message: str, memory: dict[str, Any],
                pending: dict[str, Any] | None) -> Turn:
        """Answer one message; ``memory`` and ``pending`` come from the conversation's checkpoint."""
        role = run.ctx.identity.role
        text = message.strip()
        slots = extract(text, self.catalogue, run.ctx.now.date())
        prefix = ""
        if not pending and YES.match(text):
            return Turn("目前没有需要确认的操作。", memory=memory, intent="nothing_to_confirm")
        if pending:
            if YES.match(text):
                return self._execute(run, pending, memory)
            if NO.search(text) and len(text) <= 12:
                return Turn("好的，已取消，什么都没有改动。", memory=memory, intent="cancel")
            if pending["tool"] == "join_group_buy" and slots.quantity and CHANGE_QTY.search(text):
                args = {**pending["args"], "qty": slots.quantity}
                return self._propose(run, "join_group_buy", args, memory)
            prefix = "（刚才待确认的操作已放弃，没有执行。）\n"
        intent = route(text, role, slots)
        if FOLLOW_UP.match(text) and slots.skus and memory.get("last_intent") in ("stock", "product_qa"):
            intent = memory["last_intent"]
        if intent in ("stock", "product_qa") and not slots.skus and memory.get("last_skus"):
            slots.skus = list(memory["last_skus"])
        if role != "owner" and OUT_OF_SCOPE.search(text):
            return Turn(prefix + "抱歉，这属于门店的内部数据，我不能提供。如需帮助请联系店长。", memory=memory,
                        intent="refused")
        if re.search(r"(所有|全部|全体).{0,6}(手机|电话|号码)|导出.{0,6}(会员|手机)", text):
            return Turn(prefix + "抱歉，会员手机号属于个人信息，不能在对话里批量提供；如需导出请在后台由店主操作。",
                        memory=memory, intent="refused")
        handler = getattr(self, f"_do_{intent}", None)
        try:
            turn = handler(run, text, slots, memory) if handler else self._do_unknown(run, text, slots, memory)
        except ToolError as exc:
            turn = Turn(exc.message_zh, intent=intent)
        turn.text = prefix + turn.text
        turn.intent = turn.intent if turn.intent != "unknown" else intent
        turn.calls = run.calls
        turn.citations = turn.citations or run.citations
        mem = {**memory, "last_intent": intent}
        if slots.skus:
            mem["last_skus"] = slots.skus
        turn.memory = {**mem, **turn.memory}
        return turn

    # --- writes -------------------------------------------------------------------------------
    def _propose(self, run: SkillRun, tool: str, args: dict[str, Any], memory: dict[str, Any]) -> Turn:
        return propose_write(run, tool, args, memory)

    def _execute(self, run: SkillRun, pending: dict[str, Any], memory: dict[str, Any]) -> Turn:
        outcome = call_tool(run.ctx, pending["tool"], pending["args"], confirmed=True,
                            idempotency_key=pending["key"])
        run.calls.append({"name": pending["tool"], "args": pending["args"]})
        if not outcome.ok:
            return Turn(f"没有成功：{outcome.error_zh}", calls=run.calls, memory=memory, intent="write_failed")
        template = {"join_group_buy": "replies/done_join.j2", "mark_picked_up": "replies/done_pickup.j2"}
        text = render(template[pending["tool"]], r=outcome.data)
        return Turn(text, calls=run.calls, memory=memory, intent=f"done:{pending['tool']}")

    # --- intents ------------------------------------------------------------------------------
    def _do_help(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        return Turn(_help(run.ctx.identity.role))

    def _do_unknown(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        if QUESTION.search(text):
            answer = knowledge_answer(run, text)
            if answer is not None and answer.answered:
                return Turn(render("replies/product_answer.j2", a=answer), citations=answer.citations,
                            intent="knowledge_qa")
            if answer is not None:
                return Turn(NO_ANSWER + "。", intent="knowledge_qa")
        reason = ""
        if re.search(r"多少钱|价格|有货|甜不甜|好吃|新鲜|怎么卖|有没有", text):
            reason = "本店没有找到您说的商品，不乱报价格"
        return Turn(render("replies/unknown.j2", reason=reason, help=_help(run.ctx.identity.role)))

    def _do_restock(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        if run.ctx.identity.role != "owner":
            return Turn("补货建议和需求预测只对店主开放。")
        if slots.skus and re.search(r"预测|预计|卖多少|需求|能卖", text):
            sku = slots.skus[0]
            f = run.call("demand_forecast", sku=sku, days=slots.days or 7)
            name = run.call("product_details", sku=sku)["name"]
            return Turn(render("replies/forecast.j2", f=f, name=name))
        return Turn(render("replies/restock.j2", p=run.call("restock_suggestions", limit=8)))

    def _do_clerk_brief(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        if not slots.member_query:
            return Turn("请告诉我会员编号、会员码或手机尾号，例如：“尾号0002的会员来了”。")
        brief = clerk_brief(run, slots.member_query)
        return Turn(render("replies/clerk_brief.j2", b=brief), memory={"last_member": brief.member_id})

    def _do_live_script(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        skus = slots.skus or memory.get("last_skus") or []
        if not skus:
            return Turn("这场直播要卖哪些商品？例如：“今晚8点直播，卖蓝莓和甜瓜”。")
        start = slots.start or datetime.combine(run.ctx.now.date(), time(20, 0))
        return Turn(render("replies/live_script.j2", s=live_script(run, skus, start)))

    def _do_live_stock(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        skus = slots.skus or memory.get("last_skus") or []
        if not skus:
            return Turn("直播要卖哪些商品？例如：“今晚直播蓝莓要备多少货”。")
        day = slots.start.date() if slots.start else parse_day(text, run.ctx.now.date())
        plan = run.call("live_stream_stock", skus=skus[:6], day=day.isoformat())
        return Turn(render("replies/live_stock.j2", p=plan))

    def _do_group_post(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        skus = slots.skus or memory.get("last_skus") or []
        if not skus:
            return Turn("要为哪个商品写接龙帖子？例如：“写个蓝莓接龙的群公告”。")
        return Turn(render("replies/group_post.j2", p=group_post(run, skus[0])))

    def _do_trigger_post(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        trigger = next(k for k, words in TRIGGER_WORDS.items() if any(w in text for w in words))
        return Turn(render("replies/group_post.j2", p=trigger_post(run, trigger)))

    def _do_pickup_lookup(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        if not slots.pickup_code:
            return Turn("请告诉我 6 位取货码。")
        order = run.call("order_by_pickup_code", code=slots.pickup_code)
        return Turn(render("replies/order.j2", o=order, code=slots.pickup_code))

    def _do_mark_picked_up(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        if not slots.pickup_code:
            return Turn("请告诉我要核销的 6 位取货码。")
        return self._propose(run, "mark_picked_up", {"code": slots.pickup_code}, memory)

    def _do_join_group_buy(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        items = run.call("list_group_buys", status="open")["items"]
        if slots.skus:
            items = [g for g in items if g["sku"] in slots.skus]
        if not items:
            return Turn("目前没有这个商品的接龙。" + ("" if slots.skus else "可以问我“现在有什么接龙”。"))
        if len(items) > 1:
            names = "、".join(g["product"] for g in items)
            return Turn(f"现在有这些接龙：{names}。您要参加哪一个？")
        if not slots.quantity:
            return Turn(f"「{items[0]['title']}」您要几{items[0]['unit']}？", memory={"last_group_buy": items[0]["group_buy_id"]})
        return self._propose(run, "join_group_buy", {"group_buy_id": items[0]["group_buy_id"],
                                                     "qty": slots.quantity}, memory)

    def _do_group_buys(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        items = run.call("list_group_buys", status="open")["items"]
        listing = render("replies/group_buys.j2", items=items)
        if re.search(r"截单|几点|规则|怎么|取货|自提|退", text):
            rules = knowledge_answer(run, text)
            if rules is not None and rules.answered:
                return Turn(render("replies/product_answer.j2", a=rules) + "\n\n" + listing,
                            citations=rules.citations)
        return Turn(listing)

    def _do_my_orders(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        return Turn(render("replies/my_orders.j2", orders=run.call("my_orders", limit=5)["orders"]))

    def _do_my_account(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        acct = run.call("my_account")
        mine = render("replies/my_account.j2", p=acct["profile"], coupons=acct["coupons"])
        if re.search(r"怎么用|规则|怎么算|怎么积|有效期|怎么抵|能抵|升级|怎么才能", text):
            rules = knowledge_answer(run, text)
            if rules is not None and rules.answered:
                return Turn(render("replies/product_answer.j2", a=rules) + "\n\n" + mine, citations=rules.citations)
        return Turn(mine)

    def _do_segments(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        seg = run.call("member_segments", tag=slots.tag, lifecycle=slots.lifecycle)
        return Turn(render("replies/segment.j2", s=seg))

    def _do_hot_list(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        return Turn(render("replies/hot_list.j2", h=run.call("hot_products", days=slots.days or 7)))

    def _do_stock(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        items = [run.call("check_stock", sku=sku) for sku in slots.skus[:3]]
        return Turn(render("replies/stock.j2", items=items))

    def _do_product_qa(self, run: SkillRun, text: str, slots: Slots, memory: dict) -> Turn:
        if run.ctx.identity.role == "owner" and re.search(r"进价|成本|毛利|利润|供应商", text):
            lines = []
            for sku in slots.skus[:3]:
                p = run.call("product_details", sku=sku)
                lines.append(f"{p['name']}：售价 {p['price']} 元，进价 {p['cost']} 元，毛利率 {p['margin_rate']:.0%}，"
                             f"供应商 {p['supplier']}")
            return Turn("\n".join(lines))
        answer = product_answer(run, text, slots.skus)
        if not answer.answered:
            return Turn(NO_ANSWER + "。")
        return Turn(render("replies/product_answer.j2", a=answer), citations=answer.citations)
