"""The forecasting commands through typer's CliRunner: forecast backtest (CSV and the demo store),
restock and purchase-list, against real databases and files."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture
def demo_db(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "store.db"
    shutil.copy(demo_path, target)
    monkeypatch.setenv("STORE_ASSISTANT_DATABASE_URL", f"sqlite:///{target}")
    monkeypatch.setenv("STORE_ASSISTANT_FORECAST_THREADS", "1")
    return target


def test_backtest_any_csv_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORE_ASSISTANT_FORECAST_THREADS", "1")
    rng = np.random.default_rng(0)
    ds = pd.date_range("2024-01-05", periods=110, freq="W-FRI")
    frame = pd.concat([pd.DataFrame({"shop": 1, "dept": d, "week": ds.strftime("%Y-%m-%d"),
                                     "sales": 100 * (d + 1) * (1 + 0.3 * np.sin(np.arange(110) / 8))
                                     + rng.normal(0, 5, 110)}) for d in range(5)])
    path = tmp_path / "weekly.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(app, ["forecast", "backtest", "--csv", str(path), "--id-col", "shop,dept",
                                 "--date-col", "week", "--target-col", "sales", "--freq", "W",
                                 "--horizon", "4", "--windows", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["n_series"] == 5 and payload["n_windows"] == 2 and payload["horizon"] == 4
    assert set(payload["methods"]) == {"LightGBM (ours)", "SeasonalNaive", "AutoETS"}
    for metrics in payload["methods"].values():
        assert metrics["mase"] > 0 and 0 <= metrics["coverage"] <= 1 and metrics["wape"] < 1


def test_backtest_reports_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,date,qty\na,2026-01-01,1\n", encoding="utf-8")
    result = runner.invoke(app, ["forecast", "backtest", "--csv", str(path), "--id-col", "id",
                                 "--date-col", "day", "--target-col", "qty"])
    assert result.exit_code == 1 and "缺少列" in result.output


def test_backtest_on_the_demo_store(demo_db: Path) -> None:
    result = runner.invoke(app, ["forecast", "backtest", "--horizon", "7", "--windows", "1"])
    assert result.exit_code == 0, result.output
    assert "75 个序列 × 1 个窗口 × 7 期" in result.stdout
    assert "MASE LightGBM (ours) / SeasonalNaive" in result.stdout and "AutoETS" in result.stdout


def test_restock_prints_the_advice(demo_db: Path) -> None:
    result = runner.invoke(app, ["restock", "--store", "S001", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["store_id"] == "S001" and payload["today"] == "2026-12-10" and len(payload["lines"]) == 25
    assert all(line["reasons"] for line in payload["lines"])
    table = runner.invoke(app, ["restock", "--store", "S001"])
    assert table.exit_code == 0 and "S001 补货建议（2026-12-10）" in table.stdout
    assert "P1001 云南高原蓝莓：" in table.stdout
    unknown = runner.invoke(app, ["restock", "--store", "S999"])
    assert unknown.exit_code == 1 and "S999" in unknown.output


def test_purchase_list_to_csv(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "po.csv"
    result = runner.invoke(app, ["purchase-list", "--closed-on", "2026-12-08", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert "采购单（以销定产）" in result.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and {r["商品编号"] for r in rows} >= {"P1006"}
    assert all(int(r["采购数量"]) >= int(r["数量"]) > 0 for r in rows)
    still_open = runner.invoke(app, ["purchase-list", "--group-buy", "GB20261210001"])
    assert still_open.exit_code == 1 and "还未截单" in still_open.output


def test_forecast_run_reports_the_stored_forecast(demo_db: Path) -> None:
    result = runner.invoke(app, ["forecast", "run", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out == {"made_on": "2026-12-10", "series": 75, "rows": 75 * 14, "stores": ["S001", "S002", "S003"],
                   "fitted": False, "seconds": out["seconds"]}
    text = runner.invoke(app, ["forecast", "run"])
    assert text.exit_code == 0 and "今天的预测已存在" in text.stdout
