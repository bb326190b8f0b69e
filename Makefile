# Two commands do everything on a fresh machine:
#   make demo   set up .venv, then show guardrail blocking X data and passing clean data
#   make test   set up .venv, then run ruff, mypy and the whole test suite
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# torch is pinned to the CPU build only here, in the dev set-up; the package leaves it open.
# PyPI's torch wheel for Linux is the CUDA build (several GB with its nvidia-* packages), so the
# CPU build comes from PyTorch's CPU index; only when that index cannot be reached (a machine
# whose network allows PyPI alone) does pip fall back to the default index, after a short timeout.
TORCH ?= torch==2.13.0
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
STAMP := $(VENV)/.guardrail-installed

.PHONY: demo test lint typecheck unit bench eval clean

$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --timeout 10 --retries 0 --index-url "$(TORCH_INDEX)" "$(TORCH)" \
		|| $(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,transformers,ray]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

lint: $(STAMP)
	$(BIN)/ruff check guardrail tests examples benchmarks
	$(BIN)/ruff format --check guardrail tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/end_to_end.py

eval: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/eval/evaluate.py ../shared/eval/dev-corpus ../shared/eval/dev-labels.tsv --show-misses

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
