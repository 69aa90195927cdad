"""
Settings for Newsroom: one module, everything that differs between machines read from the environment.

Local use needs no configuration: `make run` writes a `.env` for localhost (plain HTTP, a random secret key, debug
off as readers see the site; DJANGO_DEBUG=1 switches it on). Production (DJANGO_DEBUG off) refuses to start
without a real secret key and an explicit host list.
"""

from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# An explicit DJANGO_ENV_FILE="" disables the file, so a test can prove production refuses to start without a secret.
ENV_FILE = env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    # Variables already in the environment win over the file.
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    # Only ever used on a developer's machine: production below refuses anything this weak.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters when DJANGO_DEBUG is off."
    )

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=LOCAL_HOSTS if DEBUG else [])
if not DEBUG and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list this site's host names when DJANGO_DEBUG is off.")
if DEBUG and not set(ALLOWED_HOSTS) <= {*LOCAL_HOSTS, "testserver"}:
    # Debug pages show settings and tracebacks: a public host name with debug on (say, a stray .env on a server)
    # must stop the site rather than expose it.
    raise ImproperlyConfigured("DJANGO_DEBUG is for local machines: turn it off to serve public host names.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A comment posted from a cached page without a token comes back with the reader's text (comments/views.py).
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"

INSTALLED_APPS = [
    # modeltranslation must come before the admin so the admin sees the translated fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "taggit",
    "django_prose_editor",
    "axes",
    # Second factors for staff (accounts/): django-otp's TOTP and recovery codes, and passkeys through its WebAuthn
    # plugin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Background jobs: Django's tasks interface (the django-tasks backport) on the database (core/jobs.py).
    "django_tasks",
    "core.apps.JobsConfig",  # django_tasks_db
    "core",
    "newsroom",
    "articles",
    "comments",
    "consent",
    "accounts",
    "live",
    "planning",
    "api",
    "push",
    "newsletters",
]

MIDDLEWARE = [
    # First: a cached page is answered here, with the headers it was stored with (security headers, CSP…), before
    # any other middleware; anonymous GETs it has not got go on down the stack, sessions, CSRF and authentication
    # included (core/pagecache.py).
    "core.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # The language comes from the URL alone (core/middleware.py says why this replaces LocaleMiddleware).
    "core.middleware.UrlLanguageMiddleware",
    # A request that is not UTF-8 gets a 400 page in the URL's language before anything reads it.
    "core.middleware.RequestEncodingMiddleware",
    # A database outage becomes an Arabic 503 (core/middleware.py).
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.routers.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor this session was verified with (django-otp); staff who have not passed one are held at the
    # sign-in's second step (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # After authentication and the second factor: marks a staff session for the page cache and the replica router
    # (core/staff.py), which let only a marked session bypass them.
    "core.staff.StaffMarkerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Pages that show the cookie banner say they depend on the Global Privacy Control header.
    "consent.middleware.ConsentVaryMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for a username and address locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        # The reader site: Jinja2 (newsroom/templating.py says why). Its templates are under templates/.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.templating.environment",
            "context_processors": ["newsroom.context_processors.site"],
        },
    },
    {
        # The admin and the apps' own templates (Django's template language); our overrides of the admin's are
        # under templates/django/, out of the Jinja2 engine's way.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "django"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default so `make run` needs nothing installed; PostgreSQL in production via DATABASE_URL.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# PostgreSQL through our backend (core/postgresql/): while a request is served, any one wait for the server gives
# up after query_timeout seconds (0: never; migrations and commands have no limit), and a worker that met a database
# not answering leaves it alone for unanswered_pause seconds, answering with the 503 page at once meanwhile.
DATABASE_DEADLINE_OPTIONS = {
    "query_timeout": env.float("DJANGO_DB_QUERY_TIMEOUT_SECONDS", default=3.0) or None,
    "unanswered_pause": env.float("DJANGO_DB_UNANSWERED_PAUSE_SECONDS", default=5.0),
}
if min(value or 0 for value in DATABASE_DEADLINE_OPTIONS.values()) < 0:
    raise ImproperlyConfigured("DJANGO_DB_QUERY_TIMEOUT_SECONDS and DJANGO_DB_UNANSWERED_PAUSE_SECONDS must be >= 0.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers carry on while a writer commits; IMMEDIATE avoids "database is locked" on upgrades
            # from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    # Persistent connections that are checked before use: the site recovers on its own after a database restart.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that stops answering (rather than refusing) must turn into the 503 page within seconds, not hang
    # a worker until gunicorn kills it: connect_timeout bounds the connection, the deadline every wait after it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=3)
    )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "core.postgresql"
        DATABASES["default"]["OPTIONS"].update(DATABASE_DEADLINE_OPTIONS)
    # Parameters sent apart from the SQL, so psycopg prepares a statement the fifth time a connection runs it: the
    # server stops planning the article page's queries on every visit (bench/README.md). Turn it off behind a
    # pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env.bool("DJANGO_DB_SERVER_SIDE_BINDING", default=True)
# An optional read replica for anonymous readers' GETs (core/routers.py); the primary takes everything else.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "connect_timeout": env.int("DJANGO_DB_CONNECT_TIMEOUT", default=3),
            "server_side_binding": env.bool("DJANGO_DB_SERVER_SIDE_BINDING", default=True),
        },
        "TEST": {"MIRROR": "default"},
    }
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "core.postgresql"
        DATABASES["replica"]["OPTIONS"].update(DATABASE_DEADLINE_OPTIONS)
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
# For this long after a change readers' pages are drawn from the primary (core/routers.py): at least the
# replica's worst lag.
NEWSROOM_REPLICA_LAG_SECONDS = env.int("NEWSROOM_REPLICA_LAG_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache with a circuit breaker (core/cache.py).
            "BACKEND": "core.cache.SharedCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            # Short timeouts: a dead Redis must not hold a reader's request for long; a hanging one is then left
            # alone for 10 s by each worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "circuit_breaker_seconds": 10},
        }
    }
