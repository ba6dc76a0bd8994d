"""Offline language understanding: intent routing and slot extraction for Chinese store talk.

Rules, not a model: product names and aliases come from the catalogue (longest match wins, so
「蓝莓松饼」 is not read as 「蓝莓」), members from ids, card codes, phones or their last four
digits, and times from phrases such as 今晚8点 / 明天下午3点 / 20:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}
UNITS = "盒份个斤箱袋瓶包罐只杯件提"
NUM = r"(\d+|[零〇一二两三四五六七八九十]{1,3})"


def cn_number(text: str) -> int | None:
    """``12`` → 12, ``十二`` → 12, ``两`` → 2, ``二十`` → 20; None if not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    value = 0
    for c in text:
        value = value * 10 + CN_DIGITS[c]
    return value


@dataclass
class Slots:
    """What the offline engine understood from one message."""

    skus: list[str] = field(default_factory=list)
    member_query: str | None = None
    pickup_code: str | None = None
    quantity: int | None = None
    start: datetime | None = None
    days: int | None = None
    tag: str | None = None
    lifecycle: str | None = None
    group_buy_id: str | None = None


class Catalogue:
    """Product surfaces (names and aliases) → SKU, matched longest first."""

    def __init__(self, products: list[tuple[str, str, str]]) -> None:
        """``products``: (sku, name, comma-separated aliases)."""
        surfaces: dict[str, str] = {}
        for sku, name, aliases in products:
            clean = re.sub(r"[（(].*?[)）]", "", name).replace(" ", "")
            for s in {name, name.replace(" ", ""), clean, *[a for a in aliases.split(",") if a]}:
                if len(s) >= 2:
                    surfaces.setdefault(s.lower(), sku)
        self.surfaces = sorted(surfaces.items(), key=lambda kv: -len(kv[0]))
        self.names = {sku: name for sku, name, _ in products}

    def find(self, text: str) -> list[str]:
        """SKUs mentioned in ``text`` in order of appearance, each once."""
        lowered = text.lower().replace(" ", "")
        taken = [False] * len(lowered)
        hits: list[tuple[int, str]] = []
        for surface, sku in self.surfaces:
            for m in re.finditer(re.escape(surface), lowered):
                if not any(taken[m.start():m.end()]):
                    taken[m.start():m.end()] = [True] * (m.end() - m.start())
                    hits.append((m.start(), sku))
        seen: list[str] = []
        for _, sku in sorted(hits):
            if sku not in seen:
                seen.append(sku)
        return seen


TAGS = ("有孩家庭", "宝妈", "健身人群", "银发族", "价格敏感", "水果爱好者", "爱喝咖啡")
TAG_SYNONYMS = {"健身": "健身人群", "宝妈": "有孩家庭", "带娃": "有孩家庭", "老人": "银发族", "老年": "银发族",
                "爱水果": "水果爱好者", "咖啡": "爱喝咖啡"}
LIFECYCLES = {"新客": "新客", "新会员": "新客", "活跃": "活跃", "VIP": "VIP", "vip": "VIP", "沉睡": "沉睡",
              "睡着": "沉睡", "流失": "流失"}


def parse_day(text: str, today: date) -> date:
    """The day a message talks about: 明天/明晚 → tomorrow, 后天 → the day after, else today."""
    return today + timedelta(days=1) if "明天" in text or "明晚" in text else \
        today + timedelta(days=2) if "后天" in text else today


def parse_time(text: str, today: date) -> datetime | None:
    """A start time from 今晚8点 / 明天下午3点半 / 20:00 / 8点 (evening assumed for 今晚/晚上)."""
    day = parse_day(text, today)
    m = re.search(r"(\d{1,2})[:：](\d{2})", text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
    else:
        m = re.search(NUM + r"\s*点(半|(\d{1,2})分?)?", text)
        if not m:
            return None
        hour = cn_number(m.group(1)) or 0
        minute = 30 if m.group(2) == "半" else int(m.group(3) or 0)
        if hour < 12 and re.search(r"晚|下午|傍晚|明晚", text):
            hour += 12
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return datetime.combine(day, time(hour, minute))


def extract(text: str, catalogue: Catalogue, today: date) -> Slots:
    """Every slot found in one message."""
    slots = Slots(skus=catalogue.find(text))
    if m := re.search(r"\b(M\d{4})\b", text, flags=re.IGNORECASE):
        slots.member_query = m.group(1).upper()
    elif (m := re.search(r"(?<!\d)(1[3-9]\d{9})(?!\d)", text)) or (m := re.search(r"尾号\s*(\d{4})(?!\d)", text)) or (m := re.search(r"(?:会员码|会员卡|卡号|会员号)\D{0,3}(\d{6})(?!\d)", text)):
        slots.member_query = m.group(1)
    if (m := re.search(r"(?:取货码|取件码|提货码|核销|码)\D{0,4}(\d{6})(?!\d)", text)) or slots.member_query is None and (m := re.search(r"(?<!\d)(\d{6})(?!\d)", text)):
        slots.pickup_code = m.group(1)
    if m := re.search(NUM + rf"\s*[{UNITS}]", text):
        slots.quantity = cn_number(m.group(1))
    if m := re.search(r"(?:近|最近|过去)\s*" + NUM + r"\s*天", text):
        slots.days = cn_number(m.group(1))
    elif "本周" in text or "这周" in text or "一周" in text:
        slots.days = 7
    elif "昨天" in text or "今天" in text:
        slots.days = 1
    slots.start = parse_time(text, today)
    slots.tag = next((t for t in TAGS if t in text), None) or next(
        (v for k, v in TAG_SYNONYMS.items() if k in text), None)
    slots.lifecycle = next((v for k, v in LIFECYCLES.items() if k in text), None)
    if m := re.search(r"\b(GB\d{11})\b", text, flags=re.IGNORECASE):
        slots.group_buy_id = m.group(1).upper()
    return slots
