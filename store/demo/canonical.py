"""Canonical entities of the demo store, exactly as in ``shared/demo-store.md``.

Ids, names, specs, prices and facts here are the source of truth for the demo: tests check the
database against them. Cost, supplier, shelf life, cold chain and case pack are owner-only data the
document leaves to us; they are plausible values for a Hangzhou community store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

CITY = "杭州"


@dataclass(frozen=True)
class StoreSpec:
    id: str
    name: str
    address: str
    owner: tuple[str, str, str | None]  # (staff id, name, nickname)
    clerks: tuple[tuple[str, str], ...]  # (staff id, name)


STORES: tuple[StoreSpec, ...] = (
    StoreSpec("S001", "邻里优选·翠苑店", "杭州市西湖区翠苑街道", ("E101", "陈建国", "老陈"),
              (("E102", "王小敏"), ("E103", "林佳"))),
    StoreSpec("S002", "邻里优选·文三店", "杭州市西湖区文三路", ("E201", "周丽", None),
              (("E202", "郑凯"),)),
    StoreSpec("S003", "邻里优选·古荡店", "杭州市西湖区古荡", ("E301", "何伟", None),
              (("E302", "许晴"),)),
)

SUPPLIERS: tuple[tuple[str, str, int], ...] = (
    # (id, name, lead time days)
    ("SUP01", "云南高原鲜果供应链有限公司", 2),
    ("SUP02", "莘县玉菇甜瓜种植合作社", 2),
    ("SUP03", "浙江温岭8424西瓜合作社", 1),
    ("SUP04", "赣州脐橙果业有限公司", 3),
    ("SUP05", "丹东红颜草莓基地", 2),
    ("SUP06", "杭州鲜乳冷链食品有限公司", 1),
    ("SUP07", "上海母婴乳品贸易有限公司", 3),
    ("SUP08", "安吉林下散养禽蛋合作社", 1),
    ("SUP09", "宁波进口食品贸易有限公司", 4),
    ("SUP10", "杭州本地烘焙与节令食品厂", 1),
    ("SUP11", "五常稻花香米业有限公司", 4),
    ("SUP12", "保山小粒咖啡庄园", 5),
    ("SUP13", "浙江冷链肉禽水产有限公司", 1),
    ("SUP14", "天然矿泉水浙江经销商", 2),
)


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    spec: str
    price: Decimal
    facts: str
    category: str
    unit: str
    cost: Decimal
    supplier_id: str
    shelf_life_days: int
    cold_chain: bool
    case_pack: int
    aliases: tuple[str, ...] = ()
    live_price: Decimal | None = None
    live_bundle_qty: int | None = None
    is_new: bool = False


def _p(sku: str, name: str, spec: str, price: str, facts: str, category: str, unit: str,
       cost: str, supplier: str, shelf: int, cold: bool, case: int, aliases: tuple[str, ...],
       **extra: object) -> ProductSpec:
    return ProductSpec(sku, name, spec, Decimal(price), facts, category, unit, Decimal(cost),
                       supplier, shelf, cold, case, aliases, **extra)  # type: ignore[arg-type]


PRODUCTS: tuple[ProductSpec, ...] = (
    _p("P1001", "云南高原蓝莓", "125g/盒", "19.9",
       "产地云南澄江；单果直径≥15mm；糖度≥14°Brix；冷藏 0–4°C 可保存 5–7 天；吃前再洗；冷链",
       "水果", "盒", "9.50", "SUP01", 7, True, 12, ("蓝莓", "高原蓝莓"),
       live_price=Decimal("29.9"), live_bundle_qty=2),
    _p("P1002", "山东玉菇甜瓜", "约 1.5kg/个", "25.8",
       "产地山东莘县；糖度 15–17°；常温存放 3 天；切开后冷藏并 24 小时内吃完",
       "水果", "个", "13.00", "SUP02", 5, False, 6, ("甜瓜", "玉菇", "玉菇甜瓜")),
    _p("P1003", "8424 西瓜", "约 5kg/个", "39.9", "产地浙江；糖度约 12°；6–8 月当季",
       "水果", "个", "22.00", "SUP03", 7, False, 3, ("西瓜", "8424", "8424西瓜")),
    _p("P1004", "阳光玫瑰葡萄", "500g/盒", "29.9", "产地云南；无籽；糖度 18° 以上",
       "水果", "盒", "16.00", "SUP01", 7, False, 10, ("阳光玫瑰", "葡萄", "青提")),
    _p("P1005", "赣南脐橙", "5 斤装", "35.8", "产地江西赣州；11 月至次年 1 月当季",
       "水果", "箱", "20.00", "SUP04", 20, False, 4, ("脐橙", "橙子", "赣南橙")),
    _p("P1006", "丹东红颜草莓", "500g/盒", "39.9", "产地辽宁丹东；12 月至次年 4 月当季；冷藏 2 天内吃完",
       "水果", "盒", "22.00", "SUP05", 3, True, 8, ("草莓", "红颜草莓", "丹东草莓")),
    _p("P2001", "有机纯牛奶", "950ml", "16.8",
       "巴氏杀菌；保质期 7 天；冷藏 2–6°C；开封后 48 小时内喝完；蛋白质 3.6g/100ml；有机认证",
       "乳品", "瓶", "10.50", "SUP06", 7, True, 12, ("牛奶", "纯牛奶", "鲜牛奶", "有机奶")),
    _p("P2002", "低糖希腊酸奶", "400g", "15.9", "蛋白质 8.5g/100g；碳水≤5g/100g；冷藏保质期 21 天",
       "乳品", "盒", "8.80", "SUP06", 21, True, 12, ("希腊酸奶", "酸奶", "低糖酸奶")),
    _p("P2003", "儿童奶酪棒", "20 支/500g", "39.9", "适合 3 岁以上；每支含钙约 100mg",
       "乳品", "袋", "24.00", "SUP07", 180, True, 10, ("奶酪棒", "奶酪")),
    _p("P2004", "散养土鸡蛋", "30 枚", "32.8", "林下散养；冷藏保存 30 天",
       "禽蛋", "盒", "20.00", "SUP08", 30, False, 10, ("土鸡蛋", "鸡蛋", "土鸡蛋30枚")),
    _p("P3001", "无蔗糖燕麦片（新品）", "1kg", "26.8",
       "无添加蔗糖；澳洲燕麦；膳食纤维 10g/100g；可冲泡可即食",
       "粮油", "袋", "14.00", "SUP09", 365, False, 12, ("燕麦片", "燕麦", "无蔗糖燕麦片"),
       is_new=True),
    _p("P3002", "全麦吐司", "400g", "12.8", "全麦粉≥50%；常温保质期 3 天",
       "烘焙", "袋", "6.50", "SUP10", 3, False, 10, ("吐司", "全麦面包", "面包")),
    _p("P3003", "五常大米", "5kg", "59.9", "稻花香 2 号；当季新米",
       "粮油", "袋", "38.00", "SUP11", 365, False, 4, ("大米", "五常米", "稻花香")),
    _p("P3004", "特级初榨橄榄油", "500ml", "89.0", "西班牙原瓶进口；酸度≤0.3%；适合凉拌和低温烹饪",
       "粮油", "瓶", "52.00", "SUP09", 720, False, 12, ("橄榄油",)),
    _p("P3005", "云南小粒咖啡豆", "250g", "68.0", "保山产区；中度烘焙；坚果与焦糖风味",
       "冲饮", "袋", "35.00", "SUP12", 365, False, 10, ("咖啡豆", "咖啡", "小粒咖啡")),
    _p("P3006", "婴儿有机米粉", "225g", "58.0", "6 个月以上；含铁、锌",
       "母婴", "罐", "34.00", "SUP07", 540, False, 12, ("米粉", "婴儿米粉", "宝宝米粉")),
    _p("P4001", "即食鸡胸肉", "100g×5 袋", "29.9", "蛋白质 24g/100g；低脂；冷藏保质期 30 天",
       "肉禽", "包", "16.00", "SUP13", 30, True, 20, ("鸡胸肉", "鸡胸", "即食鸡胸")),
    _p("P4002", "冷鲜猪前腿肉", "500g", "19.8", "冷藏 0–4°C，3 天内食用",
       "肉禽", "盒", "13.00", "SUP13", 3, True, 10, ("猪肉", "前腿肉", "猪前腿肉")),
    _p("P4003", "鲜冻虾仁", "250g", "36.0", "-18°C 冷冻保存",
       "水产", "袋", "22.00", "SUP13", 270, True, 20, ("虾仁", "冻虾仁")),
    _p("P5001", "绿豆", "1kg", "12.9", "夏季解暑常备",
       "粮油", "袋", "7.00", "SUP11", 365, False, 10, ("绿豆汤",)),
    _p("P5002", "鲜肉粽", "4 只装", "29.9", "端午节前热销",
       "节令", "袋", "15.00", "SUP10", 7, False, 10, ("粽子", "肉粽")),
    _p("P5003", "广式月饼礼盒", "6 只", "128.0", "中秋节前热销",
       "节令", "盒", "70.00", "SUP10", 60, False, 6, ("月饼", "月饼礼盒")),
    _p("P6001", "低脂冰淇淋", "4 杯", "32.0", "高温天气热销",
       "冷冻", "盒", "17.00", "SUP06", 365, True, 12, ("冰淇淋", "雪糕", "冰激凌")),
    _p("P6002", "天然矿泉水", "550ml×24", "39.9", "",
       "饮品", "箱", "24.00", "SUP14", 365, False, 1, ("矿泉水", "水", "饮用水")),
    _p("P6003", "门店现烤蓝莓松饼", "4 个", "18.0", "每天现烤，当天售完",
       "烘焙", "盒", "7.00", "SUP10", 1, False, 1, ("蓝莓松饼", "松饼", "玛芬")),
)


@dataclass(frozen=True)
class MemberSpec:
    id: str
    name: str
    nickname: str | None
    store_id: str
    gender: str
    age: int
    who: str  # the sentence of demo-store.md, kept for tests and documentation
    tags: tuple[str, ...] = field(default=())  #: manual tags set by staff; others are derived


MEMBERS: tuple[MemberSpec, ...] = (
    MemberSpec("M0001", "李秀英", "李阿姨", "S001", "F", 63,
               "63 岁，金卡，每周约两次买低糖希腊酸奶，爱买水果；积分 1,280，其中 800 分今年 12 月 31 日到期；最近一次购买是 3 天前",
               ()),
    MemberSpec("M0002", "张婷", None, "S001", "F", 34,
               "34 岁，宝妈（有孩家庭），约每 20 天买一次婴儿有机米粉，常买儿童奶酪棒；银卡；参加了当前的蓝莓接龙",
               ("宝妈",)),
    MemberSpec("M0003", "刘洋", None, "S001", "M", 28,
               "28 岁，健身人群，常买即食鸡胸肉、低糖希腊酸奶、无蔗糖燕麦片"),
    MemberSpec("M0004", "王建华", "王大爷", "S001", "M", 70,
               "70 岁，沉睡客：65 天未到店，过去常买五常大米和土鸡蛋"),
    MemberSpec("M0005", "赵敏", None, "S002", "F", 31, "新客：5 天前注册，只有 1 单"),
    MemberSpec("M0006", "孙浩", None, "S002", "M", 41, "流失客：200 天没有消费"),
    MemberSpec("M0007", "周静", None, "S001", "F", 38, "最近 7 天每天浏览有机纯牛奶但未下单"),
    MemberSpec("M0008", "吴磊", None, "S003", "M", 26, "1 小时前加购后未付款"),
)

#: The canonical numbers of the story, used by the generator and checked by tests.
M0001_POINTS_BALANCE = 1280
M0001_POINTS_EXPIRING_DEC31 = 800
M0001_DAYS_SINCE_LAST_PURCHASE = 3
M0004_DAYS_SINCE_LAST_VISIT = 65
M0005_DAYS_SINCE_REGISTRATION = 5
M0006_DAYS_SINCE_LAST_PURCHASE = 200
M0002_RICE_CEREAL_CYCLE_DAYS = 20


def phone_of_member(n: int) -> str:
    """The fictional phone number of member number ``n`` (``1380000xxxx``)."""
    return f"1380000{n:04d}"


def code_of_member(n: int) -> str:
    """The member card code shown at the counter."""
    return f"8{n:05d}"
