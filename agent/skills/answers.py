"""Product Q&A for everyone: facts from the product data (and the knowledge base when configured),
with numbered citations, stock where asked, and "暂时没有查到" rather than invention."""

from __future__ import annotations

import re

from pydantic import BaseModel

from agent.skills.base import SkillRun

NO_ANSWER = "暂时没有查到相关信息"
# Question words → words a fact must contain to answer it.
ASPECTS = (
    (r"保存|存放|放几天|能放|放多久|冷藏|冰箱|保质期|过期|开封|开了|打开|坏", r"冷藏|保存|保质期|开封|小时内|天内|冷冻|常温|吃完|喝完|食用"),
    (r"产地|哪里|哪儿|哪产|进口|原产", r"产地|产区|进口|澄江|赣州|丹东|莘县|浙江|云南|澳洲|西班牙|保山"),
    (r"甜|糖度|酸", r"糖度|Brix"),
    (r"营养|蛋白|钙|纤维|碳水|脂|热量|减肥|健身", r"蛋白质|钙|纤维|碳水|低脂|无添加"),
    (r"宝宝|孩子|小孩|几岁|月龄|婴儿|老人", r"岁|个月|适合"),
    (r"怎么吃|吃法|洗|冲|泡|做法|烹饪|凉拌", r"吃|洗|冲泡|即食|烹饪|凉拌"),
    (r"当季|季节|什么时候有|上市", r"当季|月"),
    (r"有机|认证|散养|添加", r"有机|认证|散养|添加"),
)
STOCK_WORDS = r"有货|有没有|还有|库存|卖完|缺货|剩"
PRICE_WORDS = r"多少钱|价格|几块|贵|便宜|优惠|直播价"


class ProductAnswer(BaseModel):
    """A short answer with its sources."""

    answered: bool
    text: str
    citations: list[dict[str, str]]


def knowledge_answer(run: SkillRun, question: str) -> ProductAnswer | None:
    """The knowledge base's cited answer, or None when no knowledge base is configured."""
    if run.ctx.knowledge is None:
        return None
    kb = run.call("search_knowledge", question=question)
    if not kb["answered"]:
        return ProductAnswer(answered=False, text=NO_ANSWER, citations=[])
    text = kb["text"].split("\n来源：", 1)[0].strip()
    for src in kb["sources"]:
        n = run.cite(src["doc_id"], src["title"], src["section"])
        text = text.replace(f"[{src['number']}]", f"[{n}]")
    return ProductAnswer(answered=True, text=text, citations=run.citations)


def product_answer(run: SkillRun, question: str, skus: list[str]) -> ProductAnswer:
    """Answer about the products mentioned: from the knowledge base when there is one, else from
    their facts; price and stock from the tools; every source cited."""
    wanted = [fact_re for q_re, fact_re in ASPECTS if re.search(q_re, question)]
    details = [run.call("product_details", sku=sku) for sku in skus[:2]]
    matched = any(re.search(w, f) for p in details for f in p["facts"].split("；") for w in wanted)
    asks_numbers = re.search(PRICE_WORDS + "|" + STOCK_WORDS, question)
    kb = knowledge_answer(run, question) if not matched and not asks_numbers else None
    parts: list[str] = [kb.text] if kb and kb.answered else []
    for p in [] if parts else details:
        sku = p["sku"]
        facts = [f for f in p["facts"].split("；") if f]
        picked = [f for f in facts if any(re.search(w, f) for w in wanted)] if wanted else facts
        n = run.cite(f"product:{sku}", f"商品资料：{p['name']}", "商品信息")
        if picked:
            parts.append(f"{p['name']}（{p['spec']}）：{'；'.join(picked)}。[{n}]")
        if re.search(PRICE_WORDS, question) or not wanted:
            offer = f"，{p['live_offer']}" if p["live_offer"] else ""
            parts.append(f"{p['name']}店里价 {p['price']} 元/{p['spec']}{offer}。[{n}]")
    for sku in skus[:2]:
        if re.search(STOCK_WORDS, question):
            s = run.call("check_stock", sku=sku)
            if s["on_hand"] is not None:
                parts.append(f"{s['name']}本店现有 {s['on_hand']} 件。")
            else:
                parts.append(f"{s['name']}本店{'有货' if s['in_stock'] else '暂时缺货'}。")
    if not parts:
        return ProductAnswer(answered=False, text=NO_ANSWER, citations=[])
    return ProductAnswer(answered=True, text="\n".join(dict.fromkeys(parts)), citations=run.citations)
