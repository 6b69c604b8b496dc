# Two commands on a fresh machine with only python3 and make: `make templates`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOOTSTRAPPED := $(VENV)/.bootstrapped
CLI := $(BIN)/fargate-private-templates

.PHONY: templates test lint clean bootstrap

bootstrap: $(BOOTSTRAPPED)

$(BOOTSTRAPPED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	touch $@

templates: $(BOOTSTRAPPED)
	$(CLI) render --out templates
	$(BIN)/cfn-lint --include-checks I -- templates/*.yaml

test: $(BOOTSTRAPPED)
	$(BIN)/python -m pytest -q

lint: $(BOOTSTRAPPED)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/cfn-lint --include-checks I -- templates/*.yaml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
