"""Settings for Refugiu, read from the environment.

Every setting that differs between installations comes from an environment variable documented in the
README. Nothing secret has a default: the secret key is generated on first start and kept in the data
folder, which is never committed.
"""

import os
import secrets
from pathlib import Path
from typing import Any, TypedDict

import dj_database_url
import django_stubs_ext
import font_roboto

# The generic forms of Django's classes that django-stubs describes (admin.ModelAdmin[User],
# models.TextField[str, str]) are then valid at run time too: this adds only their __class_getitem__.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
MiB = 1024 * 1024
# Readable by this account only (mode 0700, everything in it 0600): refugiu.core.startup checks it.
DATA_DIR = Path(os.environ.get("REFUGIU_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from SECRET_KEY, or one generated once and kept (mode 0600) in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Changing SECRET_KEY: put the old one here (comma-separated) for a while, and sessions, password-reset
# links and signed links made under it keep working; remove it once they have expired.
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'refugiu.sqlite3'}"),
        # Seconds a connection is kept for the next requests (0: one per request). PostgreSQL forks a process
        # for each new connection, a few ms of every request; docs/deploy.md keeps them for 60 s. A kept
        # connection is checked before a request reuses it, so that one broken by a database restart is
        # replaced rather than failing the request (core.errors answers 503 while the database is away).
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE avoids "database is locked" upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("REFUGIU_TEST_SQLITE_NAME") or None}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("REFUGIU_TEST_DATABASE_NAME") or None}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation pays off for long analytical queries, not for ours: it spent 160 ms compiling
        # a 30 ms count of a coordinator's cases (BENCHMARKS.md).
        # Added to what DATABASE_URL says (?sslmode=require&sslrootcert=… must reach the connection).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        # A database host that does not answer at all (down, or a firewall dropping packets) fails a request
        # within seconds instead of holding it for the system's TCP timeout (minutes): the page then
        # answers 503. DATABASE_URL's ?connect_timeout= takes precedence.
        options.setdefault("connect_timeout", 5)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's security-key list uses it
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    # Before django_tasks_db: its `db_worker` command is replaced by ours, which checks the keys first (Django
    # takes a command from the first app in this list that has one).
    "refugiu.core",
    "django_tasks",  # Django's task API (the backport of django.tasks, built in from Django 6.0)
    "django_tasks_db",  # its database backend: the queue lives in our own database
    "refugiu.accounts",
    "refugiu.organisation",
    "refugiu.directory",
    "refugiu.cases",
    "refugiu.programmes",
    "refugiu.finance",
    "refugiu.reports",
    "refugiu.demo",  # the demo and synthetic data, on top of every domain
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz and /readyz, answered before sessions, sign-in and the host check (core.health).
    "refugiu.core.health.HealthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "refugiu.accounts.middleware.IdleTimeoutMiddleware",
    "refugiu.accounts.middleware.SecondFactorRequiredMiddleware",
    "refugiu.core.middleware.PrivacyHeadersMiddleware",
    "refugiu.core.middleware.RefuseTraceMiddleware",
]

ROOT_URLCONF = "refugiu.urls"
WSGI_APPLICATION = "refugiu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "refugiu.core.context_processors.site",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Length, the common-password list and likeness to the account's own names; no rule on what a password is
# made of (OWASP ASVS 6.2.5, NIST SP 800-63B): Django's NumericPasswordValidator, which refuses a password of
# digits only, is such a rule and is left out. The common list still refuses the usual ones (1234567890 and
# 81 more of ten digits or longer). Nothing shortens a password: all of it is hashed (PBKDF2), however long.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "directory:search"

