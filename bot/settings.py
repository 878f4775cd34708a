"""Every setting of the product, read from the environment in this one place.

Defaults are safe for a laptop: a SQLite file under ``var/``, no SMTP server (mail waits in
the outbox, or goes to the local development mailbox that ``make run`` starts).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def _env_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def _env_positive_int(env: dict[str, str], name: str, default: int) -> int:
    value = _env_int(env, name, default)
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def _env_float(env: dict[str, str], name: str, default: float, unit: str = "seconds") -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of {unit}, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be more than 0 {unit}, not {raw!r}")
    return value


def _env_limits(env: dict[str, str], name: str, default: str) -> str:
    """A rate limit in the `limits` library's notation, e.g. "5 per 10 seconds;30 per minute"."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    from limits import parse_many  # only when set: the defaults below are known to parse

    try:
        if parse_many(raw):
            return raw
    except ValueError:
        pass
    raise ValueError(
        f'{name} must be rate limits such as "5 per 10 seconds;30 per minute", not {raw!r}'
    )


def _env_networks(env: dict[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks ("127.0.0.1, 10.0.0.0/8")."""
    found = []
    for part in (env.get(name) or "").split(","):
        if part.strip():
            try:
                found.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError:
                raise ValueError(
                    f"{name} must list IP addresses or networks, not {part!r}"
                ) from None
    return tuple(found)


def default_mailbox_dir(database_url: str) -> Path:
    """The development mailbox of one database: two instances on one machine (another
    DATABASE_URL) never show each other's mail."""
    return VAR_DIR / "mailbox" / hashlib.sha256(database_url.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Settings:
    database_url: str
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None = field(repr=False)
    smtp_starttls: bool
    smtp_timeout_seconds: float
    mail_from: str
    public_base_url: str
    support_email: str
    terms_url: str
    # The My Sis ID platform where an existing account logs in (the help article's header
    # links to it); the assistant points to it and never logs in for anyone.
    platform_url: str = "https://my.sis-id.com"
    invitation_validity_months: int = 3
    activation_token_hours: int = 48
    resend_limit_per_hour: int = 3
    # Resends asked for an address outside the conversation that created the account (anyone
    # who knows the address can ask): at most this many a day as well, each one voiding the
    # previous link (bot/registration/accounts.py).
    resend_limit_per_day: int = 6
    # First retry of an undelivered mail; each later retry waits twice as long (up to 1 h).
    outbox_retry_seconds: float = 30.0
    # How long Rasa's REST channel works on one message before it answers "please try again"
    # (rasa_ext/channels.py): a hung action server must not leave the user in silence.
    message_timeout_seconds: float = 30.0
    # Failed invitation checks allowed per code and per company ID within the window
    # (bot/registration/limits.py); past it the assistant stops checking and offers a human.
    invitation_check_limit: int = 5
    invitation_check_window_minutes: int = 60
    # Handoff tickets one conversation may open (bot/registration/tickets.py); past it the
    # same reference is given again and no mail is sent.
    handoff_ticket_limit: int = 3
    # Across conversations (a script opens a new one at will): tickets naming one contact
    # address within a day (support would write to a stranger again and again), and tickets
    # of the whole site within an hour (support's mailbox); beyond either, no ticket, and the
    # supplier is given the support address to write to (bot/registration/tickets.py).
    handoff_tickets_per_contact_per_day: int = 5
    handoff_tickets_per_hour: int = 200
    # Tickets opened from one client address (the web app's reference of it) within a day,
    # whatever the session, thread or contact address named: a script's new threads each opened
    # one, naming a stranger's address for support's reply.
    handoff_tickets_per_client_per_day: int = 10
    # "An account already exists for this address" mails sent to one address within an hour,
    # whoever causes them (registration, address correction, resend): beyond, none is sent
    # and the conversation says the same (bot/registration/accounts.py).
    account_exists_mails_per_hour: int = 3
    # Hours after which an abandoned registration draft (password hash, invitation code,
    # contact details) is deleted by the outbox sender's housekeeping
    # (bot/registration/housekeeping.py).
    draft_retention_hours: float = 24.0
    # `make run` sets DEVELOPMENT=true: the development mailbox (when SMTP_HOST is unset), the
    # published demo invitations and a session secret generated under var/. Never in production.
    development: bool = False
    # TERMS_URL given: required without DEVELOPMENT (production_problem), where the default
    # address serves nothing and suppliers would accept terms they cannot open.
    terms_url_set: bool = False
    dev_mailbox: bool = False  # development and no SMTP_HOST: /mailbox shows the caught mail
    mailbox_dir: Path = VAR_DIR / "mailbox"
    # Conversation events (Rasa's SQL tracker store schema): read by the report, transcripts,
    # purge and erase commands. A sibling of the accounts database by default.
    tracker_store_url: str = f"sqlite:///{VAR_DIR / 'conversations.db'}"
    # Days conversation events are kept before `python -m bot purge` deletes them.
    retention_days: int = 90
    # Conversations whose tracker each Rasa process keeps in memory between messages
    # (rasa_ext/tracker_cache.py): checked against the database on every message, so only a
    # memory bound; 0 rebuilds every tracker from the database, as Rasa does.
    tracker_cache_size: int = 500
    # The web app (help-centre page, activation page, proxy to Rasa's REST channel).
    web_port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    action_endpoint_url: str = "http://127.0.0.1:5055/webhook"
    # Addresses the Rasa server and the action server listen on: loopback unless the
    # deployment puts them on separate machines (then a private network address).
    rasa_interface: str = "127.0.0.1"
    action_interface: str = "127.0.0.1"
    web_interface: str = "127.0.0.1"
    # The key of the chat sessions (cookie and conversation ids, bot/web/sessions.py). Required
    # in production; in development generated once under var/ when unset.
    session_secret: str | None = field(default=None, repr=False)
    # Proxies whose X-Forwarded-For the web app believes (the client's address for the limits).
    trusted_proxies: tuple[str, ...] = ()
    # Rate limits of the web app (bot/web/rate_limits.py), in the `limits` library's notation.
    # memory:// keeps the counters in the process; redis://host:port/db shares them between
    # several web app processes.
    rate_limit_storage_url: str = "memory://"
    rate_limit_conversation: str = "8 per 10 seconds;40 per minute"
    rate_limit_address: str = "60 per minute"
    # Password checks per chat session and per address (Argon2 is costly on purpose).
    rate_limit_password: str = "5 per minute;20 per hour"  # noqa: S105 - a rate, not a secret
    # Per address: an office or a proxy serves many suppliers (30 an hour blocked a busy one for
    # 48 minutes); 300 Argon2id hashes an hour cost a core about 12 s.
    rate_limit_password_address: str = "20 per minute;300 per hour"  # noqa: S105
    session_message_cap: int = 200  # messages per chat session in any hour

    # The staff console (/console/): its sessions are encrypted cookies (Fernet key, 32 bytes
    # in URL-safe base64); unset, a key is generated once into var/console-session.key.
    console_session_key: str | None = field(default=None, repr=False)
    console_session_hours: int = 8  # a staff session ends this long after signing in
    # Failed sign-ins allowed in the window, per staff account and per client address.
    staff_sign_in_limit_per_account: int = 5
    staff_sign_in_limit_per_address: int = 20
    staff_sign_in_window_minutes: int = 15

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when the public site is HTTPS."""
        return self.public_base_url.startswith("https://")

    def link(self, path: str) -> str:
        """An absolute URL on the public site, e.g. ``link("/activate?token=...")``."""
        return self.public_base_url.rstrip("/") + "/" + path.lstrip("/")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (``os.environ`` by default)."""
    env = dict(os.environ if env is None else env)
    smtp_host = env.get("SMTP_HOST", "").strip() or None
    web_port = _env_int(env, "WEB_PORT", 8000)
    rasa_port = _env_int(env, "RASA_PORT", 5005)
    action_port = _env_int(env, "ACTION_PORT", 5055)
    # The links in emails must reach the web app that `make run` starts, whatever its port.
    public_base_url = env.get("PUBLIC_BASE_URL", "").strip() or f"http://localhost:{web_port}"
    database_url = env.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'onboarding.db'}"
    development = _env_bool(env, "DEVELOPMENT", False)
    mailbox_dir = env.get("MAILBOX_DIR", "").strip()
    return Settings(
        database_url=database_url,
        # Without SMTP_HOST, mail goes to the development mailbox on loopback.
        smtp_host=smtp_host or "127.0.0.1",
        smtp_port=_env_int(env, "SMTP_PORT", 25 if smtp_host else 8025),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=_env_bool(env, "SMTP_STARTTLS", False),
        smtp_timeout_seconds=float(env.get("SMTP_TIMEOUT", "") or 10),
        outbox_retry_seconds=_env_float(env, "OUTBOX_RETRY_SECONDS", 30.0),
        message_timeout_seconds=_env_float(env, "MESSAGE_TIMEOUT", 30.0),
        mail_from=env.get("MAIL_FROM", "").strip() or "noreply@sis-id.com",
        public_base_url=public_base_url.rstrip("/"),
        support_email=env.get("SUPPORT_EMAIL", "").strip() or "support@sis-id.com",
        terms_url=env.get("TERMS_URL", "").strip()
        or public_base_url.rstrip("/") + "/conditions-generales",
        development=development,
        terms_url_set=bool(env.get("TERMS_URL", "").strip()),
        # Fails closed: a production web app without SMTP_HOST shows no mailbox.
        dev_mailbox=development and smtp_host is None,
        mailbox_dir=Path(mailbox_dir) if mailbox_dir else default_mailbox_dir(database_url),
        platform_url=env.get("PLATFORM_URL", "").strip().rstrip("/") or "https://my.sis-id.com",
        tracker_store_url=env.get("TRACKER_STORE_URL", "").strip()
        or f"sqlite:///{VAR_DIR / 'conversations.db'}",
        retention_days=_env_int(env, "RETENTION_DAYS", 90),
        tracker_cache_size=max(0, _env_int(env, "TRACKER_CACHE_SIZE", 500)),
        invitation_check_limit=_env_int(env, "INVITATION_CHECK_LIMIT", 5),
        invitation_check_window_minutes=_env_int(env, "INVITATION_CHECK_WINDOW_MINUTES", 60),
        account_exists_mails_per_hour=_env_int(env, "ACCOUNT_EXISTS_MAILS_PER_HOUR", 3),
        draft_retention_hours=_env_float(env, "DRAFT_RETENTION_HOURS", 24.0, unit="hours"),
        handoff_ticket_limit=_env_positive_int(env, "HANDOFF_TICKET_LIMIT", 3),
        handoff_tickets_per_hour=_env_positive_int(env, "HANDOFF_TICKETS_PER_HOUR", 200),
        handoff_tickets_per_client_per_day=_env_positive_int(
            env, "HANDOFF_TICKETS_PER_CLIENT_PER_DAY", 10
        ),
        web_port=web_port,
        rasa_url=(env.get("RASA_URL", "").strip() or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        action_endpoint_url=env.get("ACTION_ENDPOINT_URL", "").strip()
        or f"http://127.0.0.1:{action_port}/webhook",
        rasa_interface=env.get("RASA_INTERFACE", "").strip() or "127.0.0.1",
        action_interface=env.get("ACTION_INTERFACE", "").strip() or "127.0.0.1",
        console_session_key=env.get("CONSOLE_SESSION_KEY", "").strip() or None,
        console_session_hours=_env_int(env, "CONSOLE_SESSION_HOURS", 8),
        web_interface=env.get("WEB_INTERFACE", "").strip() or "127.0.0.1",
        session_secret=env.get("SESSION_SECRET", "").strip() or None,
        trusted_proxies=_env_networks(env, "TRUSTED_PROXIES"),
        rate_limit_storage_url=env.get("RATE_LIMIT_STORAGE_URL", "").strip() or "memory://",
        rate_limit_conversation=_env_limits(
            env, "RATE_LIMIT_CONVERSATION", Settings.rate_limit_conversation
        ),
        rate_limit_address=_env_limits(env, "RATE_LIMIT_ADDRESS", Settings.rate_limit_address),
        rate_limit_password=_env_limits(env, "RATE_LIMIT_PASSWORD", Settings.rate_limit_password),
        rate_limit_password_address=_env_limits(
            env, "RATE_LIMIT_PASSWORD_ADDRESS", Settings.rate_limit_password_address
        ),
        session_message_cap=_env_int(env, "SESSION_MESSAGE_CAP", 200),
    )


_cached: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read once (tests call :func:`reset_settings`)."""
    global _cached
    if _cached is None:
        _cached = load_settings()
    return _cached


def reset_settings() -> None:
    global _cached
    _cached = None


def production_problem(settings: Settings) -> str | None:
    """Why the product must not start as configured, without DEVELOPMENT; None when it may.
    The launcher and the web app refuse to start with it (as without a session secret)."""
    if settings.development or settings.terms_url_set:
        return None
    return (
        "TERMS_URL is required (DEVELOPMENT is not set): the address of the published Acte "
        "d'Adhésion aux Conditions Générales d'Utilisation that suppliers accept"
    )
