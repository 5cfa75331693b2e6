"""Per-source cursors (the last date read) in a small JSON file, and what
each training's last measurement rested on.

The file is replaced atomically (temporary file in the same directory, then
os.replace), so a crash mid-write leaves the previous cursors intact. A missing
file means "nothing read yet"; a file that cannot be parsed is an error, never
silently reset: resetting would re-read everything from each source's start.

The measurements ("measured": attendance id -> the key of the inputs its
contributions were measured on, and the KPIs it then had a contribution for)
only spare work: a missing or malformed entry means "measure that training
again", so such entries are dropped rather than refused.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

FORMAT_VERSION = 1


class StateError(Exception):
    """The state file exists but cannot be read or written."""


@dataclass(frozen=True)
class Measured:
    """What a training's contributions were last measured on and sent: the
    key of its inputs (see Runner._measurement_key), the codes of the KPIs
    Odoo then held a contribution for, and how many of its contributions
    were held back for want of data points."""

    key: str
    kpis: tuple[str, ...]
    held: int = 0


class SyncState:
    """The cursors of every source and the trainings' last measurements,
    loaded from and saved to one file."""

    def __init__(
        self,
        path: Path | str,
        cursors: dict[str, date] | None = None,
        measured: dict[int, Measured] | None = None,
    ):
        self.path = Path(path)
        self._cursors: dict[str, date] = dict(cursors or {})
        self.measured: dict[int, Measured] = dict(measured or {})

    @classmethod
    def load(cls, path: Path | str) -> SyncState:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as error:
            raise StateError(
                f"cannot read state file {path}: {error.strerror}"
            ) from None
        return cls(path, *_parse(path, text))

    def cursor(self, source: str) -> date | None:
        """The last date read from the source, or None before its first run."""
        return self._cursors.get(source)

    def set_cursor(self, source: str, day: date) -> None:
        self._cursors[source] = day

    def forget(self, source: str) -> None:
        self._cursors.pop(source, None)

    @property
    def cursors(self) -> dict[str, date]:
        return dict(self._cursors)

    def save(self) -> None:
        """Write every cursor, atomically."""
        payload = {
            "version": FORMAT_VERSION,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sources": {
                name: {"cursor": day.isoformat()}
                for name, day in sorted(self._cursors.items())
            },
            "measured": {
                str(attendance_id): {
                    "key": entry.key,
                    "kpis": list(entry.kpis),
                    "held": entry.held,
                }
                for attendance_id, entry in sorted(self.measured.items())
            },
        }
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(
                "w",
                encoding="utf-8",
                dir=directory,
                prefix=f".{self.path.name}.",
                suffix=".tmp",
                delete=False,
            )
        except OSError as error:
            raise StateError(
                f"cannot write state file {self.path}: {error.strerror}"
            ) from None
        try:
            with handle:
                json.dump(payload, handle, indent=2)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, self.path)
        except BaseException as error:
            Path(handle.name).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise StateError(
                    f"cannot write state file {self.path}: {error.strerror or error}"
                ) from None
            raise


def _parse(path: Path, text: str) -> tuple[dict[str, date], dict[int, Measured]]:
    hint = "fix it, or delete it to read every source again from its start"
    try:
        data = json.loads(text)
    except ValueError as error:
        raise StateError(f"state file {path} is corrupted ({error}): {hint}") from None
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict):
        raise StateError(
            f"state file {path} is corrupted (no 'sources' mapping): {hint}"
        )
    cursors = {}
    for name, entry in sources.items():
        try:
            cursors[name] = date.fromisoformat(entry["cursor"])
        except (TypeError, KeyError, ValueError):
            raise StateError(
                f"state file {path} is corrupted (source {name!r} has no valid "
                f"cursor date): {hint}"
            ) from None
    return cursors, _parse_measured(data.get("measured"))


def _parse_measured(entries) -> dict[int, Measured]:
    """The well-formed entries of the "measured" mapping; the others are
    dropped (their trainings are measured again)."""
    measured = {}
    for attendance_id, entry in (entries if isinstance(entries, dict) else {}).items():
        try:
            key, kpis, held = entry["key"], entry["kpis"], entry.get("held", 0)
            attendance_id = int(attendance_id)
        except (AttributeError, TypeError, KeyError, ValueError):
            continue
        if (
            isinstance(key, str)
            and isinstance(kpis, list)
            and all(isinstance(code, str) for code in kpis)
            and isinstance(held, int)
        ):
            measured[attendance_id] = Measured(key, tuple(kpis), held)
    return measured
