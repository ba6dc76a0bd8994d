"""The skills, offered to the LLM engine as tools: the model gets the facts and writes the prose.

They go through the same registry (roles checked on every call) and call the same tools inside.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from agent.skills.base import SkillRun
from agent.skills.counter import ClerkBrief, clerk_brief
from agent.skills.live import LiveScript, live_script
from agent.skills.posts import GroupPost, group_post, trigger_post
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import store_tool


@store_tool(roles={"owner"})
def live_stream_script(ctx: ToolContext, skus: list[str], start: str) -> LiveScript:
    """Facts for a live-stream script: teaser, timed run sheet, prices, stock, target segments with counts.

    Args:
        skus: SKUs of the products to sell, e.g. ["P1001", "P1002"].
        start: start time as YYYY-MM-DD HH:MM, e.g. 2026-12-10 20:00.
    """
    try:
        when = datetime.fromisoformat(start)
    except ValueError as exc:
        raise ToolError("开播时间格式应为 YYYY-MM-DD HH:MM", f"bad start {start!r}") from exc
    return live_script(SkillRun(ctx), skus, when)


@store_tool(roles={"owner", "clerk"})
def counter_talking_points(ctx: ToolContext, member_query: str) -> ClerkBrief:
    """Talking points for a member at the counter: masked profile, purchases, due items, points, recommendations.

    Args:
        member_query: member id, card code, phone or its last 4 digits.
    """
    return clerk_brief(SkillRun(ctx), member_query)


class PostDraft(BaseModel):
    """A group post draft."""

    post: GroupPost


@store_tool(roles={"owner"})
def group_post_draft(ctx: ToolContext, sku: str | None = None, trigger: str | None = None) -> PostDraft:
    """Draft a WeChat group post: a 接龙 for a product (sku), or a message for a trigger audience.

    Args:
        sku: the product for a 接龙 post, e.g. P1001.
        trigger: instead of sku, one of points_expiring, sleeping_to_wake, browsed_not_bought, abandoned_cart, repurchase_due.
    """
    run = SkillRun(ctx)
    if sku:
        return PostDraft(post=group_post(run, sku))
    if trigger:
        return PostDraft(post=trigger_post(run, trigger))
    raise ToolError("请给出商品或营销场景", "group_post_draft needs sku or trigger")
