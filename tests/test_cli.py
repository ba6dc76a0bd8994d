"""The store-assistant command line, run in-process against real databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from store.importing import SAMPLES_DIR

pytest_plugins = ("tests.kb_support",)  # the knowledge-base fixtures

runner = CliRunner()


@pytest.fixture
def demo_db_url(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    target = tmp_path / "store.db"
    shutil.copy(demo_path, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("STORE_ASSISTANT_DATABASE_URL", url)
    return url


def test_stats_json_counts_every_entity(demo_db_url: str) -> None:
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["stores"] == 3 and counts["products"] == 25
    assert counts["order_lines"] >= 100_000
    assert set(counts) >= {"members", "orders", "group_buys", "inventory", "weather_days", "coupons"}


def test_demo_summarises_without_reseeding(demo_db_url: str, kb_demo_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORE_ASSISTANT_KB_DIR", str(kb_demo_dir))  # built once per run, not by each demo
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "邻里优选·翠苑店" in result.stdout and "生成" not in result.stdout
    assert "进行中的接龙：S001 云南高原蓝莓" in result.stdout and "计划中的直播：S001" in result.stdout
    assert "知识库：29 篇文档" in result.stdout and "kb search" in result.stdout
    again = runner.invoke(app, ["seed"])
    assert again.exit_code == 0 and "未重复生成" in again.stdout


def test_stats_on_an_empty_database_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STORE_ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 1
    assert "seed" in result.output


def test_import_sample_then_broken_file(demo_db_url: str, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["import", "members", str(SAMPLES_DIR / "members.csv")])
    assert ok.exit_code == 0, ok.output
    before = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    bad = tmp_path / "bad.csv"
    bad.write_text("member_id,name,phone,store_id,registered_at\n"
                   "M9100,测试,123,S001,2026-01-01\nM9101,好人,13900001112,S001,2026-01-02\n",
                   encoding="utf-8")
    result = runner.invoke(app, ["import", "members", str(bad)])
    assert result.exit_code == 1
    assert "第 2 行 [phone]" in result.output and "未写入任何数据" in result.output
    after = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert after == before


def test_import_rejects_unknown_entity_and_missing_file(demo_db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", "suppliers", str(SAMPLES_DIR / "members.csv")]).exit_code == 2
    missing = runner.invoke(app, ["import", "members", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "找不到文件" in missing.output
