# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo lint test stress bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rqrun demo

# Static checks, no pytest: ruff (pycodestyle, pyflakes, imports, bugbear, bandit, ...) and
# mypy --strict; both read their settings from pyproject.toml. `make test` runs them first.
lint: $(STAMP)
	$(BIN)/ruff check rqrun tests bench
	$(BIN)/mypy --strict rqrun

test: lint
	$(BIN)/python -m pytest -n 2 -q

# The suite on a loaded machine (spec/quality.md): `make test` RUNS times in a row while stress-ng
# keeps two cores busy; stops at the first failure. Needs stress-ng (apt-get install -y stress-ng).
RUNS ?= 5
stress: $(STAMP)
	@command -v stress-ng >/dev/null || { echo "stress-ng is missing: apt-get install -y stress-ng" >&2; exit 1; }
	@stress-ng --cpu 2 --timeout 7200s --quiet & load=$$!; trap 'kill $$load 2>/dev/null; wait $$load' EXIT; \
	for i in $$(seq $(RUNS)); do echo "== make test under stress-ng --cpu 2: run $$i of $(RUNS)"; \
	    $(MAKE) --no-print-directory test || exit 1; done

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# A million requests in one run (about 20 minutes): RSS must stay flat. Not part of bench.
soak: $(STAMP)
	$(BIN)/python bench/bench_longrun.py --iterations 100000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
