"""The Compose stack users start: docker/compose.yaml and what it mounts."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

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
    for name in ("db", "odoo", "metrics", "worker"):
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


# ------------------------------------------------- sync worker and metrics --


def test_worker_and_metrics_run_the_worker_image(compose):
    services = compose["services"]
    for name in ("worker", "metrics"):
        build = services[name]["build"]
        assert (DOCKER / build["context"] / build["dockerfile"]).resolve() == (
            DOCKER / "worker.Dockerfile"
        )
    assert services["metrics"]["command"][:3] == [
        "python",
        "-m",
        "sync_worker.demo_source",
    ]
    assert services["worker"]["command"][:6] == [
        "python",
        "-m",
        "sync_worker",
        "schedule",
        "--config",
        "/etc/trainlink/worker.toml",
    ]


def test_worker_waits_for_a_healthy_odoo_and_metrics_source(compose):
    depends = compose["services"]["worker"]["depends_on"]
    assert depends["odoo"]["condition"] == "service_healthy"
    assert depends["metrics"]["condition"] == "service_healthy"


def test_worker_heartbeat_is_what_its_healthcheck_reads(compose):
    worker = compose["services"]["worker"]
    heartbeat = worker["command"][worker["command"].index("--heartbeat-file") + 1]
    assert heartbeat in " ".join(worker["healthcheck"]["test"])


def test_metrics_healthcheck_and_port_match_its_command(compose):
    metrics = compose["services"]["metrics"]
    port = metrics["command"][metrics["command"].index("--port") + 1]
    assert f"localhost:{port}/health" in " ".join(metrics["healthcheck"]["test"])


def test_worker_config_is_mounted_and_its_state_kept_in_a_volume(compose):
    volumes = compose["services"]["worker"]["volumes"]
    assert "./worker.toml:/etc/trainlink/worker.toml:ro" in volumes
    assert "worker-state:/var/lib/trainlink" in volumes


def test_sync_user_password_is_shared_by_odoo_init_and_the_worker(compose):
    init = compose["services"]["odoo-init"]
    worker = compose["services"]["worker"]
    password = init["environment"]["TRAINLINK_SYNC_PASSWORD"]
    assert password.startswith("${TRAINLINK_SYNC_PASSWORD:-")
    assert worker["environment"]["TRAINLINK_ODOO_PASSWORD"] == password
    assert (
        worker["environment"]["TRAINLINK_ODOO_DB"]
        == init["environment"]["TRAINLINK_DB"]
    )


def test_odoo_init_creates_the_sync_user_after_the_install():
    script = (DOCKER / "odoo-init.sh").read_text()
    install = script.index("-i trainlink_performance")
    create = script.index("create_sync_user.py")
    assert create > install
    assert "exec odoo" not in script  # the install must return to the script
    user_script = (DOCKER / "create_sync_user.py").read_text()
    assert "base.group_portal" in user_script
    assert "trainlink_performance.group_trainlink_sync" in user_script
    assert "env.cr.commit()" in user_script  # odoo shell rolls back otherwise


def test_example_worker_config_is_valid_and_points_at_the_stack(compose, monkeypatch):
    from sync_worker.config import load_settings
    from sync_worker.sources import build_source

    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "demo")
    settings = load_settings(DOCKER / "worker.toml", env_file=None)
    assert urlsplit(settings.odoo_url).hostname == "odoo"
    assert settings.odoo_login == "trainlink_sync"
    assert str(settings.state_path).startswith("/var/lib/trainlink/")
    metrics = compose["services"]["metrics"]["command"]
    port = metrics[metrics.index("--port") + 1]
    rest = [source for source in settings.sources if source.kind == "rest"]
    assert rest
    for source in rest:
        url = urlsplit(source.options["url"])
        assert (url.hostname, str(url.port)) == ("metrics", port)
        build_source(source)  # the options are complete


def test_worker_image_installs_the_package_and_runs_unprivileged():
    dockerfile = (DOCKER / "worker.Dockerfile").read_text()
    assert "pip install ." in dockerfile
    assert "\nUSER trainlink" in dockerfile
    ignore = (DOCKER / "worker.Dockerfile.dockerignore").read_text()
    for needed in ("!pyproject.toml", "!README.md", "!sync_worker/"):
        assert needed in ignore