# django-allauth: staff accounts are created by an administrator, never by sign-up.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "refugiu.accounts.adapter.StaffOnlyAccountAdapter"
ACCOUNT_FORMS = {"reset_password": "refugiu.accounts.forms.ResetPasswordForm"}  # audits reset requests
ACCOUNT_EMAIL_VERIFICATION = "none"
# Changing the e-mail addresses that password-reset links go to asks for the password again unless it was
# typed in the last five minutes: a session left open (or stolen) cannot redirect the next reset. Accounts
# with a second factor are asked for it too (allauth does so for them already).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: at most 10 a minute from one address, and 5 in 15 minutes for one username from one
    # address (the adapter adds a hash of the address to the key), the same for wrong second-factor codes
    # (per person and address, accounts.forms): a guesser elsewhere cannot lock anyone out.
    "login_failed": "10/m/ip,5/15m/key",
    # Asking for a password reset sends an e-mail to the address typed, whether an account has it or not:
    # 10 an hour from one address, 3 an hour to one e-mail address. The link's page: 20 an hour.
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Second-factor codes and security keys are counted per person and address, and a lockout is recorded in
# the security trail (see accounts.forms).
MFA_FORMS = {
    "authenticate": "refugiu.accounts.forms.AuthenticateForm",
    "reauthenticate": "refugiu.accounts.forms.ReauthenticateForm",
    "authenticate_webauthn": "refugiu.accounts.forms.AuthenticateWebAuthnForm",
    "reauthenticate_webauthn": "refugiu.accounts.forms.ReauthenticateWebAuthnForm",
    "activate_totp": "refugiu.accounts.forms.ActivateTOTPForm",
}
# Authenticator-app secrets and recovery-code seeds are kept encrypted with the application key.
MFA_ADAPTER = "refugiu.accounts.adapter.EncryptedSecretsMFAAdapter"
MFA_TOTP_ISSUER = "Refugiu"

LANGUAGE_CODE = "en"
# Each language by its own name (its autonym), the same whatever language the page is in: the picker shows
# these as they are, so someone finds their language without reading the current one. Arabic is written
# right to left: base.html sets dir="rtl" and the stylesheets use logical properties only.
LANGUAGES = [
    ("en", "English"),
    ("ro", "Română"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("ar", "العربية"),
]
# The languages of every page, the staff's too: Ukrainian, Russian and Arabic cover the public pages only
# (tests/test_i18n.py). security.txt offers these for reports.
STAFF_LANGUAGES = ["en", "ro"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Bucharest")
USE_TZ = True

STATIC_URL = "static/"
# Roboto (Apache 2.0, from the font-roboto package) covers Latin with Romanian's letters, Cyrillic and Greek:
# reports embed it in their PDFs, so the letters of every name print the same everywhere.
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("fonts/roboto", font_roboto.font_directory)]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
MEDIA_ROOT = DATA_DIR / "uploads"
# Uploads (event photographs, publications, generated reports) are private like the rest of the data
# folder, whatever the process's umask: the application serves them itself.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and _env_bool("REFUGIU_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Served from the package in development and the demo, so no collectstatic step is needed to try it.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "refugiu@localhost")

# Behind HTTPS: a reverse proxy (nginx, Caddy, a load balancer) ends TLS and passes requests on. It must set
# X-Forwarded-Proto itself, overwriting any the client sent (README, "Behind HTTPS"): Django then takes
# "https" in it to mean the request came over TLS. Off (the default), the site works on plain
# http://127.0.0.1:8000, as the demo does.
BEHIND_HTTPS = _env_bool("REFUGIU_BEHIND_HTTPS")
# Sessions in the database under a keyed hash of their key, their data encrypted: a copy of the database
# opens none of them (refugiu.accounts.sessions says why and how).
SESSION_ENGINE = "refugiu.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BEHIND_HTTPS or _env_bool(
    "SECURE_COOKIES"
)  # SECURE_COOKIES: the older, cookies-only switch
# A working day at most, and gone with the browser; idleness ends it sooner (REFUGIU["IDLE_TIMEOUT_MINUTES"]).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The CSRF cookie is Lax like the session's, and readable by scripts of our own pages (Django's default),
# which send it back in X-CSRFToken when they call the cases API with the browser session.
CSRF_COOKIE_SAMESITE = "Lax"
# The language chosen (no secret, but no script needs it either).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Messages for the next page ("Saved."): a signed cookie with the session cookie's attributes (Django's),
# under a name of ours (core.messages).
MESSAGE_STORAGE = "refugiu.core.messages.MessageStorage"
MESSAGE_COOKIE_NAME = "messages"
if SESSION_COOKIE_SECURE:
    # Over HTTPS the cookies' names carry the __Host- prefix: a browser then keeps them only if they are
    # Secure, with Path=/ and no Domain (Django's defaults, which no variable changes), so neither another
    # host of the domain nor a plain-HTTP page can set or overwrite them (a planted session or CSRF token).
    # Never over plain HTTP: browsers would drop every cookie so named, and nobody could sign in.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    MESSAGE_COOKIE_NAME = "__Host-messages"
