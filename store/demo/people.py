"""Reference rows (stores, staff, suppliers, products) and the demo's members, canonical and
generated, each with the plan that drives their purchase history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from store.demo.canonical import (
    CITY,
    MEMBERS,
    PRODUCTS,
    STORES,
    SUPPLIERS,
    code_of_member,
    phone_of_member,
)
from store.demo.demand import NEW_PRODUCT, NEW_PRODUCT_AGE_DAYS, PERSONA_AGES, PERSONA_SHARES

MEMBERS_PER_STORE = {"S001": 760, "S002": 640, "S003": 600}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红燕鹏辉玲建国文斌宇浩凯健俊帆婷雪琳晨欣怡佳雨萱子轩梓涵一诺浩然宇航思远嘉懿欣妍"


@dataclass
class MemberPlan:
    """A member and what drives their generated history."""

    id: str
    number: int
    store_id: str
    name: str
    nickname: str | None
    gender: str
    birth_date: date
    registered_at: datetime
    persona: str
    weekly_rate: float  #: expected store visits per week while active
    active_until: date  #: last day they may buy (churned and sleeping members stop early)
    canonical: bool
    consent_marketing: bool = True
    consent_sms: bool = False
    consent_profiling: bool = True


def reference_rows() -> dict[str, list[dict]]:
    """Rows for stores, staff, suppliers and products, keyed by table name."""
    stores, staff = [], []
    for s in STORES:
        owner_id, owner_name, nickname = s.owner
        stores.append({"id": s.id, "name": s.name, "city": CITY, "address": s.address,
                       "owner_id": owner_id, "phone": f"0571-8800{s.id[1:]}"})
        staff.append({"id": owner_id, "store_id": s.id, "name": owner_name, "nickname": nickname,
                      "role": "owner", "phone": f"1370000{owner_id[1:]:0>4}",
                      "wecom_userid": f"wecom_{owner_id.lower()}"})
        for clerk_id, clerk_name in s.clerks:
            staff.append({"id": clerk_id, "store_id": s.id, "name": clerk_name, "nickname": None,
                          "role": "clerk", "phone": f"1370000{clerk_id[1:]:0>4}",
                          "wecom_userid": f"wecom_{clerk_id.lower()}"})
    suppliers = [{"id": i, "name": n, "contact": None, "phone": f"0571-6600{k:04d}",
                  "lead_time_days": lt} for k, (i, n, lt) in enumerate(SUPPLIERS, start=1)]
    return {"stores": stores, "staff": staff, "suppliers": suppliers, "products": []}


def product_rows(today: date) -> list[dict]:
    """Rows for the 25 canonical products."""
    rows = []
    for p in PRODUCTS:
        launched = today - timedelta(days=NEW_PRODUCT_AGE_DAYS if p.sku == NEW_PRODUCT else 900)
        rows.append({
            "sku": p.sku, "name": p.name, "aliases": ",".join(p.aliases), "category": p.category,
            "spec": p.spec, "unit": p.unit, "price": p.price, "live_price": p.live_price,
            "live_bundle_qty": p.live_bundle_qty, "cost": p.cost, "supplier_id": p.supplier_id,
            "shelf_life_days": p.shelf_life_days, "cold_chain": p.cold_chain,
            "case_pack": p.case_pack, "is_new": p.is_new, "launched_on": launched,
            "facts": p.facts, "active": True,
        })
    return rows


def _birth(today: date, age: int, rng: np.random.Generator) -> date:
    return today - timedelta(days=int(age * 365.25 + rng.integers(1, 360)))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def canonical_plans(today: date, rng: np.random.Generator) -> list[MemberPlan]:
    """Plans of the 8 canonical members; their histories are scripted in ``orders``."""
    persona = {"M0001": "水果爱好者", "M0002": "有孩家庭", "M0003": "健身人群", "M0004": "银发族"}
    registered = {"M0005": _at(today - timedelta(days=5), 18, 20)}
    until = {"M0004": today - timedelta(days=65), "M0006": today - timedelta(days=200)}
    plans = []
    for n, spec in enumerate(MEMBERS, start=1):
        plans.append(MemberPlan(
            id=spec.id, number=n, store_id=spec.store_id, name=spec.name, nickname=spec.nickname,
            gender=spec.gender, birth_date=_birth(today, spec.age, rng),
            registered_at=registered.get(spec.id, _at(today - timedelta(days=700 + 37 * n), 10)),
            persona=persona.get(spec.id, "普通"), weekly_rate=1.0,
            active_until=until.get(spec.id, today - timedelta(days=1)), canonical=True,
            consent_sms=True,
        ))
    return plans


def generated_plans(today: date, window_start: date, rng: np.random.Generator) -> list[MemberPlan]:
    """About 2,000 generated members across the three stores."""
    personas = list(PERSONA_SHARES)
    shares = np.array([PERSONA_SHARES[p] for p in personas])
    plans: list[MemberPlan] = []
    number = len(MEMBERS)
    for store_id, count in MEMBERS_PER_STORE.items():
        for _ in range(count - sum(1 for m in MEMBERS if m.store_id == store_id)):
            number += 1
            persona = personas[int(rng.choice(len(personas), p=shares))]
            lo, hi = PERSONA_AGES[persona]
            age = int(rng.integers(lo, hi + 1))
            gender = "F" if rng.random() < (0.85 if persona == "有孩家庭" else 0.55) else "M"
            if rng.random() < 0.75:
                reg_day = window_start - timedelta(days=int(rng.integers(30, 1200)))
            else:
                reg_day = window_start + timedelta(days=int(rng.integers(0, (today - window_start).days)))
            fate = rng.random()
            if fate < 0.18:
                until = today - timedelta(days=int(rng.integers(91, 330)))
            elif fate < 0.30:
                until = today - timedelta(days=int(rng.integers(31, 91)))
            else:
                until = today - timedelta(days=1)
            name = (SURNAMES[int(rng.integers(len(SURNAMES)))]
                    + "".join(GIVEN[int(i)] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3)))))
            plans.append(MemberPlan(
                id=f"M{number:04d}", number=number, store_id=store_id, name=name, nickname=None,
                gender=gender, birth_date=_birth(today, age, rng),
                registered_at=_at(reg_day, int(rng.integers(8, 21)), int(rng.integers(0, 60))),
                persona=persona,
                weekly_rate=float(np.clip(rng.lognormal(np.log(0.3), 0.8), 0.05, 4.0)),
                active_until=until, canonical=False,
                consent_marketing=bool(rng.random() < 0.85), consent_sms=bool(rng.random() < 0.4),
                consent_profiling=bool(rng.random() < 0.92),
            ))
    return plans


def member_row(plan: MemberPlan, level: str) -> dict:
    """The ``members`` row of a plan."""
    return {
        "id": plan.id, "code": code_of_member(plan.number), "name": plan.name,
        "nickname": plan.nickname, "gender": plan.gender, "birth_date": plan.birth_date,
        "phone": phone_of_member(plan.number), "store_id": plan.store_id,
        "registered_at": plan.registered_at, "level": level,
        "consent_marketing": plan.consent_marketing, "consent_sms": plan.consent_sms,
        "consent_profiling": plan.consent_profiling, "note": None,
    }
