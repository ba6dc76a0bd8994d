"""Clerk talking points (话术) for a member recognised at the counter."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from agent.skills.base import SkillRun

NEW_PRODUCT_HINTS = {"健身人群": "P3001", "有孩家庭": "P2003", "银发族": "P3003", "水果爱好者": "P1001"}


class Recommendation(BaseModel):
    """A product to mention, and why."""

    sku: str
    name: str
    reason: str
    in_stock: bool


class ClerkBrief(BaseModel):
    """What the clerk needs in the seconds a member stands at the counter."""

    member_id: str
    greeting_name: str
    summary: str
    level: str
    lifecycle: str
    tags: list[str]
    last_purchases: list[str]
    due: list[str]
    points: int
    points_expiring: list[str]
    recommendations: list[Recommendation]
    lines: list[str]


def _call_name(profile: dict) -> str:
    if profile["nickname"]:
        return str(profile["nickname"])
    surname = profile["name"][:1]
    female = profile.get("gender") == "F"
    if (profile.get("age") or 0) >= 60:
        return surname + ("阿姨" if female else "大爷")
    return surname + ("女士" if female else "先生")


def clerk_brief(run: SkillRun, member_query: str) -> ClerkBrief:
    """Profile, purchases, due items, expiring points, 2–3 recommendations and 3–5 lines to say."""
    found = run.call("lookup_member", query=member_query)
    profile = found["members"][0]
    name = _call_name(profile)
    recs: list[Recommendation] = []
    for due in profile["due_repurchases"][:2]:
        stock = run.maybe("check_stock", sku=due["sku"])
        recs.append(Recommendation(sku=due["sku"], name=due["name"],
                                   reason=f"约每 {due['cycle_days']:.0f} 天买一次，上次 {due['last_purchase_on']}",
                                   in_stock=bool(stock and stock["in_stock"])))
    bought = [p["sku"] for p in profile["recent_purchases"]]
    if bought and len(recs) < 3:
        together = run.maybe("bought_together", sku=bought[0])
        for sku in (together or {}).get("also_bought", []):
            if sku not in bought and sku not in {r.sku for r in recs}:
                detail = run.maybe("product_details", sku=sku)
                if detail and detail["in_stock"]:
                    recs.append(Recommendation(sku=sku, name=detail["name"], in_stock=True,
                                               reason=f"常和{profile['recent_purchases'][0]['name']}一起买"))
                break
    for tag in profile["tags"]:
        sku = NEW_PRODUCT_HINTS.get(tag)
        if sku and len(recs) < 3 and sku not in {r.sku for r in recs} and sku not in bought:
            detail = run.maybe("product_details", sku=sku)
            if detail and detail["in_stock"]:
                why = "新品" if detail["is_new"] else "适合" + tag
                recs.append(Recommendation(sku=sku, name=detail["name"], reason=f"{why}：{detail['facts'][:24]}",
                                           in_stock=True))
    expiring = [f"{pts} 分 {day} 到期" for day, pts in profile["points_expiring"]]
    lines = [f"{name}您好！今天想买点什么？"]
    for day, pts in profile["points_expiring"][:1]:
        lines.append(f"提醒您有 {pts} 积分 {date.fromisoformat(str(day)):%m月%d日} 到期，今天结账可以抵 {pts // 100} 元（最多抵订单金额一半）。")
    for r in recs[:2]:
        lines.append(f"{r.name}{'今天有货' if r.in_stock else ''}，{r.reason}，要不要带一份？")
    if profile["lifecycle"] == "沉睡":
        lines.append("好久没见您了，最近店里新到了不少时令水果，欢迎常来看看～")
    lines.append("需要的话可以加入我们的社群，接龙团购更优惠。")
    purchases = [f"{p['day']} {p['name']}×{p['qty']}" for p in profile["recent_purchases"][:5]]
    summary = f"{profile['name']}（{profile['phone']}），{profile['level']}，{profile['lifecycle']}"
    return ClerkBrief(member_id=profile["member_id"], greeting_name=name, summary=summary,
                      level=profile["level"], lifecycle=profile["lifecycle"], tags=profile["tags"],
                      last_purchases=purchases, due=[f"{d['name']}（预计 {d['next_expected_on']}）"
                                                     for d in profile["due_repurchases"]],
                      points=profile["points"], points_expiring=expiring, recommendations=recs[:3],
                      lines=lines[:5])
