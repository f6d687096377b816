# The README's two commands: `make run` (a working demo site on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DJANGO_DEV := DJANGO_SETTINGS_MODULE=site_config.settings.dev

.PHONY: run test test-fast lint format check-content migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(DJANGO_DEV) $(BIN)/python manage.py migrate --no-input
	$(DJANGO_DEV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(DJANGO_DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The Nu HTML Checker for tests/test_html_valid.py (npm's vnu-jar; it runs with Java).
VNU := .tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	@if command -v npm > /dev/null; then \
		npm install --silent --no-audit --no-fund --prefix .tools vnu-jar@26.9.27; \
	else echo "npm not found: the HTML checker test will be skipped"; fi

# Coverage of the apps is measured on every run and reported in one table ending in its TOTAL.
test: $(VENV)/.installed $(VNU)
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

# Everything but the browser tests, for a quick check while working.
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-content: $(VENV)/.installed
	$(DJANGO_DEV) $(BIN)/python manage.py sync_lessons --check

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .tools
