"""The Compose stack users start: docker/compose.yaml and what it mounts."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DOCKER = REPO / "docker"
COMPOSE = DOCKER / "compose.yaml"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_stack_runs_postgres_odoo18_and_a_one_shot_install(compose):
    services = compose["services"]
    assert set(services) >= {"db", "odoo-init", "odoo"}
    assert services["odoo"]["image"] == "odoo:18.0"
    assert services["odoo-init"]["image"] == "odoo:18.0"
    assert (
        services["odoo"]["depends_on"]["odoo-init"]["condition"]
        == "service_completed_successfully"
    )
    assert services["odoo-init"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_long_running_services_have_healthchecks(compose):
    for name in ("db", "odoo"):
        assert "test" in compose["services"][name]["healthcheck"], name


def test_data_lives_in_named_volumes(compose):
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith("."):
                assert source in declared, f"{name}: volume {source} not declared"


def test_mounted_files_exist_in_the_repository(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DOCKER / source).resolve().exists(), f"{name}: {source}"


def test_odoo_config_puts_the_addon_on_the_addons_path():
    config = (DOCKER / "odoo.conf").read_text()
    assert "/mnt/extra-addons" in config
    assert (REPO / "addons" / "trainlink_performance" / "__manifest__.py").exists()


def test_compose_file_validates_with_docker_compose():
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    else:
        pytest.skip("no docker compose nor docker-compose on this machine")
    result = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
