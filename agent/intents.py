"""Intent routing for the offline engine: ordered rules over words, slots and the caller's role."""

from __future__ import annotations

import re

from agent.nlu import Slots

YES = re.compile(r"^\s*(确认|确定|是的?|好的?|对的?|可以|行|没问题|ok|OK|嗯+|要的|就这样|下单)[!！。.~～ ]*$")
NO = re.compile(r"(取消|不要了|算了|不用了|先不|不了|别|no\b)")
FOLLOW_UP = re.compile(r"^(那|那么|还有)?.{1,12}(呢|怎么样|如何)[？?]?$")
CHANGE_QTY = re.compile(r"(改成|换成|改为|要|来)\s*\S{0,3}\s*[盒份个斤箱袋瓶包罐只杯件]")

RULES: tuple[tuple[str, frozenset[str], str], ...] = (
    # (intent, roles, pattern); the first rule whose role and pattern match wins.
    ("live_stock", frozenset({"owner"}), r"直播.{0,12}(备多少|备几|要备|备货|准备多少|准备几|进多少|订多少|备点?什么货)|(备|准备).{0,8}直播.{0,8}(货|多少|几)"),
    ("live_script", frozenset({"owner"}), r"直播.{0,12}(脚本|稿|流程|策划|方案|怎么播|准备|安排)|(脚本|流程).{0,6}直播"),
    ("trigger_post", frozenset({"owner"}), r"(积分.{0,6}(过期|到期)|沉睡|好久没来|浏览.{0,4}没买|加购|购物车|没付款|复购|回购).*(发|写|提醒|通知|推送|文案|帖|消息)|唤醒.{0,10}(会员|顾客)"),
    ("group_post", frozenset({"owner"}), r"(接龙|团购|社群|群).{0,10}(帖|文案|公告|通知|草稿|推文|消息)|(写|发|开|草拟|生成|弄|出).{0,6}(接龙|团购|群公告|帖子)"),
    ("mark_picked_up", frozenset({"owner", "clerk"}), r"\d{6}.{0,6}(已取|已经取|核销|取走|拿走|取货了|提走)|(核销|确认取货).{0,6}\d{6}"),
    ("pickup_lookup", frozenset({"owner", "clerk"}), r"(取货码|取件码|提货码|自提码)|^\s*\d{6}\s*$"),
    ("clerk_brief", frozenset({"owner", "clerk"}), r"(M\d{4}|尾号\d{4}|1[3-9]\d{9}|会员码|卡号|会员号)|(来了|到店|在柜台|话术|推荐点?什么|怎么聊)"),
    ("join_group_buy", frozenset({"shopper"}), r"(接龙|跟团|参团|拼团|报名|我要|给我来|帮我订|订|下单|来)\s*.{0,8}(\d+|[一两二三四五六七八九十])\s*[盒份个斤箱袋瓶包罐只杯件]|我要接龙|参加接龙|跟一个"),
    ("my_orders", frozenset({"shopper"}), r"订单|取货码|买了什么|到了吗|送到|配送到哪|自提码|什么时候取|我买的"),
    ("my_account", frozenset({"shopper"}), r"积分|优惠券|券|等级|金卡|银卡|会员卡|我的会员|余额"),
    ("segments", frozenset({"owner"}), r"(多少|几个|几位).{0,4}(人|会员)|人群|分层|会员.{0,4}(分布|构成|名单)|(有孩家庭|健身人群|银发族|价格敏感|沉睡|流失|新客|VIP).{0,6}(多少|几)"),
    ("hot_list", frozenset({"owner", "clerk"}), r"热销|卖得(最)?好|卖得最多|畅销|排行|爆款|新品榜|潜力|卖什么好"),
    ("stock", frozenset({"owner", "clerk", "shopper"}), r"有货|还有(吗|没有|多少|几)|库存|剩(多少|几)|缺货|卖完|有没有货|几盒|几个了"),
    ("group_buys", frozenset({"owner", "clerk", "shopper"}), r"接龙|团购|拼团|跟团|截单"),
    ("help", frozenset({"owner", "clerk", "shopper"}), r"^(你好|您好|在吗|hi|hello|嗨)[!！。? ？]*$|你能做什么|能帮我什么|怎么用|帮助|help|功能"),
)
RESTOCK = re.compile(r"补.{0,4}货|进.{0,3}货|订.{0,3}货|备.{0,4}货|采购|要订|预测|销量预估|预计.{0,6}卖|能卖多少")
OUT_OF_SCOPE = re.compile(r"(所有|全部|全体).{0,6}(手机|电话|号码)|导出.{0,6}(会员|手机)|进价|成本|利润|毛利|供应商")


def route(text: str, role: str, slots: Slots) -> str:
    """The intent of ``text`` for ``role``; ``product_qa`` when a product is named, else ``unknown``."""
    for intent, roles, pattern in RULES:
        if role in roles and re.search(pattern, text, flags=re.IGNORECASE):
            if intent == "stock" and not slots.skus:
                continue
            return intent
    if RESTOCK.search(text):
        return "restock"
    if slots.skus:
        return "product_qa"
    return "unknown"
