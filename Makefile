# Two commands on a fresh machine with only python3 and make: `make templates`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOOTSTRAPPED := $(VENV)/.bootstrapped
CLI := $(BIN)/fargate-private-templates
# cfn-lint with informational checks and the package's own private-IP rules (E9xxx/W9xxx).
CFN_LINT := $(BIN)/cfn-lint --include-checks I --append-rules src/fargate_private_templates/cfnlint_rules
# checkov pins an old boto3, so it gets a virtual environment of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_BOOTSTRAPPED := $(CHECKOV_VENV)/.bootstrapped
# Scan offline: no platform policy download, no PyPI version check; a template checkov cannot parse fails the scan.
CHECKOV := CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE CKV_PARSE_ERROR_FAIL=true \
	$(CHECKOV_VENV)/bin/checkov --skip-download --framework cloudformation --quiet --compact

# mutmut gets a virtual environment of its own too, with the project installed beside it.
MUTATION_VENV := .venv-mutation
MUTATION_BOOTSTRAPPED := $(MUTATION_VENV)/.bootstrapped

.PHONY: templates test lint clean bootstrap security mutation

bootstrap: $(BOOTSTRAPPED)

$(BOOTSTRAPPED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	touch $@

templates: $(BOOTSTRAPPED)
	$(CLI) render --out templates
	$(CLI) diagram templates/network.yaml templates/service-alb.yaml --embed README.md
	$(CFN_LINT) -- templates/*.yaml

$(CHECKOV_BOOTSTRAPPED): requirements-security.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-security.txt
	touch $@

# Every finding fails: one accepted on purpose is a skip with its reason, written by scanner_skips.skip_checkov.
security: $(CHECKOV_BOOTSTRAPPED)
	$(CHECKOV) -d templates

# The scan runs first, so pytest's summary is the run's last line.
test: $(BOOTSTRAPPED) security
	$(BIN)/python -m pytest -q -n 2

$(MUTATION_BOOTSTRAPPED): pyproject.toml requirements-mutation.txt
	test -x $(MUTATION_VENV)/bin/python || $(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]' \
		-r requirements-mutation.txt
	touch $@

# Sampled mutation testing of the checker and the config validation: 20-25 minutes, not part of `make test`.
mutation: $(MUTATION_BOOTSTRAPPED)
	$(MUTATION_VENV)/bin/python tools/mutation.py

lint: $(BOOTSTRAPPED)
	$(BIN)/ruff check src tests examples
	$(BIN)/ruff format --check src tests examples
	$(CFN_LINT) -- templates/*.yaml

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(MUTATION_VENV) .pytest_cache .ruff_cache build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
