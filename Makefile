# Two commands do everything on a fresh machine:
#   make demo   set up .venv (with what every notebook needs) and graphviz, and run the main demo
#   make test   set up .venv (with PyTorch for the cross-checks), graphviz and Chromium, then lint,
#               type-check and run every test
# Set-up is cached: a stamp file per extra set is remade only when pyproject.toml changes.
# System packages come from .ci/ensure-system-packages: installed when we are root (or have
# password-less sudo), otherwise it says what to run and the tests needing them are skipped.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=
export HYPOTHESIS_PROFILE ?= ci

.PHONY: help demo test lint typecheck pytest bench bench-smoke lab clean graphviz system-packages venv mutants mutants-ci

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "glassgrad needs Python >= 3.10; set PYTHON=python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# One stamp per set of extras: installing is skipped when pyproject.toml is unchanged.
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[$*]'
	@touch $@

venv: $(VENV)/.installed-dev  ## create .venv with everything for development (PyTorch included)

graphviz:  ## make sure graphviz's `dot` binary is installed
	@bash .ci/ensure-system-packages dot:graphviz

system-packages:  ## make sure dot, chromium and chromedriver are installed (needs root or sudo)
	@bash .ci/ensure-system-packages

# The course extra holds what every notebook imports (hypothesis in 06, NumPy and scikit-learn in 07).
demo: $(VENV)/.installed-course graphviz  ## set up (every notebook can run after it), then run the main demo
	$(BIN)/glassgrad demo

lint: $(VENV)/.installed-dev  ## ruff check and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/mypy --strict autograd nn

typecheck: lint

pytest: $(VENV)/.installed-dev system-packages
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

test: lint pytest bench-smoke  ## set up, lint, type-check, run every test and a benchmark smoke run

bench: $(VENV)/.installed-dev  ## run the benchmarks against micrograd (and PyTorch if installed)
	$(PY) benchmarks/run.py

bench-smoke: $(VENV)/.installed-dev
	$(PY) benchmarks/run.py --smoke --output $(VENV)/bench-smoke.json

# Mutation testing (mutants/run.py): each mutant is one small bug in ops, graph, losses or
# optimizers; the run fails when the tests kill fewer than MUTANTS_MIN_KILL_RATE % of the
# non-equivalent ones. CI runs a fixed, hash-chosen MUTANTS_SAMPLE of them to stay fast.
# Measured on that 20% sample after the engine's one sweep, the public ops and the losses' closed
# forms landed (175 mutants, 2 listed equivalent): 93.6% killed with torch (162 of 173), 7 minutes on
# 2 cores. The eleven survivors are listed by `make mutants-ci`; most are in the new engine code
# (graph.py's sweep selector and _times' folding, the power rule's nan slopes): tests owed, not
# equivalents. The gate stays at 93 rather than drop; raise it as those tests land.
MUTANTS_MIN_KILL_RATE ?= 93
MUTANTS_SAMPLE ?= 0.2

mutants: $(VENV)/.installed-dev  ## mutation testing: every mutant (tens of minutes on 2 cores)
	$(PY) mutants/run.py --min-kill-rate $(MUTANTS_MIN_KILL_RATE)

mutants-ci: $(VENV)/.installed-dev
	$(PY) mutants/run.py --sample $(MUTANTS_SAMPLE) --min-kill-rate $(MUTANTS_MIN_KILL_RATE)

lab: $(VENV)/.installed-dev graphviz  ## open the course notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

clean:  ## remove .venv, caches and generated output
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis out build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