else:
    # The embedded default: the cache in the site's database (a table made by core's migrations), so every process
    # sees the same pages, generation and rate limits: the development server, a job worker, `manage.py
    # purge_pages`, the shell, several gunicorn workers. Each cached page costs a query; production sets REDIS_URL.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
            # Django culls a third of the table past 300 entries by default: a site's pages need room.
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    }

# The page cache (core/pagecache.py): a change purges exactly the pages that show it, so this only bounds memory.
NEWSROOM_PAGE_CACHE = env.bool("NEWSROOM_PAGE_CACHE", default=True)
NEWSROOM_PAGE_CACHE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_SECONDS", default=600)
# Each process keeps copies of the cached pages it serves most, up to this many bytes, so that a cached answer
# brings only the versions of the page's tags from the shared cache, not the page (core/pagecache.py, _Copies).
NEWSROOM_PAGE_CACHE_COPIES_BYTES = env.int("NEWSROOM_PAGE_CACHE_COPIES_BYTES", default=32 * 1024 * 1024)
# For bench/day.py only: every change purges every page, as before pages had tags.
NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING = env.bool("NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING", default=False)
# Most read (core/reads.py, articles/reads.py): reads of article pages counted per article and hour, in each
# process's memory until a thread hands them to the database every NEWSROOM_READS_FLUSH_SECONDS (0: only at exit,
# or when a test flushes); the rankings are checked again every NEWSROOM_MOST_READ_REFRESH_SECONDS, and the pages
# that show them drawn again only if they changed; counts older than NEWSROOM_READS_RETENTION_DAYS are deleted
# (`apply_retention`).
NEWSROOM_COUNT_READS = env.bool("NEWSROOM_COUNT_READS", default=True)
NEWSROOM_READS_FLUSH_SECONDS = env.float("NEWSROOM_READS_FLUSH_SECONDS", default=10)
NEWSROOM_MOST_READ_REFRESH_SECONDS = env.int("NEWSROOM_MOST_READ_REFRESH_SECONDS", default=600)
if NEWSROOM_MOST_READ_REFRESH_SECONDS < 60:
    raise ImproperlyConfigured("NEWSROOM_MOST_READ_REFRESH_SECONDS must be at least 60.")
