"""Cursors in a JSON file: missing is empty, corrupted is an error, writes are
atomic. The trainings' last measurements ride along: a malformed one is
dropped, so that its training is measured again."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from sync_worker.state import Measured, StateError, SyncState


def test_missing_file_means_no_cursor_yet(tmp_path):
    state = SyncState.load(tmp_path / "none" / "state.json")
    assert state.cursor("sales") is None
    assert state.cursors == {}


def test_cursors_survive_a_save_and_a_load(tmp_path):
    path = tmp_path / "sub" / "state.json"
    state = SyncState.load(path)
    state.set_cursor("sales", date(2024, 5, 31))
    state.set_cursor("mes", date(2024, 6, 2))
    state.save()

    again = SyncState.load(path)
    assert again.cursor("sales") == date(2024, 5, 31)
    assert again.cursor("mes") == date(2024, 6, 2)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert data["sources"]["sales"] == {"cursor": "2024-05-31"}


def test_save_leaves_no_temporary_file(tmp_path):
    state = SyncState(tmp_path / "state.json")
    state.set_cursor("sales", date(2024, 1, 1))
    state.save()
    state.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    state = SyncState(path)
    state.set_cursor("sales", date(2024, 1, 1))
    state.save()
    before = path.read_text()

    def broken_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    state.set_cursor("sales", date(2024, 2, 1))
    with pytest.raises(StateError, match="cannot write state file .*No space left"):
        state.save()

    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "corrupted"),
        ("[]", "no 'sources' mapping"),
        ('{"sources": {"sales": {"cursor": "31/05/2024"}}}', "source 'sales'"),
        ('{"sources": {"sales": 3}}', "source 'sales'"),
        ("", "corrupted"),
    ],
)
def test_a_corrupted_file_is_a_clear_error(tmp_path, text, why):
    path = tmp_path / "state.json"
    path.write_text(text)
    with pytest.raises(StateError) as raised:
        SyncState.load(path)
    message = str(raised.value)
    assert str(path) in message
    assert why in message
    assert "delete it" in message


def test_an_unreadable_path_is_an_error(tmp_path):
    with pytest.raises(StateError, match="cannot read state file"):
        SyncState.load(tmp_path)  # a directory


def test_forget_a_source(tmp_path):
    state = SyncState(tmp_path / "s.json", {"a": date(2024, 1, 1)})
    state.forget("a")
    state.forget("unknown")
    assert state.cursors == {}


def test_measurements_survive_a_save_and_a_load(tmp_path):
    path = tmp_path / "state.json"
    state = SyncState.load(path)
    state.set_cursor("sales", date(2024, 5, 31))
    state.measured[5] = Measured("abc", ("CONV", "REV"))
    state.measured[6] = Measured("def", (), held=2)
    state.save()

    again = SyncState.load(path)
    assert again.measured == {
        5: Measured("abc", ("CONV", "REV")),
        6: Measured("def", (), held=2),
    }
    assert again.cursor("sales") == date(2024, 5, 31)


def test_a_file_written_before_the_measurements_loads_without_them(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(
        json.dumps({"version": 1, "sources": {"sales": {"cursor": "2024-05-31"}}})
    )
    state = SyncState.load(path)
    assert state.measured == {}
    assert state.cursor("sales") == date(2024, 5, 31)


def write_state(path, measured):
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "sources": {"sales": {"cursor": "2024-05-31"}},
                "measured": measured,
            }
        )
    )


@pytest.mark.parametrize(
    "entry",
    [
        {"5": "abc"},
        {"5": {"key": "abc"}},
        {"5": {"key": 1, "kpis": []}},
        {"5": {"key": "abc", "kpis": "REV"}},
        {"5": {"key": "abc", "kpis": [1]}},
        {"5": {"key": "abc", "kpis": [], "held": "2"}},
        {"five": {"key": "abc", "kpis": []}},
    ],
)
def test_a_malformed_measurement_is_dropped_and_the_rest_kept(tmp_path, entry):
    path = tmp_path / "state.json"
    write_state(path, {"6": {"key": "def", "kpis": ["REV"]}} | entry)
    state = SyncState.load(path)
    assert state.measured == {6: Measured("def", ("REV",))}
    assert state.cursor("sales") == date(2024, 5, 31)


@pytest.mark.parametrize("measured", [[], "x", None])
def test_measurements_that_are_no_mapping_are_dropped(tmp_path, measured):
    path = tmp_path / "state.json"
    write_state(path, measured)
    state = SyncState.load(path)
    assert state.measured == {}
    assert state.cursor("sales") == date(2024, 5, 31)
