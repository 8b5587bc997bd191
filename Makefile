# Partner search: `make run` serves API + UI on localhost; `make test` runs the whole suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install build browser bench evaluate lint clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "error: $(PY) not found; install Python 3.11"; exit 1; }
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --upgrade pip >/dev/null
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e ".[api,dev]"
	touch $(STAMP)

install: $(STAMP)

models/index/manifest.json: $(STAMP)
	$(BIN)/partner-search build --out models/index

build: $(STAMP)
	$(BIN)/partner-search build --out models/index

# An index built before the int8 request model existed gets it here (seconds when present).
run: models/index/manifest.json
	@ls models/cache/onnx/*/onnx.json >/dev/null 2>&1 || $(BIN)/partner-search export-onnx
	$(BIN)/partner-search serve --host $(HOST) --port $(PORT)

# Debian's chromium for the real-browser tier (needs root or sudo; CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser
	$(BIN)/ruff check engine api tests bench
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/recommend_latency.py

evaluate: $(STAMP)
	$(BIN)/partner-search evaluate --json docs/dev_metrics.json

lint: $(STAMP)
	$(BIN)/ruff check engine api tests bench

clean:
	rm -rf $(VENV) models/index models/cache
