"""Live-stream script (直播脚本) for an owner: grounded in product facts, prices, stock and segments."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from agent.skills.base import SkillRun
from tools.errors import ToolError

SEGMENTS_BY_CATEGORY = {"水果": ("健身人群", "有孩家庭"), "乳品": ("健身人群", "有孩家庭"),
                        "肉禽": ("健身人群",), "母婴": ("有孩家庭",), "粮油": ("银发族", "健身人群"),
                        "禽蛋": ("银发族", "有孩家庭")}


class Segment(BaseModel):
    """A target group with its size."""

    tag: str
    members: int
    reachable: int


class RunSheetItem(BaseModel):
    """One block of the run sheet."""

    at: str
    minutes: int
    block: str
    content: list[str]


class StockAdvice(BaseModel):
    """How much of a product to have ready for the stream (from the ``live_stream_stock`` tool)."""

    sku: str
    name: str
    unit: str
    on_hand: int
    on_order: int
    suggested: int
    missing: int
    basis: str


class LiveScript(BaseModel):
    """A complete script the owner can follow."""

    title: str
    start: datetime
    teaser: str
    run_sheet: list[RunSheetItem]
    segments: list[Segment]
    stock: list[StockAdvice]


def live_script(run: SkillRun, skus: list[str], start: datetime) -> LiveScript:
    """Teaser, timed run sheet, target segments with counts and stock advice (forecast) for the products."""
    if not skus:
        raise ToolError("请告诉我直播要卖哪些商品，例如：蓝莓、甜瓜", "no products for the live script")
    products = [run.call("product_details", sku=sku) for sku in skus[:4]]
    stocks = [run.call("check_stock", sku=sku) for sku in skus[:4]]
    plan = run.call("live_stream_stock", skus=[p["sku"] for p in products], day=start.date().isoformat())
    units = {x["sku"]: x["unit"] for x in plan["items"]}
    sheet: list[RunSheetItem] = []
    clock = start

    def block(minutes: int, name: str, content: list[str]) -> None:
        nonlocal clock
        sheet.append(RunSheetItem(at=f"{clock:%H:%M}", minutes=minutes, block=name, content=content))
        clock += timedelta(minutes=minutes)

    names = "、".join(p["name"] for p in products)
    block(5, "开场", [f"欢迎来到直播间！今天给大家带来：{names}。", "新朋友点个关注，进群接龙更优惠。"])
    for p in products:
        points = [f for f in p["facts"].split("；") if f] or [p["spec"]]
        block(10, f"产品介绍：{p['name']}", [f"规格 {p['spec']}，店里价 {p['price']} 元。", *points])
        if any("糖度" in f for f in points):
            block(3, "互动", [f"现场切开{p['name']}，用糖度计测给大家看，猜中糖度的送一份。"])
    offers = []
    for p in products:
        offer = p["live_offer"] or f"{p['price']} 元"
        offers.append(f"{p['name']}：{offer}")
    block(5, "优惠与下单方式", [*offers, "评论区扣“1”或在小程序直播间下单；到店自提享 9 折（不与直播价叠加），"
                                         "3 公里内 1 小时送达，满 39 元免配送费。"])
    block(2, "库存提醒", [f"{p['name']} 现有 {s['on_hand']}{units[p['sku']]}，卖完即止。" for p, s in zip(products, stocks, strict=True)])
    block(5, "结尾", ["感谢大家！没抢到的朋友明天可以参加社群接龙。", "下次直播见！"])

    tags: list[str] = []
    for p in products:
        for tag in SEGMENTS_BY_CATEGORY.get(p["category"], ()):
            if tag not in tags:
                tags.append(tag)
    segments = []
    for tag in tags[:3]:
        seg = run.maybe("member_segments", tag=tag)
        if seg:
            segments.append(Segment(tag=tag, members=seg["count"], reachable=seg["reachable"]))
    advice = [StockAdvice(sku=x["sku"], name=x["name"], unit=x["unit"], on_hand=x["on_hand"],
                          on_order=x["on_order"], suggested=x["suggested"], missing=x["missing"],
                          basis="；".join(x["reasons"][:-1]))
              for x in plan["items"]]
    first = products[0]
    hook = first["live_offer"] or f"{first['price']} 元"
    teaser = (f"{start:%m月%d日 %H:%M} 直播预告：{names} 现场开箱！{first['name']} {hook}，"
              f"进直播间下单，到店自提或 3 公里内 1 小时送达。")
    return LiveScript(title=f"{start:%m月%d日} {names}直播", start=start, teaser=teaser, run_sheet=sheet,
                      segments=segments, stock=advice)
