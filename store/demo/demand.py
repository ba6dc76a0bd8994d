"""What drives demand in the demo history: product popularity, fruit seasons, holidays, weather,
the new product's launch, and shopper personas. Everything here is a multiplier on a base rate.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from store.demo.canonical import PRODUCTS
from store.holidays import day_info, holiday_first_days

SKUS: tuple[str, ...] = tuple(p.sku for p in PRODUCTS)
SKU_INDEX = {sku: i for i, sku in enumerate(SKUS)}
NEW_PRODUCT = "P3001"
NEW_PRODUCT_AGE_DAYS = 24  # 无蔗糖燕麦片 launched this many days before "today"

# Relative popularity of each SKU on an ordinary day.
BASE_POPULARITY = {
    "P1001": 3.0, "P1002": 1.6, "P1003": 1.4, "P1004": 1.8, "P1005": 1.6, "P1006": 1.6,
    "P2001": 4.0, "P2002": 3.0, "P2003": 1.4, "P2004": 2.6, "P3001": 1.6, "P3002": 2.6,
    "P3003": 1.2, "P3004": 0.4, "P3005": 0.6, "P3006": 0.5, "P4001": 1.5, "P4002": 3.0,
    "P4003": 1.2, "P5001": 0.8, "P5002": 1.0, "P5003": 1.0, "P6001": 1.2, "P6002": 1.6,
    "P6003": 2.2,
}

# Month multipliers (index 0 = January) for seasonal SKUs; others are flat.
SEASONS = {
    "P1001": (0.8, 0.8, 0.9, 1.1, 1.4, 1.7, 1.8, 1.6, 1.2, 0.9, 0.8, 0.8),
    "P1002": (0.2, 0.2, 0.3, 0.6, 1.2, 1.8, 2.0, 1.8, 1.0, 0.4, 0.2, 0.2),
    "P1003": (0.05, 0.05, 0.05, 0.2, 0.8, 3.0, 4.0, 3.5, 0.8, 0.1, 0.05, 0.05),
    "P1004": (0.5, 0.4, 0.3, 0.3, 0.4, 0.6, 1.2, 1.6, 1.8, 1.6, 1.2, 0.8),
    "P1005": (2.5, 1.2, 0.4, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 2.2, 3.0),
    "P1006": (3.0, 3.0, 2.5, 1.8, 0.2, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 2.5),
    "P5001": (0.4, 0.4, 0.5, 0.7, 1.2, 1.8, 2.2, 2.0, 1.2, 0.6, 0.4, 0.4),
    "P6001": (0.3, 0.3, 0.5, 0.7, 1.2, 1.8, 2.4, 2.2, 1.4, 0.7, 0.4, 0.3),
    "P6002": (0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.6, 1.5, 1.2, 0.9, 0.8, 0.7),
}
HEAT_SENSITIVE = {"P1003": 0.10, "P6001": 0.12, "P5001": 0.08, "P6002": 0.06, "P1002": 0.04,
                  "P1001": 0.04}  # extra demand per °C above 28
FESTIVE = {"P5002": ("端午节", 14, 12.0), "P5003": ("中秋节", 21, 25.0)}  # sku: (holiday, days before, lift)
FESTIVE_OFF_SEASON = 0.03

# Items bought together: when the first is in a basket, the second joins it with this probability.
COMPANIONS = {"P3006": ("P2003", 0.45), "P4001": ("P2002", 0.35), "P3002": ("P2001", 0.3),
              "P6003": ("P2001", 0.25), "P1003": ("P6001", 0.2), "P4002": ("P2004", 0.2)}

# Personas: multipliers on SKUs (missing = 1.0) and how they are picked for generated members.
PERSONAS = {
    "有孩家庭": {"P3006": 8.0, "P2003": 5.0, "P2001": 1.6, "P1004": 1.4, "P1006": 1.4, "P4003": 1.5},
    "健身人群": {"P4001": 7.0, "P2002": 3.0, "P3001": 4.0, "P2004": 1.5, "P6002": 1.5, "P3002": 1.5},
    "银发族": {"P3003": 3.0, "P2004": 2.5, "P5001": 2.0, "P4002": 1.8, "P3005": 0.1, "P6001": 0.3},
    "价格敏感": {"P3004": 0.3, "P3005": 0.3, "P5003": 0.4, "P1004": 0.6},
    "水果爱好者": {"P1001": 2.2, "P1002": 2.2, "P1003": 2.2, "P1004": 2.2, "P1005": 2.2, "P1006": 2.2},
    "咖啡爱好者": {"P3005": 8.0, "P2001": 1.8, "P3002": 1.5, "P6003": 1.5},
    "普通": {},
}
PERSONA_SHARES = {"有孩家庭": 0.18, "健身人群": 0.11, "银发族": 0.20, "价格敏感": 0.14,
                  "水果爱好者": 0.13, "咖啡爱好者": 0.04, "普通": 0.20}
PERSONA_AGES = {"有孩家庭": (28, 42), "健身人群": (22, 38), "银发族": (60, 78), "价格敏感": (25, 70),
                "水果爱好者": (25, 60), "咖啡爱好者": (24, 45), "普通": (20, 65)}


def persona_matrix() -> tuple[list[str], np.ndarray]:
    """Persona names and a (persona × SKU) multiplier matrix."""
    names = list(PERSONAS)
    mat = np.ones((len(names), len(SKUS)))
    for i, name in enumerate(names):
        for sku, mult in PERSONAS[name].items():
            mat[i, SKU_INDEX[sku]] = mult
    return names, mat


def traffic_factor(day: date, weather: dict) -> float:
    """How busy a store is on ``day`` relative to an ordinary weekday."""
    info = day_info(day)
    factor = (0.92, 0.9, 0.94, 0.96, 1.05, 1.2, 1.15)[day.weekday()]
    if not info.is_workday:
        factor = max(factor, 1.15)
    if info.is_makeup_workday:
        factor = 0.95
    if info.holiday == "春节":
        factor = 0.7  # many residents go home for the festival
    if info.holiday == "国庆节":
        factor = 0.95
    first = holiday_first_days(day.year).get("春节")
    if first and 1 <= (first - day).days <= 10:
        factor *= 1.35  # 年货
    if weather["precip_mm"] >= 10:
        factor *= 0.88
    return factor


def day_weights(days: list[date], weather_by_day: dict[date, dict], today: date) -> np.ndarray:
    """A (day × SKU) matrix of relative demand per SKU on each day."""
    weights = np.zeros((len(days), len(SKUS)))
    base = np.array([BASE_POPULARITY[s] for s in SKUS])
    launch = today - timedelta(days=NEW_PRODUCT_AGE_DAYS)
    for d, day in enumerate(days):
        w = base.copy()
        for sku, months in SEASONS.items():
            w[SKU_INDEX[sku]] *= months[day.month - 1]
        heat = max(0.0, weather_by_day[day]["t_max"] - 28.0)
        for sku, per_degree in HEAT_SENSITIVE.items():
            w[SKU_INDEX[sku]] *= 1.0 + per_degree * heat
        for sku, (holiday, lead, lift) in FESTIVE.items():
            first = holiday_first_days(day.year).get(holiday)
            ahead = (first - day).days if first else -1
            w[SKU_INDEX[sku]] *= lift if 0 <= ahead <= lead else FESTIVE_OFF_SEASON
        age = (day - launch).days
        w[SKU_INDEX[NEW_PRODUCT]] *= 0.0 if age < 0 else min(1.0, 0.35 + age / 20)
        weights[d] = w
    return weights
