"""Settings for the ALLFORCES CMS.

Everything that differs between a laptop, CI and production is read from the
environment here and nowhere else. The defaults are the quick start's: SQLite
and a server-less Celery transport under ``var/``, so ``make run`` needs no
database or broker server.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# The quick start's local state (SQLite, queue folders, demo logins); a test of `make run` points it elsewhere.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must
# bring its own, so a forgotten variable fails loudly instead of signing
# cookies with a key that is public in this repository.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG=1 allows a development key)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # First, before the admin, so its templates override Django's: admin/base_site.html (the
    # header's unread count) and admin/base.html (the greeting).
    "editorial",
    "editorial.apps.EditorialAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "markdownx",
    "csp",
    "allforces.third_party_apps.AxesConfig",  # django-axes, named in Japanese
    "allforces.frontend_cache",
    "articles",
    "writing",
    "media_library",  # after editorial: its admin extends the article admin registered there
    # Before "api": with "ninja" installed its docs page uses its own static Swagger UI, not a CDN the CSP blocks.
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache, so stored pages always get today's headers (and the 503 page too).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allforces.unavailable.DatabaseUnavailableMiddleware",
    # Outside the page cache, to see every 404 whichever layer made it; it acts on nothing else.
    "editorial.legacy_urls.LegacyURLRedirectMiddleware",
    # Stored pages for readers without a session skip everything below it.
    "articles.cache.ReaderPageCacheMiddleware",
    # Stored content-API answers, as early: the API's views and routing are below.
    "api.stored.StoredAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "allforces.urls"
WSGI_APPLICATION = "allforces.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection is tested before each request reuses it, so a
# restarted database costs one reconnect instead of one failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "allforces.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="allforces"),
        }
    }
else:
    # The quick start's cache must be shared by the web process and the Celery
    # worker (a publish in the worker refreshes the web's pages): files under var/.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Dates typed as 2026-12-03, 2026/12/3 or 2026年12月3日 (allforces/formats/ja/formats.py).
FORMAT_MODULE_PATH = ["allforces.formats"]
# Japanese for what the installed apps leave in English; ahead of their own catalogs.
LOCALE_PATHS = [BASE_DIR / "allforces" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Media on object storage when a bucket is named (S3 or any S3-compatible
# service; install requirements-s3.txt). Credentials come from the standard
# AWS_* variables, read by boto3 itself. Without a bucket: files under MEDIA_ROOT.
MEDIA_BUCKET = env.str("MEDIA_BUCKET", default="")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_REGION", default="") or None,
            "custom_domain": env.str("MEDIA_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("MEDIA_PREFIX", default="media"),
            # Covers and uploads are public; generated names never collide.
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ALLFORCES編集部 <editors@localhost>")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Secure cookies, HTTPS redirects and HSTS are on unless DEBUG is, so a
# production deployment cannot forget them; SECURE_COOKIES=0 and friends exist
# only for a plain-HTTP staging box.
SESSION_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = not DEBUG and env.bool("SECURE_SSL_REDIRECT", default=True)
# The health probes are asked over plain HTTP by the orchestrator, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preload only allows the domain onto browsers' HTTPS-only lists; someone
# still has to submit it (docs/deploy.md).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content Security Policy: scripts and styles only from this site, never
# inline, on every page. The article's JSON-LD is a data block the browser
# never executes, so it needs no exception. Images in article bodies may come
# from other HTTPS sites (editors link to charts). The admin and the editors'
# pages live under the same policy (tests/browser/test_content_security_policy.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Admin logins: five wrong passwords for one account from one address lock
# that pair out for 15 minutes. Locking by the pair, not the account alone,
# keeps someone elsewhere from locking an editor out by guessing at her name.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind the reverse proxy the client's address is the last one it appends to
# X-Forwarded-For; TRUSTED_PROXY_COUNT says how many proxies stand in front.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "allforces.security.client_ip"

# Celery: the quick start uses kombu's filesystem transport, a real broker
# without a server, so `make run` runs a real worker and beat.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_QUEUE_DIR = Path(env.str("CELERY_QUEUE_DIR", default=str(VAR_DIR / "celery")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Scheduled publishing: a periodic sweep, plus armed sweeps for the moments
# due before the next one (see editorial/scheduling.py).
SWEEP_INTERVAL = timedelta(seconds=env.int("SWEEP_INTERVAL_SECONDS", default=10))
SWEEP_LOOKAHEAD = 2 * SWEEP_INTERVAL
NOTIFICATION_SWEEP_INTERVAL = timedelta(seconds=env.int("NOTIFICATION_SWEEP_INTERVAL_SECONDS", default=30))
PUBLISH_BATCH_SIZE = env.int("PUBLISH_BATCH_SIZE", default=100)
# Armed sweeps give second-level precision; without them an article goes live
# at the first periodic sweep after its time (up to SWEEP_INTERVAL late).
SCHEDULE_ARMING = env.bool("SCHEDULE_ARMING", default=True)
CELERY_BEAT_SCHEDULE = {
    "sweep-due-articles": {
        "task": "editorial.sweep_due_articles",
        "schedule": SWEEP_INTERVAL,
        # After an outage, one fresh sweep is enough; a backlog of stale ones is dropped.
        "options": {"expires": SWEEP_INTERVAL.total_seconds()},
    },
    # Notifications are rows (the outbox); a sender is queued after each commit
    # that writes some, and this sends whatever a lost message left pending.
    "send-pending-notifications": {
        "task": "editorial.send_notifications",
        "schedule": NOTIFICATION_SWEEP_INTERVAL,
        "options": {"expires": NOTIFICATION_SWEEP_INTERVAL.total_seconds()},
    },
    # Articles awaiting continuation whose generator run was lost (a crash, a
    # dead broker) are taken up again; nothing runs while the generator is off.
    "resume-continuation-generation": {
        "task": "editorial.resume_generation",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 300},
    },
    # Front-end cache purges whose task was lost (a broker outage) are queued again.
    "requeue-frontend-purges": {
        "task": "allforces.requeue_frontend_purges",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
}

# The front-end cache (Varnish, a CDN) keeps readers' pages and drops them by
# surrogate key when the app purges (allforces/frontend_cache, docs/deploy.md).
# Purgers run in the order listed: put the cache nearest the app first, so a CDN
# never refetches a page Varnish still holds. Empty: nothing is purged.
FRONTEND_CACHE_PURGERS = env.list("FRONTEND_CACHE_PURGERS", default=[])
FRONTEND_CACHE_OPTIONS = {
    # Each Varnish's internal listener (deploy/varnish/default.vcl), e.g. http://varnish:6091.
    "varnish": {"urls": env.list("VARNISH_PURGE_URLS", default=[])},
    "cloudflare": {
        "zone_id": env.str("CLOUDFLARE_ZONE_ID", default=""),
        "api_token": env.str("CLOUDFLARE_API_TOKEN", default=""),
        "api_url": env.str("CLOUDFLARE_API_URL", default="https://api.cloudflare.com/client/v4"),
        "tags_per_request": env.int("CLOUDFLARE_TAGS_PER_REQUEST", default=30),
    },
    "fastly": {
        "service_id": env.str("FASTLY_SERVICE_ID", default=""),
        "api_token": env.str("FASTLY_API_TOKEN", default=""),
        "api_url": env.str("FASTLY_API_URL", default="https://api.fastly.com"),
    },
    "cloudfront": {
        "distribution_id": env.str("CLOUDFRONT_DISTRIBUTION_ID", default=""),
        "access_key_id": env.str(
            "CLOUDFRONT_ACCESS_KEY_ID", default=env.str("AWS_ACCESS_KEY_ID", default="")
        ),
        "secret_access_key": env.str(
            "CLOUDFRONT_SECRET_ACCESS_KEY", default=env.str("AWS_SECRET_ACCESS_KEY", default="")
        ),
        "session_token": env.str(
            "CLOUDFRONT_SESSION_TOKEN", default=env.str("AWS_SESSION_TOKEN", default="")
        ),
        "api_url": env.str("CLOUDFRONT_API_URL", default="https://cloudfront.amazonaws.com"),
        # CloudFront invalidates paths, not keys: the app names the function that turns
        # keys into paths (a dotted path; code, so not read from the environment).
        "paths_resolver": "",
    },
}
# One purge request's time limit; a slower answer counts as a failure and is retried.
FRONTEND_CACHE_TIMEOUT_SECONDS = env.int("FRONTEND_CACHE_TIMEOUT_SECONDS", default=10)
# /readyz reports a backlog when a purge has waited longer than this.
FRONTEND_CACHE_BACKLOG_SECONDS = env.int("FRONTEND_CACHE_BACKLOG_SECONDS", default=300)
# How long a front-end cache may keep a reader's page (s-maxage). Pages are purged by
# key when what they show changes; this only bounds a page rendered just before an
# event and stored after its purge (docs/deploy.md).
FRONTEND_CACHE_SECONDS = env.int("FRONTEND_CACHE_SECONDS", default=300)

MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/editorial/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/editorial/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
# SVG can carry scripts; only raster formats are accepted, and the upload
# view checks the bytes, not the name or the browser's content type.
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MARKDOWNX_UPLOAD_MAX_SIZE = env.int("MARKDOWNX_UPLOAD_MAX_SIZE", default=10 * 1024 * 1024)
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 0), "quality": 85}

TAGGIT_CASE_INSENSITIVE = True

# Off, reader pages work out everything from the rows instead of reading the stored
# copies (rendered bodies, cards, furniture, related rankings, listings, newest
# article per category): for proving the copies right and measuring what they earn
# (articles.freshness.copies_in_use), or to rule them out when a page looks wrong.
READER_COPIES = env.bool("READER_COPIES", default=True)
# Or only some of them, by name: rendering, cards, furniture, related, listings, newest.
READER_COPIES_OFF = env.list("READER_COPIES_OFF", default=[])
ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=20)
# How long after `make run` starts the demo's scheduled article goes live (editorial/demo/build.py).
DEMO_SCHEDULED_AFTER = timedelta(seconds=env.int("DEMO_SCHEDULED_AFTER_SECONDS", default=180))
# A search statement running longer is cancelled and the reader told so: a phrase of
# common characters that almost never occurs can take seconds (docs/search.md).
SEARCH_TIME_LIMIT_MS = env.int("SEARCH_TIME_LIMIT_MS", default=1000)
FEED_ITEMS = env.int("FEED_ITEMS", default=30)
# Feeds carry the whole sanitised article, or only its excerpt.
FEED_FULL_TEXT = env.bool("FEED_FULL_TEXT", default=False)

# One JSON object per line in production, for the log collector; readable
# lines on a laptop. Workflow events carry article_id and transition fields.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC, whatever TIME_ZONE says.
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# How long a signed preview link for someone without an account stays valid.
PREVIEW_LINK_MAX_AGE = env.int("PREVIEW_LINK_MAX_AGE", default=3 * 24 * 60 * 60)

# Review checks for investment content. A required passage applies to the
# listed categories (all articles when "categories" is empty); any one of its
# phrases satisfies it. Forbidden phrases block the move to review anywhere.
EDITORIAL_REQUIRED_PASSAGES = [
    {
        "label": "投資助言ではない旨の注意書き",
        "any_of": ["投資助言ではありません", "投資の勧誘を目的とするものではありません", "投資判断はご自身"],
        "categories": ["investment"],
    },
]
EDITORIAL_FORBIDDEN_PHRASES = [
    "必ず儲かる",
    "絶対に儲かる",
    "確実に儲かる",
    "元本保証",
    "損はしません",
    "必ず上がる",
]

# The longest article body accepted (characters), from the form, the preview,
# a pasted continuation or an import. About 200 minutes of Japanese reading,
# eight times the longest article of the sample archive; the slowest body
# this long renders in under 1 s (bench/markdown_limit.py).
ARTICLE_BODY_MAX_CHARS = env.int("ARTICLE_BODY_MAX_CHARS", default=100_000)

# The continuation generator (editorial/generation, docs/generation.md): an
# OpenAI-compatible chat-completions endpoint writes the next pass of an
# article awaiting continuation. Off while the URL is empty.
CONTINUATION_GENERATOR = {
    # The endpoint itself, e.g. https://api.openai.com/v1/chat/completions.
    "url": env.str("CONTINUATION_GENERATOR_URL", default=""),
    "model": env.str("CONTINUATION_GENERATOR_MODEL", default=""),
    "api_key": env.str("CONTINUATION_GENERATOR_API_KEY", default=""),
    # Passes one run may add before a person takes over, and unusable replies
    # (empty, malformed, unjoinable) it tolerates.
    "max_passes": env.int("CONTINUATION_GENERATOR_MAX_PASSES", default=5),
    "max_unusable": env.int("CONTINUATION_GENERATOR_MAX_UNUSABLE", default=3),
    "timeout_seconds": env.float("CONTINUATION_GENERATOR_TIMEOUT_SECONDS", default=120.0),
    # Retries of a timeout, a 429 or a 5xx, with backoff from 2 s doubling up to 5 min.
    "max_retries": env.int("CONTINUATION_GENERATOR_MAX_RETRIES", default=6),
    "backoff_cap_seconds": env.int("CONTINUATION_GENERATOR_BACKOFF_CAP_SECONDS", default=300),
    # The generator leaves an article alone this long after a person's or the
    # API's last pass, so a pipeline or an editor at work is not overtaken.
    "quiet_seconds": env.int("CONTINUATION_GENERATOR_QUIET_SECONDS", default=60),
    # Prices per million tokens, for the cost each pass records; empty: not recorded.
    "input_price": env.str("CONTINUATION_GENERATOR_INPUT_PRICE", default=""),
    "output_price": env.str("CONTINUATION_GENERATOR_OUTPUT_PRICE", default=""),
    "currency": env.str("CONTINUATION_GENERATOR_CURRENCY", default="USD"),
}

# Jekyll import: files above this size are refused rather than half-read.
JEKYLL_MAX_FILE_BYTES = env.int("JEKYLL_MAX_FILE_BYTES", default=2 * 1024 * 1024)
# One editor's live preview: one render at a time, this many a second (editorial/preview_limits.py).
PREVIEW_RATE_PER_SECOND = env.int("PREVIEW_RATE_PER_SECOND", default=3)
# Longer than gunicorn's timeout, so a slot held by a killed worker frees itself.
PREVIEW_BUSY_TIMEOUT_SECONDS = 35