NEWSROOM_READS_RETENTION_DAYS = env.int("NEWSROOM_READS_RETENTION_DAYS", default=400)
# The headers that carry a page's tags to a cache in front: xkey (Varnish), Surrogate-Key (Fastly), Cache-Tag
# (Cloudflare).
NEWSROOM_SURROGATE_KEY_HEADERS = env.list(
    "NEWSROOM_SURROGATE_KEY_HEADERS", default=["xkey", "Surrogate-Key", "Cache-Tag"]
)
# The HTTP cache in front that pages are purged from by tag (core/httpcache.py), e.g. core.httpcache.VarnishXkey
# with NEWSROOM_HTTP_CACHE_LOCATIONS=http://10.0.0.5:6081,http://10.0.0.6:6081. Unset: none.
NEWSROOM_HTTP_CACHE = {
    "BACKEND": env.str("NEWSROOM_HTTP_CACHE_BACKEND", default=""),
    "LOCATIONS": env.list("NEWSROOM_HTTP_CACHE_LOCATIONS", default=[]),
    "OPTIONS": {"timeout": env.float("NEWSROOM_HTTP_CACHE_TIMEOUT", default=2)},
}
# Each purge of the cache in front is made when the change commits and again this much later, from the job queue
# (core/httpcache.py).
NEWSROOM_HTTP_CACHE_REPEAT_SECONDS = env.int("NEWSROOM_HTTP_CACHE_REPEAT_SECONDS", default=5)
# What a stored page was built from (a release's commit, say): pages stored by one build are never served by
# another. Unset, it is a digest of the templates, catalogs and static files' manifest (core/pagecache.py).
NEWSROOM_BUILD_ID = env.str("NEWSROOM_BUILD_ID", default="")
# What a CDN or an nginx cache in front may do with a page (Cache-Control); browsers always revalidate (ETag).
NEWSROOM_SHARED_CACHE_SECONDS = env.int("NEWSROOM_SHARED_CACHE_SECONDS", default=60)
NEWSROOM_STALE_WHILE_REVALIDATE_SECONDS = env.int("NEWSROOM_STALE_WHILE_REVALIDATE_SECONDS", default=30)
NEWSROOM_STALE_IF_ERROR_SECONDS = env.int("NEWSROOM_STALE_IF_ERROR_SECONDS", default=86400)
# The staff marker's HMAC key (core/staff.py), shared with nginx so it can tell staff apart without holding
# SECRET_KEY (docs/production.md, "nginx with a micro-cache").
NEWSROOM_STAFF_MARKER_KEY = env.str("NEWSROOM_STAFF_MARKER_KEY", default="") or SECRET_KEY
# `make bench` only: serve /bench/ceiling, a constant page of this many bytes (0: no such page).
NEWSROOM_BENCH_CEILING_BYTES = env.int("NEWSROOM_BENCH_CEILING_BYTES", default=0)
# A reader who meets the database-down page is told to come back after this many seconds.
NEWSROOM_RETRY_AFTER_SECONDS = 30

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS V2.1.1 asks for at least 12 characters; Django's default is 8.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Arabic first and at `/`, English second at `/en/`.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
# Ours first; then Arabic for the libraries that ship none (django-otp, django-otp-webauthn), kept apart so that
# makemessages never drops it.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
# Django's stock Arabic formats lack DATETIME_FORMAT and number grouping: ours are in newsroom/formats/.
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Damascus")
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ar",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "ar"
# modeltranslation's translation tabs load jQuery UI from a CDN by default: ours is self-hosted.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Originals of uploaded photos live outside MEDIA_ROOT, so the web server that publishes /media/ never serves
# them; readers get renditions only.
PRIVATE_MEDIA_ROOT = Path(env.str("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
# Django serves MEDIA_ROOT itself on a developer's machine (debug on, or `make run`'s .env); in production the web
# server publishes it (docs/production.md), and this stays off.
NEWSROOM_SERVE_MEDIA = env.bool("NEWSROOM_SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {
        # Hashed, pre-compressed file names in production so static files can be cached for a year.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Several machines: photos on S3-compatible storage (django-storages), so that every worker sees every file.
# Renditions go to a bucket readers can read (behind NEWSROOM_S3_PUBLIC_URL, e.g. a CDN); originals to a private
# bucket no one can read without the keys (boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
NEWSROOM_S3_BUCKET = env.str("NEWSROOM_S3_BUCKET", default="")
MEDIA_SOURCES = []
if NEWSROOM_S3_BUCKET:
    s3 = {
        "endpoint_url": env.str("NEWSROOM_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("NEWSROOM_S3_REGION", default="") or None,
        "file_overwrite": False,
    }
    public_url = env.str("NEWSROOM_S3_PUBLIC_URL", default="").rstrip("/")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3,
            "bucket_name": NEWSROOM_S3_BUCKET,
            "querystring_auth": False,
            "custom_domain": urlsplit(public_url).netloc + urlsplit(public_url).path if public_url else None,
            "url_protocol": f"{urlsplit(public_url).scheme}:" if public_url else "https:",
        },
    }
    STORAGES["originals"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**s3, "bucket_name": env.str("NEWSROOM_S3_PRIVATE_BUCKET"), "querystring_auth": True},
    }
    # Inline photos in article bodies are allowed from our renditions only (articles/sanitize.py): this prefix.
    if public_url:
        MEDIA_URL = f"{public_url}/"
    elif s3["endpoint_url"]:
        MEDIA_URL = f"{s3['endpoint_url'].rstrip('/')}/{NEWSROOM_S3_BUCKET}/"
    else:
        MEDIA_URL = f"https://{NEWSROOM_S3_BUCKET}.s3.amazonaws.com/"
    MEDIA_SOURCES = ["{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL))]

ADMIN_PATH = env.str("DJANGO_ADMIN_PATH", default="admin/").strip("/") + "/"
LOGIN_URL = "admin:login"

# Security headers. Django already sends X-Content-Type-Options, X-Frame-Options: DENY, Referrer-Policy and
# Cross-Origin-Opener-Policy by default; these make the choices explicit and add what it lacks.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Staff sessions: a working day, not Django's two weeks.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    # Only behind a proxy that always sets this header itself; otherwise a client could claim to be on HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Cookie consent (consent/state.py). The choice cookie lives six months, after which the banner asks again; the
# pseudonymous consent id and anything set with consent live at most 13 months (395 days), as CNIL asks.
NEWSROOM_CONSENT_COOKIE = "consent"
NEWSROOM_CONSENT_ID_COOKIE = "consent_id"
NEWSROOM_CONSENT_REASK_DAYS = env.int("NEWSROOM_CONSENT_REASK_DAYS", default=182)
NEWSROOM_CONSENT_ID_DAYS = 395
if not 1 <= NEWSROOM_CONSENT_REASK_DAYS <= NEWSROOM_CONSENT_ID_DAYS:
    raise ImproperlyConfigured("NEWSROOM_CONSENT_REASK_DAYS must be between 1 and 395 (13 months).")
# How long the consent log keeps each choice, as proof of consent: the 13 months of the longest cookie it covers,
# plus a year for questions and complaints.
NEWSROOM_CONSENT_LOG_RETENTION_DAYS = env.int("NEWSROOM_CONSENT_LOG_RETENTION_DAYS", default=760)
NEWSROOM_CONSENT_RATE_PER_ADDRESS = env.int("NEWSROOM_CONSENT_RATE_PER_ADDRESS", default=300)
NEWSROOM_CONSENT_RATE_WINDOW = 600
# An audience-measurement script (e.g. a self-hosted Matomo's matomo.js), loaded only for readers who allow
# analytics, and the names (or name prefixes) of the cookies it sets: they are listed in the policy and deleted
# when a reader withdraws. Empty: no analytics at all.
NEWSROOM_ANALYTICS_SCRIPT_URL = env.str("NEWSROOM_ANALYTICS_SCRIPT_URL", default="")
NEWSROOM_ANALYTICS_COOKIES = [
    prefix.strip() for prefix in env.list("NEWSROOM_ANALYTICS_COOKIES", default=["_pk_", "mtm_"]) if prefix.strip()
]
NEWSROOM_ANALYTICS_COOKIE_DOMAIN = env.str("NEWSROOM_ANALYTICS_COOKIE_DOMAIN", default="")
ANALYTICS_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(NEWSROOM_ANALYTICS_SCRIPT_URL))
ANALYTICS_SOURCES = [ANALYTICS_ORIGIN] if ANALYTICS_ORIGIN != "://" else []

# A strict Content Security Policy: our own files only, no inline script or style anywhere. Frames from the media
# providers readers may allow (consent/embeds.py); the policy admits them, the page loads them only after consent.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        # A nonce appears in the header only on pages that use one: the admin's rich-text editor needs an
        # inline import map.
        "script-src": [SELF, NONCE, *ANALYTICS_SOURCES],
        "style-src": [SELF],
        "img-src": [SELF, *ANALYTICS_SOURCES, *MEDIA_SOURCES],
        "font-src": [SELF],
        "connect-src": [SELF, *ANALYTICS_SOURCES],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "manifest-src": [SELF],
        # The Web Push service worker, served from the site's root (push/views.py).
        "worker-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
# Who receives error reports: "Name <address>, Other <address>".
ADMINS = [(name, address) for name, address in getaddresses([env.str("DJANGO_ADMINS", default="")]) if address]
# E-mail: printed to the console unless DJANGO_EMAIL_URL names a server, e.g. smtp+tls://user:pass@host:587.
vars().update(env.email_url("DJANGO_EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail goes out from jobs only (core/mail.py); a server that does not answer in this time fails the attempt, which
# is tried again later (core/jobs.py), instead of holding the worker.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=20)

# Background jobs (core/jobs.py): rows in the site's database, run by `manage.py run_jobs` (docs/production.md).
# DJANGO_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs each job inside the request that
# enqueues it, for a one-process trial only: `check --deploy` warns (newsroom.W002).
TASKS = {"default": {"BACKEND": env.str("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A failed job is tried again after 15 s, 30 s, 1 min… (doubling, at most an hour between tries) until it has failed
# this many times (about five hours in all); then it is kept, failed, for an administrator to retry.
NEWSROOM_JOB_ATTEMPTS = env.int("NEWSROOM_JOB_ATTEMPTS", default=12)
NEWSROOM_JOB_RETRY_SECONDS = env.float("NEWSROOM_JOB_RETRY_SECONDS", default=15)
NEWSROOM_JOB_RETRY_MAX_SECONDS = env.float("NEWSROOM_JOB_RETRY_MAX_SECONDS", default=3600)
# Each worker records a heartbeat this often; a job whose worker has been silent this long runs again elsewhere.
NEWSROOM_JOB_HEARTBEAT_SECONDS = env.float("NEWSROOM_JOB_HEARTBEAT_SECONDS", default=5)
NEWSROOM_JOB_WORKER_TIMEOUT_SECONDS = env.float("NEWSROOM_JOB_WORKER_TIMEOUT_SECONDS", default=60)
# Finished jobs hold addresses and texts: successful ones go after a day, failed ones after 30 (apply_retention);
# the record of sent mail (keys only) after 30.
NEWSROOM_JOB_RETENTION_DAYS = env.int("NEWSROOM_JOB_RETENTION_DAYS", default=1)
NEWSROOM_FAILED_JOB_RETENTION_DAYS = env.int("NEWSROOM_FAILED_JOB_RETENTION_DAYS", default=30)
NEWSROOM_SENT_MAIL_RETENTION_DAYS = env.int("NEWSROOM_SENT_MAIL_RETENTION_DAYS", default=30)

# Tags are typed separated by commas (Latin or Arabic), never by spaces: see articles/tagging.py.
TAGGIT_TAGS_FROM_STRING = "articles.tagging.tags_from_string"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.string_from_tags"

# Photos: uploads larger than these are refused with a message; renditions are made at these widths (pixels).
NEWSROOM_IMAGE_MAX_BYTES = env.int("NEWSROOM_IMAGE_MAX_BYTES", default=25 * 1024 * 1024)
NEWSROOM_IMAGE_MAX_PIXELS = env.int("NEWSROOM_IMAGE_MAX_PIXELS", default=50_000_000)
NEWSROOM_RENDITION_WIDTHS = (480, 960, 1600)
# Uploads are streamed to a temporary file above this size instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Reverse proxies in front of the site that append to X-Forwarded-For (nginx: 1). Zero trusts no header at all.
NEWSROOM_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Password guessing (django-axes, with the rule in accounts/throttle.py): failures are counted per account from every
# address together; after NEWSROOM_LOGIN_SLOW_AFTER of them each attempt waits twice as long as the last, and after
# AXES_FAILURE_LIMIT the account takes no password from an unknown browser until AXES_COOLOFF_TIME has passed since
# the last failure. A browser that fully signed in to the account before is exempt (with an allowance of its own),
# so nobody else's failures keep the owner out. A success resets the count.
AXES_FAILURE_LIMIT = env.int("NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("NEWSROOM_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "accounts.throttle.AccountThrottleHandler"
AXES_WHITELIST_CALLABLE = "accounts.throttle.from_trusted_device"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# An attempt refused while the account waits is not a failure: it neither lengthens the wait nor counts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False
NEWSROOM_LOGIN_SLOW_AFTER = 3
NEWSROOM_LOGIN_MAX_DELAY_SECONDS = 120
NEWSROOM_LOGIN_DEVICE_FAILURES = 5
# The signed cookie that marks a browser as one that has fully signed in to an account (staff only; a year).
NEWSROOM_TRUSTED_DEVICE_COOKIE = "newsroom_device"
NEWSROOM_TRUSTED_DEVICE_DAYS = 365
# axes.W006 warns that without the address an attacker could escape the count by changing User-Agent or cookies:
# here the count is the account's, summed over every address and User-Agent, and the one cookie that exempts is signed.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A second factor for every staff account (accounts/): on by default whenever debug is off. Passkeys and security keys
# (WebAuthn), an authenticator app (TOTP), and one-time recovery codes.
NEWSROOM_REQUIRE_SECOND_FACTOR = env.bool("NEWSROOM_REQUIRE_SECOND_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("NEWSROOM_SITE_NAME_EN", default="Euphrates Echo")
# Passkeys are bound to the host staff sign in on; set NEWSROOM_WEBAUTHN_RP_ID to a parent domain to use them on
# several of its sub-domains (changing it later invalidates every registered passkey).
NEWSROOM_WEBAUTHN_RP_ID = env.str("NEWSROOM_WEBAUTHN_RP_ID", default="")
# Ceremonies are accepted from the origin the browser reached the site on (accounts/passkeys.py) and from these.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "NEWSROOM_WEBAUTHN_ORIGINS", default=[f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]
)
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "accounts.passkeys.relying_party_name"
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
# Passkeys are a second factor after the password, never a way around it (and around the password throttling).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# Dates: shown with the Hijri (Umm al-Qura) date; shift it by whole days where the observed month starts differ.
NEWSROOM_HIJRI_OFFSET_DAYS = env.int("NEWSROOM_HIJRI_OFFSET_DAYS", default=0)
# Show Arabic-Indic digits (٢٠٢٤) in dates and counts on Arabic pages; never in URLs, attributes or forms.
NEWSROOM_ARABIC_INDIC_DIGITS = env.bool("NEWSROOM_ARABIC_INDIC_DIGITS", default=False)

# Comments: the version of the consent text a commenter agrees to (change it when the text changes).
NEWSROOM_COMMENT_CONSENT_VERSION = "2026-11-25"
# How long commenters' data is kept (days); the privacy policy shows these numbers.
NEWSROOM_COMMENT_IP_RETENTION_DAYS = env.int("NEWSROOM_COMMENT_IP_RETENTION_DAYS", default=30)
NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS = env.int("NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS", default=365)
NEWSROOM_COMMENT_SPAM_RETENTION_DAYS = env.int("NEWSROOM_COMMENT_SPAM_RETENTION_DAYS", default=30)
# Approve at once a comment whose e-mail already has an approved one (off: every comment waits for a moderator).
NEWSROOM_COMMENT_AUTO_APPROVE_KNOWN = env.bool("NEWSROOM_COMMENT_AUTO_APPROVE_KNOWN", default=False)
NEWSROOM_COMMENT_NOTIFY_MODERATORS = env.bool("NEWSROOM_COMMENT_NOTIFY_MODERATORS", default=True)
NEWSROOM_COMMENT_NOTIFY_APPROVED = env.bool("NEWSROOM_COMMENT_NOTIFY_APPROVED", default=False)
# Posting limits: at most this many comment posts per address, and comments per e-mail, per window (seconds).
NEWSROOM_COMMENT_RATE_PER_ADDRESS = env.int("NEWSROOM_COMMENT_RATE_PER_ADDRESS", default=10)
NEWSROOM_COMMENT_RATE_PER_EMAIL = env.int("NEWSROOM_COMMENT_RATE_PER_EMAIL", default=5)
NEWSROOM_COMMENT_RATE_WINDOW = env.int("NEWSROOM_COMMENT_RATE_WINDOW", default=600)
# The JSON API (api/): answers drawn (not those from the page cache) per client address in each window (seconds).
NEWSROOM_API_RATE_PER_ADDRESS = env.int("NEWSROOM_API_RATE_PER_ADDRESS", default=300)
NEWSROOM_API_RATE_WINDOW = env.int("NEWSROOM_API_RATE_WINDOW", default=60)

# Newsletters (newsletters/): the site's address for the links in messages (no request to take it from), how many
# recipients one sending job takes (one SMTP connection), how long a confirmation link lasts (days; an unconfirmed
# sign-up is deleted after it), and sign-ups per client address and per e-mail address in each window (seconds).
NEWSROOM_SITE_URL = env.str("NEWSROOM_SITE_URL", default="http://localhost:8000")
NEWSROOM_NEWSLETTER_BATCH_SIZE = env.int("NEWSROOM_NEWSLETTER_BATCH_SIZE", default=100)
NEWSROOM_NEWSLETTER_CONFIRM_DAYS = env.int("NEWSROOM_NEWSLETTER_CONFIRM_DAYS", default=2)
NEWSROOM_NEWSLETTER_RATE_PER_CLIENT = env.int("NEWSROOM_NEWSLETTER_RATE_PER_CLIENT", default=10)
NEWSROOM_NEWSLETTER_RATE_PER_EMAIL = env.int("NEWSROOM_NEWSLETTER_RATE_PER_EMAIL", default=3)
NEWSROOM_NEWSLETTER_RATE_WINDOW = env.int("NEWSROOM_NEWSLETTER_RATE_WINDOW", default=600)

# Web Push alerts (push/): off, and the button hidden, until the VAPID key pair is set (`manage.py push_vapid_keys`
# makes one: base64url, the public key as the browser takes it, the private key's 32 octets). The subject (mailto: or
# https:) tells push services whom to reach about our sending. Endpoints are accepted only at these push services
# (the job queue POSTs to them: any other address would let a reader aim it at any host).
NEWSROOM_VAPID_PUBLIC_KEY = env.str("NEWSROOM_VAPID_PUBLIC_KEY", default="")
NEWSROOM_VAPID_PRIVATE_KEY = env.str("NEWSROOM_VAPID_PRIVATE_KEY", default="")
NEWSROOM_VAPID_SUBJECT = env.str("NEWSROOM_VAPID_SUBJECT", default="")
_vapid_keys = (NEWSROOM_VAPID_PUBLIC_KEY, NEWSROOM_VAPID_PRIVATE_KEY)
if any(_vapid_keys) and not (all(_vapid_keys) and NEWSROOM_VAPID_SUBJECT.startswith(("mailto:", "https:"))):
    raise ImproperlyConfigured(
        "Web Push needs NEWSROOM_VAPID_PUBLIC_KEY, NEWSROOM_VAPID_PRIVATE_KEY and a NEWSROOM_VAPID_SUBJECT that "
        "starts with mailto: or https:."
    )
NEWSROOM_PUSH_SERVICES = env.list(
    "NEWSROOM_PUSH_SERVICES",
    default=[
        "https://fcm.googleapis.com",
        "https://*.push.services.mozilla.com",
        "https://*.push.apple.com",
        "https://*.notify.windows.com",
    ],
)
NEWSROOM_PUSH_BATCH = env.int("NEWSROOM_PUSH_BATCH", default=200)
NEWSROOM_PUSH_TIMEOUT_SECONDS = env.float("NEWSROOM_PUSH_TIMEOUT_SECONDS", default=10)
NEWSROOM_PUSH_RATE_PER_ADDRESS = env.int("NEWSROOM_PUSH_RATE_PER_ADDRESS", default=20)
NEWSROOM_PUSH_RATE_WINDOW = env.int("NEWSROOM_PUSH_RATE_WINDOW", default=600)

# Product settings. The outlet's name, per language (the defaults name the demo outlet).
NEWSROOM_SITE_NAME = {
    "ar": env.str("NEWSROOM_SITE_NAME_AR", default="صدى الفرات"),
    "en": env.str("NEWSROOM_SITE_NAME_EN", default="Euphrates Echo"),
}
