# probe: compiled TA-Lib strategy backtests. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup install chromium generate build test typecheck lint vitest check-generated check-registry bench chaos demo clean

help:
	@echo "make setup     install dependencies (npm ci), build the talib addon, generate and bundle; Chromium for the report's browser tests"
	@echo "make test      typecheck, lint, unit/parity tests, stale generated/ check"
	@echo "make generate  strategies.json -> generated/"
	@echo "make check-registry PY_REGISTRY=module [PY_PATH=dir] [PY_DATA=file.csv]"
	@echo "               strategies.json is the export of that Python registry, and every closure agrees with its JSON"
	@echo "make bench     the benchmarks (a cold probe backtest of 900 combinations x 10,000 and 50,000 bars; start-up; then through PostgreSQL)"
	@echo "make chaos     fault injection (PostgreSQL restart, killed instance, dead worker thread, lost connections): rows must equal an uninterrupted run's"
	@echo "make demo      sample bars for two symbols -> embedded PostgreSQL -> probe run -> summary"

setup: install generate build chromium

# npm ci installs exactly package-lock.json (never rewrites it); warnings stay in npm's log, errors are printed
install:
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/build-talib.mjs

# Debian's chromium for the browser tests of the report, when missing and the machine allows it (else a line says how)
chromium:
	@bash scripts/install-chromium.sh

generate:
	npx tsx compiler/main.ts

build:
	node scripts/bundle.mjs

test: typecheck lint vitest check-generated

typecheck:
	npx tsc --noEmit -p tsconfig.json
	npx tsc --noEmit -p runtime/report/page/tsconfig.json

lint:
	npx eslint --max-warnings 0 .

# a report left by an earlier run must not stand in for this one's (vitest writes none when its setup fails)
vitest:
	@mkdir -p .probe && rm -f .probe/vitest.json
	npx vitest run --reporter=default --reporter=json --outputFile.json=.probe/vitest.json; \
	  status=$$?; node scripts/test-summary.mjs .probe/vitest.json || status=1; exit $$status

# generated/ must be what the registry gives, and what is committed.
check-generated:
	npx tsx compiler/main.ts --check
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  if [ -n "$$(git status --porcelain -- generated strategies.json)" ]; then \
	    echo "generated/ or strategies.json differs from the commit: run 'make generate' and commit both"; \
	    git status --short -- generated strategies.json; \
	    git --no-pager diff --no-color -- generated strategies.json | head -n 200; exit 1; \
	  fi; \
	fi

# The Python registry's CI runs this (docs/adopting-from-python.md): export
# --check against the committed strategies.json, the compiler's checks, and
# every condition's closure against its JSON on PY_DATA (default: generated)
check-registry:
	@if [ -z "$(PY_REGISTRY)" ]; then \
	  echo "usage: make check-registry PY_REGISTRY=module [PY_PATH=dir] [PY_DATA=file.csv ...]"; exit 2; fi
	python3 scripts/export_registry.py --module $(PY_REGISTRY) --check strategies.json \
	  $(foreach dir,$(PY_PATH),--path $(dir)) $(foreach file,$(PY_DATA),--data $(file))

bench: build
	npx tsx scripts/bench.ts
	npx tsx scripts/bench-db.ts
	npx tsx scripts/bench-api.ts

chaos: build
	npx tsx scripts/chaos.ts

demo:
	npx tsx scripts/demo.ts

clean:
	rm -rf dist .probe
