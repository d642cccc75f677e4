# tourlink — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
OUT    ?= out/demo
STAMP  := $(VENV)/.installed

.PHONY: demo test lint data bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tourlink demo --out $(OUT)

test: $(STAMP)
	$(BIN)/ruff check tourlink tests tools benchmarks
	$(BIN)/python -m pytest -q -p no:cacheprovider --shared $(SHARED) tests notebooks --nbmake

lint: $(STAMP)
	$(BIN)/ruff check tourlink tests tools benchmarks

data: $(STAMP)
	$(BIN)/python tools/build_data.py $(SHARED)/data/raw --out data

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --shared $(SHARED)

clean:
	rm -rf $(VENV) out build *.egg-info
