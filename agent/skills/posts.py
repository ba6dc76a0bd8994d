"""Community group posts (社群帖子) and 接龙 drafts for owners, for a product or a marketing trigger."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel

from agent.skills.base import SkillRun
from tools.errors import ToolError

GROUP_BUY_RATE = Decimal("0.85")  # the store's usual 接龙 price: 85 折, to 1 jiao
MAX_CHARS = 300  # a WeChat group message that fits on one phone screen


class GroupPost(BaseModel):
    """A post ready to paste into the group."""

    kind: str  #: jielong | trigger
    title: str
    body: str
    price: Decimal | None = None
    cutoff: datetime | None = None
    pickup: str | None = None
    jielong_format: str | None = None
    audience: int | None = None
    group_buy_id: str | None = None


def group_post(run: SkillRun, sku: str) -> GroupPost:
    """A 接龙 post for a product: the open 接龙 with its list, or a new draft at the usual price."""
    product = run.call("product_details", sku=sku)
    open_buys = [g for g in run.call("list_group_buys", status="open")["items"] if g["sku"] == sku]
    unit = product["spec"].split("/")[-1] if "/" in product["spec"] else "份"
    if open_buys:
        gb = run.call("group_buy_details", group_buy_id=open_buys[0]["group_buy_id"])
        cutoff = datetime.fromisoformat(gb["cutoff_at"])
        pickup = f"{datetime.fromisoformat(gb['pickup_start']):%m月%d日 %H:%M}–{datetime.fromisoformat(gb['pickup_end']):%H:%M}"
        lines = gb["jielong"].splitlines()
        body = "\n".join([f"🔥{product['name']} 接龙进行中，已有 {gb['participants']} 位邻居参加！",
                          *[f"· {f}" for f in product["facts"].split("；")[:3] if f],
                          *lines[1:], f"{gb['participants'] + 1}. （您的称呼）{1}{gb['unit']}"])
        return GroupPost(kind="jielong", title=gb["title"], body=body[:MAX_CHARS * 2], price=Decimal(gb["price"]),
                         cutoff=cutoff, pickup=pickup, jielong_format=f"1. 张** 2{gb['unit']}",
                         group_buy_id=gb["group_buy_id"])
    price = (Decimal(product["price"]) * GROUP_BUY_RATE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    today = run.ctx.now.date()
    cutoff = datetime.combine(today, time(22, 0))
    pickup_day = today + timedelta(days=1)
    pickup = f"{pickup_day:%m月%d日} 15:00–21:00"
    facts = [f for f in product["facts"].split("；") if f][:3]
    body = "\n".join([f"#接龙 {product['name']}（{product['spec']}）", f"团购价 {price} 元（店里价 {product['price']} 元）",
                      *[f"· {f}" for f in facts], f"今晚 22:00 截单，{pickup} 到店凭取货码自提",
                      "格式：1. 张** 2" + unit, "1. "])
    return GroupPost(kind="jielong", title=f"【接龙】{product['name']} 团购价 {price} 元", body=body, price=price,
                     cutoff=cutoff, pickup=pickup, jielong_format=f"1. 张** 2{unit}")


TRIGGER_WORDS = {"points_expiring": ("积分",), "sleeping_to_wake": ("沉睡", "唤醒", "好久没来", "老顾客"),
                 "browsed_not_bought": ("浏览", "看了没买"), "abandoned_cart": ("加购", "购物车", "没付款"),
                 "repurchase_due": ("复购", "该补货的会员", "回购")}


def trigger_post(run: SkillRun, trigger: str) -> GroupPost:
    """A post for the members a marketing trigger selects, with the audience size."""
    audience = run.call("marketing_audience", trigger=trigger)
    if trigger == "points_expiring":
        body = ("【积分到期提醒】亲爱的邻居，您账户里有部分积分将在今年 12 月 31 日到期清零～"
                "100 积分抵 1 元，单笔最多抵扣订单金额的 50%，到店或小程序下单都能用，别浪费哦！")
    elif trigger == "sleeping_to_wake":
        body = ("【好久不见】邻里优选想您啦！店里新到了时令水果和新品无蔗糖燕麦片，"
                "这周回店逛逛，到店自提享 9 折（不与直播价叠加）。")
    else:
        names = []
        for sku in audience["skus"][:2]:
            detail = run.maybe("product_details", sku=sku)
            if detail:
                names.append(f"{detail['name']}（{detail['price']} 元）")
        body = (f"【{audience['label']}】您关注的 {'、'.join(names) or '商品'} 今天有货～"
                "小程序下单 3 公里内 1 小时送达，满 39 元免配送费；到店自提享 9 折。")
    if audience["count"] == 0:
        raise ToolError(f"目前没有符合「{audience['label']}」的会员（只统计同意接收营销消息的会员）",
                        f"no members for trigger {trigger}")
    return GroupPost(kind="trigger", title=audience["label"], body=body, audience=audience["count"])
