"""Any CSV of sales as the forecaster's long table (``unique_id, ds, y`` + exogenous columns)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def read_long_csv(path: Path, *, id_col: str, date_col: str, target_col: str,
                  exog_cols: Sequence[str] = (), id_cols_sep: str = "/") -> pd.DataFrame:
    """Read a CSV into ``unique_id, ds, y`` (+ ``exog_cols``), one row per series and date.

    Args:
        path: the CSV file (UTF-8, with or without BOM).
        id_col: the column naming a series; several columns may be joined with commas
            (``Store,Dept``), their values then joined with ``id_cols_sep``.
        date_col: the date column (any format pandas parses).
        target_col: the quantity to forecast.
        exog_cols: extra numeric columns known in advance (e.g. a holiday flag).

    Duplicate ``(series, date)`` rows are summed (the exogenous columns take their first value).

    Raises:
        ValueError: a named column is missing from the file.
    """
    ids = [c.strip() for c in id_col.split(",") if c.strip()]
    frame = pd.read_csv(path, encoding="utf-8-sig")
    missing = [c for c in (*ids, date_col, target_col, *exog_cols) if c not in frame.columns]
    if missing:
        raise ValueError(f"CSV 缺少列：{missing}（有：{list(frame.columns)}）")
    uid = frame[ids[0]].astype(str)
    for col in ids[1:]:
        uid = uid + id_cols_sep + frame[col].astype(str)
    out = pd.DataFrame({"unique_id": uid, "ds": pd.to_datetime(frame[date_col]),
                        "y": pd.to_numeric(frame[target_col], errors="coerce").fillna(0.0)})
    for col in exog_cols:
        out[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    agg = {"y": "sum", **{c: "first" for c in exog_cols}}
    return out.groupby(["unique_id", "ds"], as_index=False).agg(agg).sort_values(["unique_id", "ds"])
