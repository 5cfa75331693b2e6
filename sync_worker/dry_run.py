"""A dry run: everything is read, matched, aggregated and measured as in a
real run (trainings whose inputs did not change since they were last measured
are left out, as a real run would), and nothing is written: no KPI value,
contribution, sync run, lock, cursor or measurement. What would have been sent
is kept to be shown."""

from __future__ import annotations

from sync_worker.odoo import (
    CONTRIBUTION_MODEL,
    KPI_VALUE_MODEL,
    ErpClient,
    UpsertSummary,
    plain,
)
from sync_worker.runner import CONTRIBUTIONS
from sync_worker.state import SyncState

SAMPLE_ROWS = 5


class DryRunErp:
    """The ErpClient's reads, with its writes replaced by a record of the
    rows that would have been sent."""

    def __init__(self, erp: ErpClient):
        self.erp = erp
        self.would_send: dict[str, list[dict]] = {
            KPI_VALUE_MODEL: [],
            CONTRIBUTION_MODEL: [],
        }

    def __getattr__(self, name):
        # read_kpis, match_employees, read_completed, comparison_groups,
        # read_kpi_values, login, transport: as in a real run.
        return getattr(self.erp, name)

    def acquire_lock(self, holder, lease_seconds):
        return {"ok": True, "token": "dry-run"}

    def renew_lock(self, token, lease_seconds):
        return True

    def release_lock(self, token):
        return None

    def start_run(self, source):
        return 0

    def finish_run(self, run_id, error=None, rejections=None, left_alone=0):
        return None

    def upsert_kpi_values(self, rows, run_id, summary=None):
        return self._keep(KPI_VALUE_MODEL, rows, summary)

    def upsert_contributions(self, rows, run_id, summary=None):
        return self._keep(CONTRIBUTION_MODEL, rows, summary)

    def _keep(self, model, rows, summary):
        summary = UpsertSummary() if summary is None else summary
        self.would_send[model].extend(rows)
        summary.read += len(rows)
        return summary


class DryRunState(SyncState):
    """The cursors and measurements as they are: read, changed in memory,
    never saved."""

    def save(self) -> None:
        return None


def print_would_send(erp: DryRunErp, out) -> None:
    """What a real run would have sent: per model and per source, the number
    of rows and the first few, as they would go over the wire."""
    print("dry run: nothing was written to Odoo (nor the cursors)", file=out)
    for model, rows in erp.would_send.items():
        print(f"  would send {len(rows)} rows to {model}", file=out)
        by_source: dict[str, list[dict]] = {}
        for row in rows:
            by_source.setdefault(row.get("source", CONTRIBUTIONS), []).append(row)
        for source, sent in by_source.items():
            print(f"    {source}: {len(sent)} rows", file=out)
            for row in sent[:SAMPLE_ROWS]:
                print(f"      {plain(row)}", file=out)
