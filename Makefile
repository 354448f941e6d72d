# Chhmam — the two commands are `make demo` and `make test`; both start with `make setup`, which installs the
# packages and assembles the committed release model (release/) into artifacts/model: no training.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export DVC_NO_ANALYTICS := 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PATH := $(CURDIR)/$(BIN):$(PATH)
step = @printf '\n\033[1;34m==> %s\033[0m\n' "$(1)"

.PHONY: help setup system-deps model retrain release demo pipeline serve test check lint format format-check typecheck layers pytest test-slow bench clean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t18

$(STAMP): pyproject.toml constraints.txt
	$(call step,Python environment in $(VENV) (pinned by constraints.txt))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --progress-bar on -q --disable-pip-version-check -c constraints.txt -e '.[dev]' 2> >(grep -v '^WARNING: Location' >&2)
	touch $@

system-deps:  ## Debian packages for browser tests and PDF checks (skipped when present or not root)
	@need=""; for p in chromium chromium-driver poppler-utils libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0; do \
	  dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    printf '\n\033[1;34m==> Debian packages:%s\033[0m\n' "$$need"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	  else echo "missing Debian packages:$$need (browser/PDF tests will be skipped)"; fi; fi

setup: $(STAMP) system-deps model  ## venv + packages + the release model in artifacts/model (idempotent)

model: $(STAMP)  ## artifacts/model from the committed release: rebuilt from the backbone, checksums and smoke set checked
	$(call step,Model: assemble artifacts/model from release/ (no training; skipped when current))
	$(BIN)/python -m models.train.release assemble
	@$(BIN)/chhmam model register >/dev/null
	$(BIN)/dvc repro --quiet data  # the generated splits (seconds, deterministic): notebooks and tests read them

retrain: $(STAMP)  ## retrain every model from scratch with `dvc repro` and publish it to artifacts/model (long: see README)
	$(call step,Retrain: dvc repro (offline; up-to-date stages are skipped))
	$(BIN)/dvc repro
	@$(BIN)/chhmam model register

release: $(STAMP)  ## pack the model `dvc repro` published into release/ (commit it at most once per issue)
	$(call step,Release: pack artifacts/model into release/)
	$(BIN)/dvc status --quiet || { echo "dvc repro is not up to date: run make retrain first"; exit 1; }
	$(BIN)/python -m models.train.release pack

pipeline: setup  ## ingest the sample partner feeds, score, fill the review queue
	$(call step,Prefect pipeline over data/sample/partners.yaml)
	$(BIN)/chhmam pipeline

demo-feeds: setup  ## ingest from the partner-feed simulator (HTTP API + RSS, injected faults) on 127.0.0.1:8765
	$(call step,Partner-feed simulator on 127.0.0.1:8765 (5xx, 429, bad records, duplicates) → HTTP and RSS connectors)
	@$(BIN)/chhmam feeds simulator --port 8765 --posts 2000 --fault 5xx:1 --fault 429:2:1:1 --fault bad_records:3:0 \
	  --fault duplicates:4:0 --fault out_of_order:5:0 >/dev/null 2>&1 & pid=$$!; trap "kill $$pid" EXIT; \
	  $(BIN)/python -m feeds.simulator --wait-for http://127.0.0.1:8765/feed.xml; \
	  $(BIN)/chhmam feeds ingest --partners feeds/simulator_partners.yaml

demo: pipeline demo-feeds  ## the whole system: set-up, pipeline, simulator feeds, then the web app on 127.0.0.1:8000
	$(call step,Moderator web app on http://127.0.0.1:8000 (Ctrl-C to stop))
	$(BIN)/chhmam users demo
	$(BIN)/chhmam serve --local-demo

serve: setup  ## serve the web app only (a local demo with its own generated key unless CHHMAM_SECRET_KEY is set)
	$(BIN)/chhmam serve $(if $(CHHMAM_SECRET_KEY),,--local-demo)

check: lint typecheck layers  ## ruff (lint and format), mypy, import layering

lint: $(STAMP)
	$(call step,ruff check and ruff format --check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## rewrite the Python files in ruff's format (`ruff format .`)
	$(BIN)/ruff format .

format-check: $(STAMP)  ## check the format without writing (also part of `make lint`)
	$(call step,ruff format --check)
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(call step,mypy (strict))
	$(BIN)/mypy

layers: $(STAMP)
	$(call step,import layering: feeds → features → models → cases → review → reports; store below, flows above)
	$(BIN)/lint-imports

pytest: setup
	$(call step,pytest (default suite))
	$(BIN)/pytest -m "not slow" -q

test: setup check pytest  ## set up if needed, then quality gates and the default test suite

test-slow: setup  ## heavy checks: full training, benchmarks
	$(BIN)/pytest -m slow -q

clean:  ## remove local state (database, Prefect home, exports); keeps the venv and DVC cache
	rm -rf var exports test-artifacts
