"""Settings: defaults < config file < environment < command-line flags, with strict validation.

Every setting lives in one dataclass section below; `config.example.toml` shows each with its
default (a test keeps the two in step). Unknown keys and wrong types are `ConfigError`s that
name the key and the file.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from tracker.errors import ConfigError


class Secret(str):
    """A token: behaves as its value where a client needs it, but never shows in a repr."""

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"


@dataclass
class DatabaseSettings:
    """Where the store lives."""

    url: str = "sqlite:///reprotrack.db"


@dataclass
class HttpSettings:
    """How politely every service is asked."""

    timeout: float = 20.0
    deadline: float = 60.0
    max_retries: int = 3
    backoff_base: float = 0.5
    max_rate_limit_wait: float = 60.0
    concurrency_per_service: int = 4
    user_agent: str = "reprotrack/0.1 (reproducibility tracker)"


@dataclass
class NetworkSettings:
    """Which addresses links found in paper text, READMEs and pages may reach."""

    allow_private: list[str] = field(default_factory=list)


@dataclass
class GitHubSettings:
    """GitHub REST v3 / GraphQL v4."""

    api_url: str = "https://api.github.com"
    token: Secret = field(default_factory=Secret)
    graphql_batch_size: int = 25
    min_request_interval: float = 0.25


@dataclass
class HuggingFaceSettings:
    """The Hugging Face Hub."""

    endpoint: str = "https://huggingface.co"
    token: Secret = field(default_factory=Secret)


@dataclass
class OsfSettings:
    """The OSF API v2."""

    api_url: str = "https://api.osf.io/v2"


@dataclass
class ArxivSettings:
    """The arXiv export API (arXiv asks for one request every 3 seconds)."""

    api_url: str = "https://export.arxiv.org/api"
    min_interval: float = 3.0


@dataclass
class ZenodoSettings:
    """Zenodo's REST API, used for Zenodo records."""

    api_url: str = "https://zenodo.org/api"


@dataclass
class ArtefactHostsSettings:
    """Direct file links and shares on Drive, OneDrive / SharePoint, Dropbox, Baidu Pan, figshare.

    An empty `*_url` asks the link's own host; a base URL asks it instead (path and query
    kept), for mirrors and tests.
    """

    figshare_api_url: str = "https://api.figshare.com/v2"
    min_interval: float = 1.0
    drive_url: str = ""
    onedrive_url: str = ""
    dropbox_url: str = ""
    baidu_url: str = ""


@dataclass
class ImportSettings:
    """Limits on input files."""

    max_file_mb: float = 25.0


@dataclass
class AuditSettings:
    """How `reprotrack audit` plans and paces a run over many papers."""

    interval_days: float = 7.0
    chunk_size: int = 100
    keep_all_days: float = 90.0  # then one audit a month, and every change (0: keep all)


@dataclass
class DiscoverySettings:
    """Finding the code, weights and data of papers whose text links nothing."""

    enabled: bool = True
    arxiv_title_search: bool = True
    max_candidates: int = 10
    retry_not_found_days: float = 30.0
    refresh_days: float = 30.0


def _default_weights() -> dict[str, float]:
    from tracker.scoring import DEFAULT_WEIGHTS

    return dict(DEFAULT_WEIGHTS)


@dataclass
class ScoringSettings:
    """Scoring: how old a last conclusive observation may be, and the rubric's weights."""

    last_known_days: float = 30.0
    weights: dict[str, float] = field(default_factory=_default_weights)


@dataclass
class ReportsSettings:
    """Audit reports (`reprotrack report`) and what counts as a change between audits."""

    dir: str = "reprotrack-reports"  # relative to the working directory
    stars_change_threshold: float = 0.2
    stars_change_minimum: int = 10


@dataclass
class ScheduleSettings:
    """When `reprotrack schedule` runs an audit and writes its report."""

    cron: str = ""
    interval_hours: float = 168.0
    timezone: str = "UTC"
    due_only: bool = False
    formats: list[str] = field(default_factory=lambda: ["md", "html"])


@dataclass
class NotifySettings:
    """Where an audit's "needs attention" changes are sent: a webhook and / or e-mail.

    Secrets never live here: the webhook URL (it carries its token) and the SMTP password are
    read from the environment variables these settings name.
    """

    on_every_audit: bool = False  # also after `reprotrack audit`, not only scheduled audits
    webhook_url_env: str = "REPROTRACK_WEBHOOK_URL"
    webhook_format: str = "json"  # json | slack
    smtp_host: str = ""  # empty: no e-mail
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password_env: str = "REPROTRACK_SMTP_PASSWORD"
    smtp_ca_file: str = ""  # empty: the system's CAs
    mail_from: str = ""
    mail_to: list[str] = field(default_factory=list)
    timeout: float = 10.0
    max_retries: int = 3
    backoff_base: float = 1.0


