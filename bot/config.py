"""Settings from ``config.yaml`` and the environment, validated in one pass.

Every problem names the file, the line and the key; ``python -m bot`` turns them into
exit code 2 without a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.yamlfile import Problem, YamlProblems, load_model

DEFAULT_CONFIG_PATH = Path("config.yaml")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/sse.db"

Snowflake = Annotated[int, Field(ge=0)]


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Bangkok)") from None
    return name


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]


def _check_language(code: str) -> str:
    from bot.i18n import LANGUAGES

    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r} (use one of {', '.join(LANGUAGES)})")
    return code


LanguageCode = Annotated[str, AfterValidator(_check_language)]


class _Section(BaseModel):
    # strict: "123" is not silently taken for 123, and unknown keys (typos) are errors.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Channels(_Section):
    announcements: Snowflake = 0
    qa_forum: Snowflake = 0
    archived: list[Snowflake] = Field(default_factory=list)


class Roles(_Section):
    facilitators: list[Snowflake] = Field(default_factory=list)
    helpers: list[Snowflake] = Field(default_factory=list)


class Reminders(_Section):
    offsets_minutes: list[Annotated[int, Field(ge=0, le=60 * 24 * 30)]] = Field(
        default_factory=lambda: [24 * 60, 60, 0]
    )
    # a reminder that fell due while the bot was down is sent late within this window, else skipped
    grace_minutes: Annotated[int, Field(ge=0, le=60 * 24)] = 30
    # direct messages per second (Discord flags bots that mass-DM)
    dm_per_second: Annotated[float, Field(gt=0, le=50)] = 2.0
    # members who RSVPed "Going" are asked whether they attended (and for feedback) this long after the end
    followup_minutes: Annotated[int, Field(ge=0, le=60 * 24 * 7)] = 15


class Sessions(_Section):
    # local working hours used by /session times to flag awkward slots, as [start hour, end hour)
    working_hours: Annotated[list[Annotated[int, Field(ge=0, le=24)]], Field(min_length=2, max_length=2)] = Field(
        default_factory=lambda: [9, 18]
    )
    create_events: bool = True  # mirror each session as a Discord scheduled event

    @field_validator("working_hours")
    @classmethod
    def _hours_in_order(cls, hours: list[int]) -> list[int]:
        if hours[0] >= hours[1]:
            raise ValueError(f"expected [start hour, end hour] with start < end, got {hours}")
        return hours


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Digest(_Section):
    enabled: bool = True
    day: Weekday = "mon"
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "09:00"  # in the config time zone
    channel: Snowflake = 0  # 0 = the announcements channel


class QA(_Section):
    """Peer Q&A in the forum channel (issue 4)."""

    route_helpers_after_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24
    route_facilitators_after_hours: Annotated[float, Field(gt=0, le=24 * 60)] = 48
    route_check_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 10
    # An unanswered question goes first to peers who know its topic (and country), after this
    # long: members whose profile has the topic and says they are happy to be asked (cogs/profiles)
    route_peers_after_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 6
    peers_per_question: Annotated[int, Field(ge=0, le=10)] = 3  # 0 turns the peer step off
    # at most this many such private notes reach one member in any 7 days
    peer_requests_per_week: Annotated[int, Field(ge=0, le=50)] = 2
    # /ask offers the 12 programme countries (content/countries/); these are the deployment's extra
    # country tags (e.g. Myanmar). Each is a forum tag, so at most 20 characters.
    extra_countries: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list)
    topics: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list)
    solved_tag: Annotated[str, Field(min_length=1, max_length=20)] = "Solved"
    # A post with replies but no accepted answer this many days after its first reply reminds its
    # asker once, in the post, how to mark the answer (0: never)
    nudge_after_days: Annotated[int, Field(ge=0, le=365)] = 3
    # A post with no message for this many days is closed (archived) with a note saying how to
    # reopen it (0: never)
    close_after_days: Annotated[int, Field(ge=0, le=3650)] = 14
    lifecycle_check_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 60  # how often to look for both
    # Replaced by the programme countries plus extra_countries: kept only to say so, with its line.
    countries: Any = None

    @field_validator("countries")
    @classmethod
    def _replaced(cls, value: Any) -> Any:
        if value is not None:
            raise ValueError("replaced: /ask now offers the 12 programme countries from content/countries/; "
                             "list any other country tags (e.g. Myanmar) under qa.extra_countries")
        return value


class Plans(_Section):
    """National action plans and policy consultations (cogs/plans)."""

    # where a milestone falling due is announced, per country code: a channel or thread id
    # ({TH: 1234}); a country not listed uses the announcements channel
    channels: dict[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], Snowflake] = Field(default_factory=dict)
    # where facilitators get a consultation's closing summary (a facilitators-only channel);
    # 0 = by DM to the facilitator who opened it
    summary_channel: Snowflake = 0
    check_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30  # how often due milestones and closed consultations are looked for


class Outbox(_Section):
    """Delivery of what the bot posts on its own (bot/outbox.py)."""

    # A process holds a delivery this long while sending it; a crashed or overlapping instance's
    # deliveries are taken over only after it expires. Far longer than one send takes.
    lease_seconds: Annotated[int, Field(ge=10, le=3600)] = 120
    # after a failure worth retrying (5xx, 429, network errors), wait this long, doubling per
    # attempt up to max_retry_seconds
    retry_seconds: Annotated[int, Field(ge=1, le=3600)] = 30
    max_retry_seconds: Annotated[int, Field(ge=1, le=24 * 3600)] = 900
    check_seconds: Annotated[int, Field(ge=5, le=3600)] = 30  # how often due and retried deliveries are looked for


class Archive(_Section):
    """The searchable archive of messages."""

    # After a (re)connect, stored messages this recent are checked against Discord's history:
    # ones deleted or edited while the bot was away are removed or updated.
    reconcile_days: Annotated[int, Field(ge=0, le=90)] = 7
    # Where /search, the web and the CLI find their matches: "database" (SQLite's FTS5 or
    # PostgreSQL's GIN index) or "tantivy", a search engine in a folder of its own, kept in step with
    # the database (db/search_index.py; bench/README.md says when it pays).
    search_engine: Literal["database", "tantivy"] = "database"
    # tantivy's folder, relative to config.yaml's folder; each bot instance needs its own
    search_index_dir: Annotated[str, Field(min_length=1)] = "data/search-index"


class Ops(_Section):
    """What an operator watches: the health and metrics endpoints (bot/ops_server.py)."""

    # /healthz and /metrics on their own port; null = not served (the default: nothing listens
    # unless asked). 0 = any free port (tests). Env: SSE_HTTP_PORT, SSE_HTTP_HOST.
    http_port: Annotated[int, Field(ge=0, le=65535)] | None = None
    # loopback by default: a Prometheus or health checker on the same machine (or a reverse proxy)
    # reads it; 0.0.0.0 exposes it to the network, which the endpoints do not need.
    http_host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    # how long /healthz waits for the database's SELECT 1 before calling it unreachable
    db_timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 2.0


class Web(_Section):
    """The public, read-only web site and calendar feeds (bot/web/): `python -m bot web`, or inside
    `run` when ``enabled``."""

    enabled: bool = True  # serve the site inside `python -m bot run` (the README's run command)
    host: Annotated[str, Field(min_length=1)] = "127.0.0.1"  # loopback: put a reverse proxy in front
    port: Annotated[int, Field(ge=0, le=65535)] = 8080  # 0 = any free port (tests)
    # The address people reach the site at (https://sse.example.org), used for links the bot hands
    # out (calendar feeds, /session feed), canonical URLs and the sitemap. null: http://host:port.
    public_url: Annotated[str, Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$")] | None = None
    allow_indexing: bool = True  # robots.txt lets search engines in (false: Disallow: /)
    # Join links (Zoom, Meet...) in the public calendar feeds. Off: the public feeds say "members get
    # the join link on Discord" and only a member's personal feed (/session feed) carries them.
    publish_join_links: bool = False
    workers: Annotated[int, Field(ge=1, le=32)] = 1  # `python -m bot web` processes (more than 1 needs PostgreSQL)

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "[" + self.host + "]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class Config(_Section):
    guild_id: Snowflake = 0
    channels: Channels = Field(default_factory=Channels)
    roles: Roles = Field(default_factory=Roles)
    timezone: TimeZoneName = "Asia/Bangkok"
    language: LanguageCode = "en"  # answers in this language when a member's locale is one the bot lacks
    reminders: Reminders = Field(default_factory=Reminders)
    qa: QA = Field(default_factory=QA)
    sessions: Sessions = Field(default_factory=Sessions)
    digest: Digest = Field(default_factory=Digest)
    plans: Plans = Field(default_factory=Plans)
    outbox: Outbox = Field(default_factory=Outbox)
    archive: Archive = Field(default_factory=Archive)
    ops: Ops = Field(default_factory=Ops)
    web: Web = Field(default_factory=Web)
    content_dir: str = "content"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line, for log collectors

    def content_path(self, base: Path) -> Path:
        path = Path(self.content_dir)
        return path if path.is_absolute() else base / path

    def search_index_path(self, base: Path) -> Path:
        path = Path(self.archive.search_index_dir)
        return path if path.is_absolute() else base / path


class Settings(BaseModel):
    """Config plus what comes from the environment (secrets and deployment)."""

    model_config = ConfigDict(frozen=True)

    config: Config
    config_path: Path
    database_url: str
    token: str | None

    @property
    def content_dir(self) -> Path:
        return self.config.content_path(self.config_path.resolve().parent)

    @property
    def search_index_dir(self) -> Path:
        return self.config.search_index_path(self.config_path.resolve().parent)


def load_config(path: Path) -> Config:
    if not path.exists():
        # A missing file means defaults: the bot runs with no setup at all.
        return Config()
    return load_model(Config, path)


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting providers hand out and pick the async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        url = "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


# Deployment settings an environment (systemd EnvironmentFile, a container) may set over config.yaml:
# variable -> (section or None for top level, key).
ENV_OVERRIDES: dict[str, tuple[str | None, str]] = {
    "SSE_LOG_LEVEL": (None, "log_level"),
    "SSE_LOG_FORMAT": (None, "log_format"),
    "SSE_HTTP_HOST": ("ops", "http_host"),
    "SSE_HTTP_PORT": ("ops", "http_port"),
    "SSE_WEB_HOST": ("web", "host"),
    "SSE_WEB_PORT": ("web", "port"),
    "SSE_PUBLIC_URL": ("web", "public_url"),
}


def apply_env_overrides(config: Config, env: dict[str, str]) -> Config:
    """The config with the ``ENV_OVERRIDES`` found in ``env``, validated like the file (a bad value
    is a problem naming the variable)."""
    data = config.model_dump()
    found = []
    for variable, (section, key) in ENV_OVERRIDES.items():
        raw = env.get(variable, "").strip()
        if not raw:
            continue
        value: Any = raw
        if key == "http_port":
            value = None if raw.lower() in ("off", "none", "null") else (int(raw) if raw.isdigit() else raw)
        elif key == "port":
            value = int(raw) if raw.isdigit() else raw
        (data[section] if section else data)[key] = value
        found.append(variable)
    if not found:
        return config
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        named = {".".join(filter(None, where)): variable for variable, where in ENV_OVERRIDES.items()}
        raise YamlProblems([Problem("environment", None,
                                    named.get(".".join(map(str, e["loc"][:2])), ", ".join(found)), e["msg"])
                            for e in exc.errors()]) from None


def load_settings(config_path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    path = config_path or Path(env.get("SSE_CONFIG", str(DEFAULT_CONFIG_PATH)))
    return Settings(
        config=apply_env_overrides(load_config(path), env),
        config_path=path,
        database_url=normalise_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        token=(env.get("DISCORD_TOKEN") or "").strip() or None,
    )