# Origins other than the site's own host allowed to send forms (scheme included: https://refugiu.example.org),
# e.g. when the proxy passes on another Host than the one in the browser.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
if BEHIND_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers probe the health endpoints over plain HTTP (core.health).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Browsers then refuse plain HTTP to this host for a year (the max-age HSTS preload lists ask for).
    SECURE_HSTS_SECONDS = int(os.environ.get("REFUGIU_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    # Both bind more than this site (every subdomain; the browsers' built-in list, slow to leave), so they
    # are the operator's decision: off unless set, and `check --deploy` is not asked to warn about it.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("REFUGIU_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = _env_bool("REFUGIU_HSTS_PRELOAD")
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
SECURE_CONTENT_TYPE_NOSNIFF = True
# A form refused for its CSRF token gets the site's 403 page, in the visitor's language (core.errors).
CSRF_FAILURE_VIEW = "refugiu.core.errors.csrf_failure"
# Nothing reaches other sites. Not "no-referrer": under it browsers send `Origin: null` with every form
# POST, and Django's CSRF check refuses them all (sign-in included).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Long reports are made in the background. The queue is a table in our own database, so nothing else needs
# installing; `refugiu serve` and `refugiu demo` start its workers (`refugiu db_worker`), and on PostgreSQL
# several workers, on one machine or many, each take their own task (SELECT … FOR UPDATE SKIP LOCKED).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A table of our own database: every app server sees the same counters (sign-in and abuse limits).
# Its keys are stored as a keyed hash (core.cache): allauth's keys name the client's address.
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "refugiu_cache",
        "KEY_FUNCTION": "refugiu.core.cache.hashed_key",
        # Past MAX_ENTRIES the table is culled: expired rows first, then a third of the live ones, lockouts
        # included. Django's 300 would let a flood of counters push a lockout out; a set costs 0.36 ms
        # at 50,000 rows against 0.23 ms at 300 (SQLite).
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

# Logs never carry request bodies or query strings: a search can name a person or a shelter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    # `refugiu serve`'s own lines (core.supervisor: task workers started, died, started again) are dated and
    # laid out as gunicorn's beside them on stderr, and shown from INFO up unless LOG_LEVEL says otherwise.
    "formatters": {
        "server": {
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    # Probes of /healthz and /readyz are not logged (a change of readiness is, once: core.health); a page
    # answered 503 for want of the database is one line, not a traceback (core.logfilters).
    "filters": {
        "health_probes": {"()": "refugiu.core.logfilters.HealthProbeLogFilter"},
        "database_unavailable": {"()": "refugiu.core.logfilters.DatabaseUnavailableLogFilter"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.server": {"handlers": [], "propagate": False},
        "django.request": {"filters": ["health_probes", "database_unavailable"]},
        "refugiu.serve": {
            "handlers": ["server"],
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}


class RefugiuSettings(TypedDict):
    """The keys of REFUGIU and their types, so that a misspelt key or a wrong type fails the type check
    (mypy reads settings.REFUGIU[...] with these types); each is explained where REFUGIU is set below."""

    QUICK_EXIT_URL: str
    STALE_AFTER_DAYS: int
    SUGGESTIONS_PER_HOUR: int
    SUGGESTIONS_PER_EMAIL_PER_DAY: int
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: int
    REGISTRATIONS_PER_EMAIL_PER_DAY: int
    LINK_FORMS_PER_HOUR: int
    CERTIFICATE_MISSES_PER_HOUR: int
    HOME_COUNTRY: str
    BREAK_GLASS_MINUTES: int
    BREAK_GLASS_ACROSS_DEPARTMENTS: bool
    QUIET_CASE_DAYS: int
    TRUSTED_PROXIES: int
    UPLOAD_MAX_BYTES: int
    RETENTION_YEARS: int
    API_TOKEN_DAYS: int
    IDLE_TIMEOUT_MINUTES: int
    STATISTICS_THRESHOLD: int
    PARTICIPANT_RETENTION_MONTHS: int
    REMINDER_DAYS_BEFORE: int
    REPORT_TIMEOUT_MINUTES: int
    WORKER_LOST_MINUTES: float
    READY_TASK_WORKERS: int
    QUEUE_STUCK_MINUTES: float
    START_WAIT_SECONDS: float
    SITE_URL: str
    IMPORT_MAX_FILE_BYTES: int
    IMPORT_MAX_PACKAGE_BYTES: int
    IMPORT_MAX_RECORD_CHARS: int
    IMPORT_MAX_FIELD_CHARS: int
    ZIP_MAX_MEMBERS: int
    ZIP_MAX_RATIO: int
    MEDIA_MAX_BYTES: int
    IMAGE_MAX_PIXELS: int
    MAP_TILES_URL: str
    MAP_TILES_ATTRIBUTION: str


REFUGIU: RefugiuSettings = {
    # The directory's map on a "near" search: a tile server's URL template ("https://tiles.example.org/{z}/{x}/{y}.png"),
    # and the attribution its tiles require. Empty (the default): no map, and no visitor's browser asks
    # another host for anything; tiles tell their server what a visitor looks at, so turn it on knowingly.
    "MAP_TILES_URL": os.environ.get("REFUGIU_MAP_TILES_URL", "").strip(),
    "MAP_TILES_ATTRIBUTION": os.environ.get("REFUGIU_MAP_TILES_ATTRIBUTION", "").strip(),
    # Where the quick-exit control sends a visitor: a neutral page that gives nothing away.
    "QUICK_EXIT_URL": os.environ.get("REFUGIU_QUICK_EXIT_URL", "https://www.wikipedia.org/"),
    # Entries not verified for this many days are listed for re-verification.
    "STALE_AFTER_DAYS": int(os.environ.get("REFUGIU_STALE_AFTER_DAYS", "365")),
    # Abuse limits on the public forms (core.ratelimit), per client address and per e-mail address typed;
    # 0 turns one off. Refused requests answer 429, saving and sending nothing.
    "SUGGESTIONS_PER_HOUR": int(os.environ.get("REFUGIU_SUGGESTIONS_PER_HOUR", "5")),
    "SUGGESTIONS_PER_EMAIL_PER_DAY": int(os.environ.get("REFUGIU_SUGGESTIONS_PER_EMAIL_PER_DAY", "10")),
    "REGISTRATIONS_PER_ADDRESS_PER_HOUR": int(
        os.environ.get("REFUGIU_REGISTRATIONS_PER_ADDRESS_PER_HOUR", "20")
    ),
    "REGISTRATIONS_PER_EMAIL_PER_DAY": int(os.environ.get("REFUGIU_REGISTRATIONS_PER_EMAIL_PER_DAY", "5")),
    "LINK_FORMS_PER_HOUR": int(os.environ.get("REFUGIU_LINK_FORMS_PER_HOUR", "20")),
    "CERTIFICATE_MISSES_PER_HOUR": int(os.environ.get("REFUGIU_CERTIFICATE_MISSES_PER_HOUR", "20")),
    # Cases: the country the organisation works in (a referral elsewhere is cross-border), how long a
    # coordinator's break-glass access lasts, the largest upload, and how many years after closure a
    # case is listed for anonymisation.
    "HOME_COUNTRY": os.environ.get("REFUGIU_HOME_COUNTRY", "RO"),
    "BREAK_GLASS_MINUTES": int(os.environ.get("REFUGIU_BREAK_GLASS_MINUTES", "60")),
    # Off: a coordinator breaks the glass only for a case of a department they coordinate. On: for any case.
    "BREAK_GLASS_ACROSS_DEPARTMENTS": _env_bool("REFUGIU_BREAK_GLASS_ACROSS_DEPARTMENTS"),
    # A caseworker's home lists their open cases without any activity for this many days (cases.desk).
    "QUIET_CASE_DAYS": max(1, int(os.environ.get("REFUGIU_QUIET_CASE_DAYS", "30"))),
    # How many reverse proxies in front of the application append to X-Forwarded-For (core.addresses): 0
    # when clients reach `refugiu serve` directly; 1 behind one nginx.
    "TRUSTED_PROXIES": int(os.environ.get("REFUGIU_TRUSTED_PROXIES", "0")),
    "UPLOAD_MAX_BYTES": int(os.environ.get("REFUGIU_UPLOAD_MAX_MB", "10")) * MiB,
    "RETENTION_YEARS": int(os.environ.get("REFUGIU_RETENTION_YEARS", "5")),
    # The longest a personal API token lasts (and the lifetime offered first), in days.
    "API_TOKEN_DAYS": max(1, int(os.environ.get("REFUGIU_API_TOKEN_DAYS", "30"))),
    # A signed-in session with no request for this long is ended.
    "IDLE_TIMEOUT_MINUTES": int(os.environ.get("REFUGIU_IDLE_TIMEOUT_MINUTES", "15")),
    # Programmes: counts below this are shown as "<N" in anything published or exported for funders;
    # participants' names, e-mails and institutions are blanked this many months after their event;
    # registration reminders go out this many days before an event's first day.
    # (also the threshold of the published assistance statistics)
    "STATISTICS_THRESHOLD": int(os.environ.get("REFUGIU_STATISTICS_THRESHOLD", "5")),
    "PARTICIPANT_RETENTION_MONTHS": int(os.environ.get("REFUGIU_PARTICIPANT_RETENTION_MONTHS", "24")),
    "REMINDER_DAYS_BEFORE": int(os.environ.get("REFUGIU_REMINDER_DAYS_BEFORE", "2")),
    # A report still being made this long after it was asked for lost its worker and is marked as failed.
    "REPORT_TIMEOUT_MINUTES": int(os.environ.get("REFUGIU_REPORT_TIMEOUT_MINUTES", "120")),
    # Sooner: a task worker not seen (core.workers: a heartbeat every 5 s) for this long is dead, and the
    # report it was making is marked as failed, to be asked for again.
    "WORKER_LOST_MINUTES": float(os.environ.get("REFUGIU_WORKER_LOST_MINUTES", "3")),
    # /readyz (core.health): task workers that must have been seen in the last 30 s (0: this deployment runs
    # none on purpose, and neither workers nor the queue are checked), and how long a task may wait to be
    # taken before the queue counts as stuck.
    "READY_TASK_WORKERS": int(os.environ.get("REFUGIU_READY_TASK_WORKERS", "1")),
    "QUEUE_STUCK_MINUTES": float(os.environ.get("REFUGIU_QUEUE_STUCK_MINUTES", "15")),
    # How long a start (`serve`, `db_worker`, the WSGI application…) waits for a database that does not
    # answer before giving up with a message (core.startup).
    "START_WAIT_SECONDS": float(os.environ.get("REFUGIU_START_WAIT_SECONDS", "60")),
    # Where this installation is reached from outside: links in e-mails sent without a request.
    "SITE_URL": os.environ.get("REFUGIU_SITE_URL", "http://127.0.0.1:8000"),
    # What an import may make us read (core.limits), so that a small zip cannot unpack into all the memory
    # there is: one file (a JSON or NDJSON file; a CSV file of a package, and a zip's member by the size it
    # declares and by what it unpacks to), a package's files together, one NDJSON line or CSV row, and one
    # field. A directory of 100,000 services is a 140 MB NDJSON file, or a package of 110 MB whose largest
    # CSV file is 31 MB and whose largest row is a few kilobytes. Line and field are counted in characters.
    "IMPORT_MAX_FILE_BYTES": int(os.environ.get("REFUGIU_IMPORT_MAX_FILE_MB", "512")) * MiB,
    "IMPORT_MAX_PACKAGE_BYTES": int(os.environ.get("REFUGIU_IMPORT_MAX_PACKAGE_MB", "1024")) * MiB,
    "IMPORT_MAX_RECORD_CHARS": int(os.environ.get("REFUGIU_IMPORT_MAX_RECORD_MB", "16")) * MiB,
    "IMPORT_MAX_FIELD_CHARS": int(os.environ.get("REFUGIU_IMPORT_MAX_FIELD_KB", "1024")) * 1024,
    # Any zip we open (an HSDS package, an uploaded DOCX or ODT): how many files it may hold, and how many
    # times smaller than its content it may be. Real CSV files pack 2-8 fold, a DOCX's XML 10-20 fold, a
    # zip bomb 1,000 fold.
    "ZIP_MAX_MEMBERS": int(os.environ.get("REFUGIU_ZIP_MAX_MEMBERS", "1000")),
    "ZIP_MAX_RATIO": int(os.environ.get("REFUGIU_ZIP_MAX_RATIO", "100")),
    # Files uploaded in the programme admin (core.uploads): event photographs, campaign images and
    # publications (a report's PDF with its photographs); and an image's pixels, which whoever draws it
    # (a report's PDF, a browser) must unpack: 64 megapixels is a full-frame camera's largest photograph.
    "MEDIA_MAX_BYTES": int(os.environ.get("REFUGIU_MEDIA_MAX_MB", "50")) * MiB,
    "IMAGE_MAX_PIXELS": int(os.environ.get("REFUGIU_IMAGE_MAX_MEGAPIXELS", "64")) * 1_000_000,
}

# Requests, with Django's own bounds stated so that they are seen: a form's fields at most 2.5 MiB (a
# JSON body on the API too) and 1,000 of them; at most 100 files (the admin sends an event's every
# photograph input, even unchanged ones). An upload over 2.5 MiB goes to a temporary file, written only up
# to the largest size a form accepts (core.uploads). Past these bounds a page answers 400 (templates/400.html)
# and the API 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * MiB)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * MiB)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "refugiu.core.uploads.LimitedTemporaryFileUploadHandler",
]
