#!/usr/bin/env python3
"""One run of the sync worker as of a given day, for scripts/load_demo.py.

The same run as ``python -m sync_worker run-once --config FILE`` (the worker's
Runner: the ERP's run lock, every configured source, then the contributions
step), with the worker's report on stdout and its exit status, except that
"today" is the day given: the larger demo measures the trainings whose KPI
window ended by the end of its timeline, whatever the day it is loaded again.
Settings come from the config file and the TRAINLINK_* environment variables
(no .env file is read).

    demo_worker.py --config worker.toml --today 2026-11-01
    demo_worker.py --check     # exit 0 when the worker can be imported

Run it with a Python that has the worker's dependencies (pip install .).
"""

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sync_worker.cli import PROG, print_report, setup_logging  # noqa: E402
from sync_worker.config import ConfigError, load_settings  # noqa: E402
from sync_worker.odoo import connect  # noqa: E402
from sync_worker.runner import EXIT_CONFIG, Runner  # noqa: E402
from sync_worker.state import StateError, SyncState  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--log-level", default="INFO", type=str.upper)
    parser.add_argument("--check", action="store_true", help="only import")
    args = parser.parse_args(argv)
    if args.check:
        return 0
    if not args.config or not args.today:
        parser.error("--config and --today are required")
    formatter = setup_logging(args.log_level)
    try:
        settings = load_settings(args.config, env_file=None)
        state = SyncState.load(settings.state_path)
    except (ConfigError, StateError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    formatter.secrets.add(settings.odoo_password.get_secret_value())
    formatter.secrets.discard("")
    runner = Runner(settings, connect(settings), state, today=args.today)
    report = runner.run()
    print_report(report)
    return report.exit_code()


if __name__ == "__main__":
    sys.exit(main())
