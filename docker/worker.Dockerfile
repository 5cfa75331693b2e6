# The TrainLink sync worker, also serving the demo metrics source of the
# Compose stack. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t trainlink-sync-worker .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/trainlink
COPY pyproject.toml README.md ./
COPY sync_worker ./sync_worker
RUN pip install . \
    && useradd --system --uid 1000 --create-home --home-dir /var/lib/trainlink trainlink

# Cursors live in /var/lib/trainlink (a volume in the Compose stack); the
# worker runs unprivileged.
USER trainlink
WORKDIR /var/lib/trainlink

CMD ["trainlink-sync", "schedule", "--config", "/etc/trainlink/worker.toml"]
