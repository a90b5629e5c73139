# Two commands matter: `make run` and `make test`. Everything else is for contributors.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := tests/clients/node/node_modules/.installed
ASYNCAPI_STAMP := tests/clients/asyncapi/node_modules/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format bench clean node

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): tests/clients/node/package.json
	cd tests/clients/node && npm install --silent --no-audit --no-fund
	touch $(NODE_STAMP)

$(ASYNCAPI_STAMP): tests/clients/asyncapi/package.json
	cd tests/clients/asyncapi && npm install --silent --no-audit --no-fund
	touch $(ASYNCAPI_STAMP)

node: $(NODE_STAMP) $(ASYNCAPI_STAMP)

# The website's browser tests drive Debian's chromium (Playwright cannot download its own
# browser here). Installed when missing and we are root with apt-get; else those tests skip on
# a laptop, and fail under CI (EVCAT_CI=1, set by .ci/run), where a skip is a failure.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: the browser tests will skip"; \
	else echo "not root with apt-get: the browser tests will skip without $(CHROMIUM)"; fi

run: $(STAMP)
	$(BIN)/evcat serve --demo

test: $(STAMP) $(NODE_STAMP) $(ASYNCAPI_STAMP) $(CHROMIUM)
	$(BIN)/pytest -q -n 4

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy evcat
	$(BIN)/lint-imports
	$(BIN)/vulture

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) tests/clients/node/node_modules tests/clients/asyncapi/node_modules .pytest_cache .mypy_cache .ruff_cache