@dataclass
class Settings:
    """All settings, one section per table of the config file."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    github: GitHubSettings = field(default_factory=GitHubSettings)
    huggingface: HuggingFaceSettings = field(default_factory=HuggingFaceSettings)
    osf: OsfSettings = field(default_factory=OsfSettings)
    arxiv: ArxivSettings = field(default_factory=ArxivSettings)
    zenodo: ZenodoSettings = field(default_factory=ZenodoSettings)
    artefact_hosts: ArtefactHostsSettings = field(default_factory=ArtefactHostsSettings)
    import_: ImportSettings = field(default_factory=ImportSettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    discovery: DiscoverySettings = field(default_factory=DiscoverySettings)
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    reports: ReportsSettings = field(default_factory=ReportsSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    source: str = field(default="defaults", compare=False)  # where the file part came from


# TOML table name -> attribute name, where they differ (`import` is a Python keyword).
_SECTION_ATTR = {"import": "import_"}
_ATTR_SECTION = {v: k for k, v in _SECTION_ATTR.items()}

# Standard environment variables of the services, and our own.
ENV_VARIABLES: dict[str, tuple[str, str]] = {
    "REPROTRACK_DATABASE_URL": ("database", "url"),
    "GITHUB_API_URL": ("github", "api_url"),
    "GITHUB_TOKEN": ("github", "token"),
    "HF_ENDPOINT": ("huggingface", "endpoint"),
    "HF_TOKEN": ("huggingface", "token"),
    "OSF_API_URL": ("osf", "api_url"),
    "ARXIV_API_URL": ("arxiv", "api_url"),
    "ZENODO_API_URL": ("zenodo", "api_url"),
    "FIGSHARE_API_URL": ("artefact_hosts", "figshare_api_url"),
}
DEFAULT_CONFIG_NAME = "reprotrack.toml"


def section_names() -> list[str]:
    """The config file's table names, in order."""
    return [_ATTR_SECTION.get(f.name, f.name) for f in fields(Settings) if f.name != "source"]


def _section(settings: Settings, name: str) -> Any:
    return getattr(settings, _SECTION_ATTR.get(name, name))


def _coerce(value: Any, expected: type, *, where: str, key: str) -> Any:
    """Check a value against a setting's type; ints are accepted where floats are expected."""
    if expected is Secret:
        if not isinstance(value, str):
            raise ConfigError(f"expected a string, got {type(value).__name__}", file=where, key=key)
        return Secret(value)
    if get_origin(expected) is list:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"expected a list of strings, got {value!r}", file=where, key=key)
        return list(value)
    if get_origin(expected) is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"expected a table, got {type(value).__name__}", file=where, key=key)
        return {
            name: _coerce(item, float, where=where, key=f"{key}.{name}")
            for name, item in value.items()
        }
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        raise ConfigError(
            f"expected {expected.__name__}, got {type(value).__name__} {value!r}",
            file=where,
            key=key,
        )
    return value


def _parse_env_value(raw: str, expected: type, *, name: str) -> Any:
    try:
        if expected is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        return expected(raw)
    except ValueError:
        raise ConfigError(
            f"expected {expected.__name__}, got {raw!r}", file="environment", key=name
        ) from None


def apply_mapping(settings: Settings, data: dict[str, Any], *, where: str) -> None:
    """Overlay a parsed TOML document on `settings`, rejecting unknown keys and wrong types."""
    for section_name, table in data.items():
        if section_name not in section_names():
            raise ConfigError(
                f"unknown section (known: {', '.join(section_names())})",
                file=where,
                key=section_name,
            )
        if not isinstance(table, dict):
            raise ConfigError("expected a table", file=where, key=section_name)
        section = _section(settings, section_name)
        hints = get_type_hints(type(section))
        for key, value in table.items():
            dotted = f"{section_name}.{key}"
            if key not in hints:
                known = ", ".join(f.name for f in fields(section))
                raise ConfigError(f"unknown key (known: {known})", file=where, key=dotted)
            setattr(section, key, _coerce(value, hints[key], where=where, key=dotted))


def find_config_file(explicit: str | Path | None, env: dict[str, str]) -> Path | None:
    """The config file to read: --config, else REPROTRACK_CONFIG, else ./reprotrack.toml if any."""
    chosen = explicit or env.get("REPROTRACK_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError("config file not found", file=path)
        return path
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.is_file() else None


def load_settings(
    config_file: str | Path | None = None,
    *,
    env: dict[str, str] | None = None,
    database_url: str | None = None,
) -> Settings:
    """Resolve the settings: defaults < config file < environment < command-line flags."""
    env = dict(os.environ) if env is None else env
    settings = Settings()
    path = find_config_file(config_file, env)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"not valid TOML: {exc}", file=path) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read: {exc}", file=path) from None
        apply_mapping(settings, data, where=str(path))
        settings.source = str(path)
        _validate(settings, where=str(path))
    for name, (section_name, key) in ENV_VARIABLES.items():
        raw = env.get(name)
        if raw:
            section = _section(settings, section_name)
            expected = get_type_hints(type(section))[key]
            setattr(section, key, _parse_env_value(raw, expected, name=name))
    if database_url:
        settings.database.url = database_url
    return settings


def _validate(settings: Settings, *, where: str) -> None:
    """Checks that span several keys (the weights must cover every criterion and sum to 1)."""
    from tracker.scoring import complete_weights, validate_weights

    try:
        settings.scoring.weights = complete_weights(settings.scoring.weights)
        validate_weights(settings.scoring.weights)
        if settings.notify.webhook_format not in ("json", "slack"):
            raise ConfigError("expected \"json\" or \"slack\"", key="notify.webhook_format")
        if settings.scoring.last_known_days < 0:
            raise ConfigError("must be >= 0 (0: never use an earlier observation)",
                              key="scoring.last_known_days")
    except ConfigError as exc:
        raise ConfigError(exc.message, file=where, key=exc.key) from None


def as_dict(settings: Settings) -> dict[str, dict[str, Any]]:
    """The settings as TOML-shaped tables (tokens masked), e.g. for `reprotrack config`."""
    out: dict[str, dict[str, Any]] = {}
    for name in section_names():
        section = dataclasses.asdict(_section(settings, name))
        out[name] = {k: ("***" if isinstance(v, Secret) and v else v) for k, v in section.items()}
    return out
