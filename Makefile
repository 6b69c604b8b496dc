# Two commands on a fresh machine with only python3 and make: `make templates`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOOTSTRAPPED := $(VENV)/.bootstrapped
CLI := $(BIN)/fargate-private-templates
# cfn-lint with informational checks and the package's own private-IP rules (E9xxx/W9xxx).
CFN_LINT := $(BIN)/cfn-lint --include-checks I --append-rules src/fargate_private_templates/cfnlint_rules
# The Regions every template is linted for, across the partitions (regions/partitions.py LINT_REGIONS, kept in step
# by a test); guard-hook.yaml only where its resource type exists (regions/availability.py).
LINT_REGIONS := us-east-1 eu-west-1 ap-northeast-1 cn-north-1 us-gov-west-1
GUARD_HOOK_LINT_REGIONS := us-east-1 eu-west-1 ap-northeast-1
LINT_TEMPLATES = $(CFN_LINT) --regions $(LINT_REGIONS) -- $(filter-out templates/guard-hook.yaml,$(wildcard templates/*.yaml))
LINT_GUARD_HOOK = $(CFN_LINT) --regions $(GUARD_HOOK_LINT_REGIONS) -- templates/guard-hook.yaml
# checkov pins an old boto3, so it gets a virtual environment of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_BOOTSTRAPPED := $(CHECKOV_VENV)/.bootstrapped
# Scan offline: no platform policy download, no PyPI version check; a template checkov cannot parse fails the scan.
CHECKOV := CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE CKV_PARSE_ERROR_FAIL=true \
	$(CHECKOV_VENV)/bin/checkov --skip-download --framework cloudformation --quiet --compact

# Mermaid's own parser checks every diagram variant in `make test` (node and npm only, no browser); `make diagrams`
# renders them to PNG with mermaid-cli in Debian's chromium (apt-get install chromium) and prints their widths.
MERMAID := tools/mermaid
MERMAID_PARSER := $(MERMAID)/node_modules/.parser
MERMAID_CLI := $(MERMAID)/node_modules/.cli
CHROMIUM ?= /usr/bin/chromium
DIAGRAMS := build/diagrams
# The README's many-services picture: examples/shared-alb.toml as rendered (its golden files, checked by the tests).
FRONT_DOOR_EXAMPLE := $(addprefix tests/golden/examples/shared-alb/,network.yaml ingress.yaml service-web.yaml service-docs.yaml service-api.yaml)
# The CloudFront and dual-stack pictures: examples/cloudfront.toml and examples/dual-stack.toml as rendered.
CLOUDFRONT_EXAMPLE = $(sort $(wildcard tests/golden/examples/cloudfront/*.yaml))
DUAL_STACK_EXAMPLE = $(sort $(wildcard tests/golden/examples/dual-stack/*.yaml))
NPM_CI := PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error

# mutmut gets a virtual environment of its own too, with the project installed beside it.
MUTATION_VENV := .venv-mutation
MUTATION_BOOTSTRAPPED := $(MUTATION_VENV)/.bootstrapped

PACKAGE_VENV := .venv-package
PACKAGE_BOOTSTRAPPED := $(PACKAGE_VENV)/.bootstrapped
# A clean environment the built wheel is installed into, as a user's own project would.
PACKAGE_TRY := build/package-try

.PHONY: templates test lint clean bootstrap security mermaid diagrams bench mutation package

bootstrap: $(BOOTSTRAPPED)

$(BOOTSTRAPPED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	touch $@

templates: $(BOOTSTRAPPED)
	$(CLI) render --out templates
	$(CLI) diagram templates/network.yaml templates/service-alb.yaml --embed README.md
	$(CLI) diagram $(FRONT_DOOR_EXAMPLE) --embed docs/front-door.md --block front-door
	$(CLI) diagram $(CLOUDFRONT_EXAMPLE) --embed docs/front-door.md --block cloudfront
	$(CLI) diagram $(DUAL_STACK_EXAMPLE) --embed docs/network.md --block dual-stack
	$(BIN)/python tools/docs.py
	$(LINT_TEMPLATES)
	$(LINT_GUARD_HOOK)

$(CHECKOV_BOOTSTRAPPED): requirements-security.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-security.txt
	touch $@

# Every finding fails: one accepted on purpose is a skip with its reason, written by scanner_skips.skip_checkov.
# The examples are scanned as rendered: their golden files, which tests/test_stacks.py keeps equal to the render.
security: $(CHECKOV_BOOTSTRAPPED)
	$(CHECKOV) -d templates -d tests/golden/examples

# Without node the parse test skips, saying why.
mermaid:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(MERMAID_PARSER); \
	else echo "node/npm not found: the Mermaid parse test will be skipped"; fi

$(MERMAID_PARSER): $(MERMAID)/package.json $(MERMAID)/package-lock.json
	cd $(MERMAID) && $(NPM_CI) --omit=dev
	touch $@

$(MERMAID_CLI): $(MERMAID)/package.json $(MERMAID)/package-lock.json
	cd $(MERMAID) && $(NPM_CI)
	touch $@ $(MERMAID_PARSER)

# PNGs go to build/ (ignored by git); widths are at scale 1, from the PNG header.
diagrams: $(BOOTSTRAPPED) $(MERMAID_CLI)
	rm -rf $(DIAGRAMS)
	$(BIN)/python $(MERMAID)/variants.py $(DIAGRAMS)
	for source in $(DIAGRAMS)/*.mmd; do \
		PUPPETEER_EXECUTABLE_PATH=$(CHROMIUM) $(MERMAID)/node_modules/.bin/mmdc --quiet \
			--puppeteerConfigFile $(MERMAID)/puppeteer.json --scale 1 --width 4000 --backgroundColor white \
			--input $$source --output $${source%.mmd}.png || exit 1; \
	done
	$(BIN)/python $(MERMAID)/widths.py $(DIAGRAMS)/*.png

# The scan runs first, so pytest's summary is the run's last line.
test: $(BOOTSTRAPPED) mermaid security
	$(BIN)/python -m pytest -q -n 2

# Timings, sizes and dependency chains, printed (not a test: figures depend on the machine).
bench: $(BOOTSTRAPPED)
	$(BIN)/python tools/bench.py

$(MUTATION_BOOTSTRAPPED): pyproject.toml requirements-mutation.txt
	test -x $(MUTATION_VENV)/bin/python || $(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]' \
		-r requirements-mutation.txt
	touch $@

# Sampled mutation testing of the checker, the config validation and the Region tables (20 mutants per module, a new
# seed each run): several hours on 2 cores, resumed with MUTATION_ARGS="--keep --seed S"; not part of `make test`.
# The suite it runs includes the Mermaid parse test, so the parser is installed first.
mutation: $(MUTATION_BOOTSTRAPPED) mermaid
	$(MUTATION_VENV)/bin/python tools/mutation.py $(MUTATION_ARGS)

$(PACKAGE_BOOTSTRAPPED): requirements-package.txt
	test -x $(PACKAGE_VENV)/bin/python || $(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-package.txt
	touch $@

# The sdist and the wheel, their metadata checked, and the wheel installed into a new virtual environment whose CLI
# renders a config, checks the result and starts a config of its own. Needs the package index, so not in `make test`.
package: $(PACKAGE_BOOTSTRAPPED)
	rm -rf dist $(PACKAGE_TRY)
	$(PACKAGE_VENV)/bin/python -m build --sdist --wheel --outdir dist .
	$(PACKAGE_VENV)/bin/python -m twine check --strict dist/*
	$(PYTHON) -m venv $(PACKAGE_TRY)/venv
	$(PACKAGE_TRY)/venv/bin/python -m pip install --quiet --disable-pip-version-check dist/*.whl
	$(PACKAGE_TRY)/venv/bin/python tools/package_try.py $(PACKAGE_TRY)

lint: $(BOOTSTRAPPED)
	$(BIN)/ruff check src tests examples
	$(BIN)/ruff format --check src tests examples
	$(LINT_TEMPLATES)
	$(LINT_GUARD_HOOK)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(MUTATION_VENV) $(PACKAGE_VENV) $(MERMAID)/node_modules .pytest_cache .ruff_cache build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
