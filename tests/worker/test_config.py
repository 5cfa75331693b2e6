"""Settings: a TOML (or YAML) file under TRAINLINK_* environment variables,
secrets kept secret, every problem named by its field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sync_worker.config import ConfigError, Settings, SourceConfig, load_settings

BASE_TOML = """
odoo_url = "http://erp.example.com:8069/"
odoo_db = "trainlink"
odoo_login = "trainlink_sync"
state_path = "/var/lib/trainlink/state.json"

[[sources]]
name = "sales_csv"
kind = "csv"
kpi_code = "SALES_REV"
start = 2024-01-01
options = { path = "/data/sales.csv" }
columns = { record_id = "id", employee_key = "badge", date = "day", value = "amount" }
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No TRAINLINK_* variable nor .env file of the machine leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith("TRAINLINK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "worker.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_file_settings_with_the_password_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw-from-env")

    settings = load_settings(write(tmp_path, BASE_TOML))

    assert settings.odoo_url == "http://erp.example.com:8069"
    assert settings.odoo_password.get_secret_value() == "pw-from-env"
    assert settings.batch_size == 2000
    assert settings.timeout == 30
    assert settings.odoo_transport == "xmlrpc"
    assert settings.state_path == Path("/var/lib/trainlink/state.json")
    source = settings.source("sales_csv")
    assert source.kind == "csv"
    assert source.start == date(2024, 1, 1)
    assert source.employee_key_type == "barcode"
    assert source.period == "month"
    assert source.columns["employee_key"] == "badge"


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    monkeypatch.setenv("TRAINLINK_ODOO_DB", "other_db")
    monkeypatch.setenv("TRAINLINK_BATCH_SIZE", "500")
    monkeypatch.setenv(
        "TRAINLINK_SOURCES",
        json.dumps([{"name": "api", "kind": "rest", "kpi_column": "kpi"}]),
    )

    settings = load_settings(write(tmp_path, BASE_TOML))

    assert settings.odoo_db == "other_db"
    assert settings.batch_size == 500
    assert [source.name for source in settings.sources] == ["api"]
    assert settings.odoo_login == "trainlink_sync"  # from the file


def test_environment_alone_is_enough(monkeypatch, tmp_path):
    for name, value in {
        "ODOO_URL": "https://erp.example.com",
        "ODOO_DB": "db",
        "ODOO_LOGIN": "sync",
        "ODOO_PASSWORD": "pw",
        "STATE_PATH": str(tmp_path / "state.json"),
        "SOURCES": "[]",
        "ODOO_TRANSPORT": "jsonrpc",
    }.items():
        monkeypatch.setenv(f"TRAINLINK_{name}", value)
    settings = load_settings(None)
    assert settings.odoo_transport == "jsonrpc"
    assert settings.sources == []


def test_dotenv_file_of_the_working_directory_is_read(tmp_path):
    (tmp_path / ".env").write_text("TRAINLINK_ODOO_PASSWORD=from-dotenv\n")
    settings = load_settings(write(tmp_path, BASE_TOML))
    assert settings.odoo_password.get_secret_value() == "from-dotenv"


def test_password_never_shows(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "very-secret-pw")
    settings = load_settings(write(tmp_path, BASE_TOML))
    assert "very-secret-pw" not in repr(settings)
    assert "very-secret-pw" not in str(settings.model_dump())


def test_yaml_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    path = write(
        tmp_path,
        "odoo_url: http://erp:8069\nodoo_db: db\nodoo_login: sync\n"
        "state_path: state.json\nsources:\n"
        "  - {name: mes, kind: sql, kpi_code: OUTPUT_PER_HOUR, period: quarter}\n",
        "worker.yaml",
    )
    settings = load_settings(path)
    assert settings.sources[0].period == "quarter"


def problem(tmp_path, text, **env) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, text))
    return str(raised.value)


def test_missing_password_names_the_field_and_the_variable(tmp_path):
    message = problem(tmp_path, BASE_TOML)
    assert "odoo_password: Field required" in message
    assert "TRAINLINK_ODOO_PASSWORD" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("batch_size = 6000", "batch_size: Input should be less than or equal to 5000"),
        ("batch_size = 0", "batch_size: Input should be greater than 0"),
        ("timeout = -1", "timeout: Input should be greater than 0"),
        ('odoo_transport = "soap"', "odoo_transport: Input should be 'xmlrpc'"),
        ("schedule_every_minutes = 0", "schedule_every_minutes"),
    ],
)
def test_bad_values_are_named(tmp_path, monkeypatch, change, expected):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    text = change + "\n" + BASE_TOML
    assert expected in problem(tmp_path, text)


def test_bad_url_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    text = BASE_TOML.replace("http://erp.example.com:8069/", "erp.example.com")
    assert "odoo_url: must start with http:// or https://" in problem(tmp_path, text)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('kind = "ftp"', "sources.1.kind (source 'second'): Input should be 'csv'"),
        (
            'kind = "csv"\nemployee_key_type = "badge"',
            "sources.1.employee_key_type (source 'second')",
        ),
        (
            'kind = "csv"\nkpi_code = "A"\nkpi_column = "kpi"',
            "give kpi_code (one KPI for the whole source) or kpi_column",
        ),
        (
            'kind = "csv"\ncolumns = { amount = "x" }',
            "sources.1.columns (source 'second'): unknown record field(s) amount",
        ),
        ('kind = "csv"\nstart = "yesterday"', "sources.1.start (source 'second')"),
        ('kind = "csv"\nperiod = "week"', "sources.1.period"),
        ('kind = "csv"\ncolour = "blue"', "sources.1.colour (source 'second'): Extra"),
    ],
)
def test_bad_sources_are_named(tmp_path, monkeypatch, source, expected):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    text = BASE_TOML + f'\n[[sources]]\nname = "second"\n{source}\n'
    assert expected in problem(tmp_path, text)


def test_source_names_are_unique(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    text = BASE_TOML + '\n[[sources]]\nname = "sales_csv"\nkind = "excel"\n'
    assert "two sources are named 'sales_csv'" in problem(tmp_path, text)


def test_unknown_setting_in_the_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    message = problem(tmp_path, 'odoo_ulr = "x"\n' + BASE_TOML)
    assert "unknown setting(s) odoo_ulr" in message


def test_unreadable_or_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(write(tmp_path, "odoo_url = \n"))
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_settings(write(tmp_path, "a: [\n", "worker.yml"))
    with pytest.raises(ConfigError, match="must hold a table"):
        load_settings(write(tmp_path, "- 1\n", "worker.yml"))


def test_the_password_is_not_echoed_in_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "pw")
    monkeypatch.setenv("TRAINLINK_BATCH_SIZE", "not-a-number-secret")
    message = problem(tmp_path, BASE_TOML)
    assert "batch_size" in message
    assert "not-a-number-secret" not in message


def test_source_config_is_what_the_sources_use():
    config = SourceConfig(name=" api ", kind="rest", kpi_code="SALES_REV")
    assert config.name == "api"
    assert config.options == {} and config.columns == {}
    assert Settings.model_fields["batch_size"].default == 2000
