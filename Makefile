# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The address in notification e-mails and shared preview links. Given to every
# process here, since honcho hands each its own PORT (the worker gets PORT+100);
# a SITE_URL already in the environment wins.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Where the quick start keeps its state (SQLite, queue folders, logins); settings.py reads it too.
VAR_DIR ?= var
# The worker's notification e-mails go to files under $(VAR_DIR)/mail: printed, they would bury the login.
RUN_EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend

# Tests run against real PostgreSQL and Redis; override either URL to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/allforces
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
TEST_BROKER_URL ?= redis://127.0.0.1:6379/2
PYTEST_WORKERS ?= 2

.PHONY: run login test lint format messages check-services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The server-less Celery transport's folders, made even when var/ is already there.
CELERY_FOLDERS := $(VAR_DIR)/celery/queue $(VAR_DIR)/celery/control

$(CELERY_FOLDERS):
	mkdir -p $@

run: $(VENV)/.installed | $(CELERY_FOLDERS)
	DEBUG=1 SITE_URL='$(SITE_URL)' $(BIN)/python manage.py migrate --noinput
	DEBUG=1 SITE_URL='$(SITE_URL)' LOG_LEVEL=WARNING $(BIN)/python manage.py bootstrap_local
	DEBUG=1 PORT=$(PORT) SITE_URL='$(SITE_URL)' EMAIL_BACKEND='$(RUN_EMAIL_BACKEND)' $(BIN)/honcho start -f Procfile

# The admin URL and the demo logins `make run` prints once its web server answers; no server needed.
login: $(VENV)/.installed
	@DEBUG=1 SITE_URL='$(SITE_URL)' EMAIL_BACKEND='$(RUN_EMAIL_BACKEND)' LOG_LEVEL=WARNING $(BIN)/python manage.py local_login

check-services: $(VENV)/.installed
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/python scripts/check_services.py

test: $(VENV)/.installed check-services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} SECRET_KEY=test-only-not-secret \
		SECURE_SSL_REDIRECT=0 $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Compiles allforces/locale after its .po is edited (needs GNU gettext's msgfmt);
# the .mo is committed, so nothing else needs gettext.
messages: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale ja

clean:
	rm -rf $(VENV) var staticfiles
