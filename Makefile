PYTHON ?= python3

.PHONY: check lint test bench
check: lint test

lint:
	$(PYTHON) -m ruff check searchkit tests bench
	$(PYTHON) -m ruff format --check searchkit tests bench

test:
	$(PYTHON) -m pytest -q

bench:
	$(PYTHON) bench/run.py
