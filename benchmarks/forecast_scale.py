"""Scale of the global forecaster: fit and forecast 14 days for 1k, 10k and 100k synthetic series.

Run from the repository root::

    python -m benchmarks.forecast_scale [--sizes 1000,10000,100000] [--threads 2]

The 100k case is the issue's chain of 200 stores × 500 SKUs with a year of daily history
(:mod:`store.forecast.synthetic`). Each size runs in a fresh subprocess so that its peak memory
(``ru_maxrss``) is its own ("data MB" is the resident memory after generating the long table,
before the forecaster starts); the time excludes generating the data and includes everything the forecaster does
(long table → matrices, features, four LightGBM boosters — point, mean, P50, P90 — and the 14-day
forecast of every series).
The exit status is 1 when the largest size takes longer than ``--budget`` seconds (default 120).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SHAPES = {1_000: (20, 50), 10_000: (50, 200), 100_000: (200, 500)}


def current_rss_kb() -> float:
    """Resident memory of this process now (Linux ``/proc``; else the peak so far), in KiB."""
    try:
        pages = int(open("/proc/self/statm").read().split()[1])  # noqa: SIM115 - one read
        return pages * resource.getpagesize() / 1024
    except (OSError, ValueError, IndexError):
        return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_one(n_series: int, threads: int) -> dict[str, float]:
    """Generate, fit and forecast one size in this process; return timings and memory."""
    from store.forecast.model import ForecastConfig, GlobalForecaster
    from store.forecast.synthetic import synthetic_chain

    stores, skus = SHAPES.get(n_series, (max(n_series // 500, 1), min(n_series, 500)))
    started = time.perf_counter()
    chain = synthetic_chain(n_stores=stores, n_skus=skus, days=365, horizon=14)
    generated = time.perf_counter()
    rss_before = current_rss_kb()
    model = GlobalForecaster(ForecastConfig(num_threads=threads))
    model.fit(chain.history, freq="D", horizon=14, static_features=chain.static_features,
              X_df=chain.future)
    fitted = time.perf_counter()
    fc = model.predict()
    done = time.perf_counter()
    assert len(fc) == stores * skus * 14 and fc["p90"].ge(fc["p50"]).all()
    return {
        "series": stores * skus, "rows": len(chain.history), "generate_s": generated - started,
        "fit_s": fitted - generated, "predict_s": done - fitted, "total_s": done - generated,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_after_data_mb": rss_before / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds allowed for the largest size")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.threads)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Global LightGBM forecaster, 1 year daily history, horizon 14, num_threads={args.threads}")
    print(f"{'series':>8} {'rows':>11} {'fit s':>7} {'predict s':>9} {'total s':>8} {'s/1k series':>11} "
          f"{'data MB':>8} {'peak RSS MB':>11}")
    results = []
    for n in sizes:
        out = subprocess.run([sys.executable, "-m", "benchmarks.forecast_scale", "--one", str(n),
                              "--threads", str(args.threads)], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(out.stderr[-2000:])
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['series']:>8,} {r['rows']:>11,} {r['fit_s']:>7.1f} {r['predict_s']:>9.1f} "
              f"{r['total_s']:>8.1f} {1000 * r['total_s'] / r['series']:>11.2f} "
              f"{r['rss_after_data_mb']:>8,.0f} {r['peak_rss_mb']:>11,.0f}")
    for a, b in zip(results, results[1:], strict=False):
        print(f"{a['series']:,} → {b['series']:,} series ({b['series'] / a['series']:.0f}×): "
              f"time × {b['total_s'] / a['total_s']:.1f}")
    largest = results[-1]
    verdict = "within" if largest["total_s"] <= args.budget else "OVER"
    print(f"largest: {largest['series']:,} series in {largest['total_s']:.1f} s — {verdict} the "
          f"{args.budget:.0f} s budget (data generation, {largest['generate_s']:.1f} s, not counted)")
    return 0 if largest["total_s"] <= args.budget else 1


if __name__ == "__main__":
    sys.exit(main())
