"""The worker's settings: a TOML (or YAML) file overridden by TRAINLINK_* env vars.

Secrets are `SecretStr`: they print as ``**********`` and only the transport
reads them. Every problem comes out as one `ConfigError` naming the field, which
the command line turns into exit status 2.
"""

from __future__ import annotations

import tomllib
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "TRAINLINK_"
# What one upsert call of the sync API accepts at most (trainlink.kpi.value MAX_BATCH).
MAX_BATCH_SIZE = 5000
SOURCE_KINDS = ("csv", "excel", "sql", "rest", "odoo_sales", "odoo_production")
EMPLOYEE_KEY_TYPES = ("barcode", "work_email", "identification_id", "login")
RECORD_FIELDS = ("record_id", "employee_key", "date", "value", "kpi_code")

# The parsed config file of the settings being built (see load_settings).
_FILE_DATA: ContextVar[dict[str, Any] | None] = ContextVar("file_data", default=None)


class ConfigError(Exception):
    """The configuration cannot be used; the message names the field."""


class SourceConfig(BaseModel):
    """One system the worker reads KPI records from."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    kind: Literal["csv", "excel", "sql", "rest", "odoo_sales", "odoo_production"]
    kpi_code: str | None = None
    kpi_column: str | None = None
    employee_key_type: Literal[
        "barcode", "work_email", "identification_id", "login"
    ] = "barcode"
    columns: dict[str, str] = {}
    options: dict[str, Any] = {}
    period: Literal["month", "quarter"] = "month"
    start: date | None = None
    # How often `schedule` syncs this source; default schedule_every_minutes.
    every_minutes: int | None = Field(None, ge=1)

    @field_validator("name")
    @classmethod
    def _name_is_stripped(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("a source needs a name")
        return name

    @field_validator("columns")
    @classmethod
    def _columns_map_record_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(columns) - set(RECORD_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown record field(s) {', '.join(unknown)}; "
                f"columns maps {', '.join(RECORD_FIELDS)} to source column names"
            )
        return columns

    @model_validator(mode="after")
    def _one_way_to_name_the_kpi(self) -> SourceConfig:
        if self.kpi_code and self.kpi_column:
            raise ValueError(
                "give kpi_code (one KPI for the whole source) or kpi_column "
                "(a column holding the KPI code of each row), not both"
            )
        return self


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The config file's values, below the environment in priority."""

    def get_field_value(self, field, field_name):  # pragma: no cover - unused
        return (_FILE_DATA.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_FILE_DATA.get() or {})


class Settings(BaseSettings):
    """Everything the worker needs; see README "The sync worker"."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    odoo_url: str
    odoo_db: str
    odoo_login: str
    odoo_password: SecretStr
    odoo_transport: Literal["xmlrpc", "jsonrpc"] = "xmlrpc"
    timeout: float = Field(30, gt=0)
    # ERP calls: attempts in all, and the first wait (doubled after each).
    max_attempts: int = Field(4, ge=1)
    backoff: float = Field(1.0, ge=0)
    batch_size: int = Field(2000, gt=0, le=MAX_BATCH_SIZE)
    state_path: Path
    schedule_every_minutes: int = Field(60, ge=1)
    min_points: int = Field(2, ge=1)
    # Seconds a run holds the ERP's lock without a heartbeat (the runner
    # renews it between batches once a third has passed); a worker killed
    # mid-run blocks the next runs at most this long.
    lock_lease_seconds: int = Field(900, ge=60, le=86400)
    sources: list[SourceConfig]

    @field_validator("odoo_url")
    @classmethod
    def _url_is_http(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return url

    @field_validator("sources")
    @classmethod
    def _source_names_are_unique(
        cls, sources: list[SourceConfig]
    ) -> list[SourceConfig]:
        seen = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}")
            seen.add(source.name)
        return sources

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls,
        init_settings,
        env_settings,
        dotenv_settings,
        file_secret_settings,
    ):
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
            _ConfigFileSource(settings_cls),
        )

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings a TOML (or .yaml/.yml) file holds, as a dict."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml  # only needed for YAML files

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ConfigError(
                f"config file {path} is not valid YAML: {error}"
            ) from None
        data = {} if data is None else data
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(
                f"config file {path} is not valid TOML: {error}"
            ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a table of settings")
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)} "
            f"(known: {', '.join(Settings.model_fields)})"
        )
    return data


def load_settings(
    config_path: Path | str | None = None, *, env_file: Path | str | None = ".env"
) -> Settings:
    """Settings from the config file (if any), overridden by the environment.

    Raises ConfigError with one line per problem, each naming its field.
    """
    data = read_config_file(Path(config_path)) if config_path else {}
    token = _FILE_DATA.set(data)
    try:
        return Settings(_env_file=env_file)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error, data)) from None
    finally:
        _FILE_DATA.reset(token)


def describe_validation_error(error: ValidationError, data: dict | None = None) -> str:
    """One line per problem: "field: message", sources named by their name."""
    lines = []
    sources = (data or {}).get("sources")
    for problem in error.errors(include_url=False, include_input=False):
        location = list(problem["loc"])
        field = ".".join(str(part) for part in location)
        if (
            len(location) >= 2
            and location[0] == "sources"
            and isinstance(location[1], int)
            and isinstance(sources, list)
            and location[1] < len(sources)
            and isinstance(sources[location[1]], dict)
            and sources[location[1]].get("name")
        ):
            field += f" (source {sources[location[1]]['name']!r})"
        message = problem["msg"].removeprefix("Value error, ")
        hint = ""
        if problem["type"] == "missing" and len(location) == 1:
            hint = (
                f" (set {field} in the config file or "
                f"{ENV_PREFIX}{str(location[0]).upper()} in the environment)"
            )
        lines.append(f"{field or 'settings'}: {message}{hint}")
    return "invalid configuration:\n  " + "\n  ".join(lines)
