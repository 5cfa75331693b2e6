"""What the in-process benchmarks (bench_award.py, bench_rating.py,
bench_analytics.py) share: finding the Odoo 18 the user has, a database
created for the run (dropped after it unless kept) and a job run in
``odoo-bin shell``, whose figures come back as one JSON line after a marker.

Each benchmark script defines ``shell_main(env, job_path)``: the shell loads
the script and calls it with a superuser environment; the shell rolls back
at its end.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from odoo_rpc import SetupError, progress

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 1800
RUN_TIMEOUT = 3600
# How statements are told apart when counted: whitespace folded, IN lists
# shortened, the first characters only.
PLACEHOLDERS = re.compile(r"%s(?:, %s)+")
STATEMENT_CHARS = 160
GROWING_SHOWN = 12

BOOTSTRAP = """
import importlib.util, os
spec = importlib.util.spec_from_file_location(
    "trainlink_bench", os.environ["TRAINLINK_BENCH_SCRIPT"]
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
bench.shell_main(env, os.environ["TRAINLINK_BENCH_JOB"])
"""


def find_odoo_bin():
    explicit = os.environ.get("ODOO_BIN")
    if explicit:
        found = shutil.which(explicit)
        if not found:
            raise SetupError(f"ODOO_BIN={explicit} is not an executable")
        return found
    found = shutil.which("odoo-bin") or shutil.which("odoo")
    if not found:
        raise SetupError("no Odoo found: set ODOO_BIN or put odoo-bin on PATH")
    return found


def core_addons_path(odoo_bin):
    """$ODOO_ADDONS_PATH, else the addons path Odoo computes or reads from
    its configuration (odoo-bin is often a wrapper: its place says nothing)."""
    if os.environ.get("ODOO_ADDONS_PATH"):
        return os.environ["ODOO_ADDONS_PATH"]
    prefix = "TRAINLINK_ADDONS_PATH="
    done = subprocess.run(
        [odoo_bin, "shell", "--no-http", "--log-level=critical"],
        input=f"print({prefix!r} + odoo.tools.config['addons_path'])",
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith(prefix)]
    # Empty: Odoo appends its own odoo/addons to any addons path anyway.
    return lines[-1].removeprefix(prefix) if lines else ""


def odoo_options(addons_path):
    return [f"--addons-path={addons_path}", "--no-http", "--log-level=warn"]


def create_database(odoo_bin, addons_path, db, folder, addons):
    log = Path(folder, "install.log")
    progress(f"creating database {db} with {', '.join(addons)} (log: {log})")
    command = [
        odoo_bin,
        "-d",
        db,
        "-i",
        ",".join(addons),
        "--without-demo=all",
        "--stop-after-init",
        "--max-cron-threads=0",
        *odoo_options(addons_path),
    ]
    began = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        try:
            done = subprocess.run(
                command,
                stdout=handle,
                stderr=subprocess.STDOUT,
                timeout=INSTALL_TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SetupError(
                f"installing the add-ons did not finish: {error}"
            ) from error
    if done.returncode:
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-15:])
        raise SetupError(f"installing the add-ons failed ({done.returncode}):\n{tail}")
    progress(f"installed in {time.perf_counter() - began:.0f} s")


def drop_database(odoo_bin, db):
    """Drop the database and its filestore."""
    done = subprocess.run(
        [odoo_bin, "db", "drop", db],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        progress(f"could not drop {db}: {done.stderr.strip()[-300:]}")
    else:
        progress(f"dropped database {db}")


def run_in_shell(odoo_bin, addons_path, db, folder, script, job, marker, doing):
    """Run `script`'s shell_main() with `job` (a dict, as JSON) in odoo-bin
    shell; the figures it prints after `marker`."""
    job_path = Path(folder, "job.json")
    job_path.write_text(json.dumps(job), encoding="utf-8")
    environment = {
        **os.environ,
        "TRAINLINK_BENCH_SCRIPT": str(Path(script).resolve()),
        "TRAINLINK_BENCH_JOB": str(job_path),
    }
    progress(f"odoo-bin shell -d {db}: {doing}")
    try:
        # Odoo's log and the progress lines go to the terminal (stderr).
        done = subprocess.run(
            [odoo_bin, "shell", "-d", db, *odoo_options(addons_path)],
            input=BOOTSTRAP,
            stdout=subprocess.PIPE,
            text=True,
            timeout=RUN_TIMEOUT,
            env=environment,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SetupError(f"odoo-bin shell did not finish: {error}") from error
    for line in done.stdout.splitlines():
        if line.startswith(marker):
            return json.loads(line.removeprefix(marker))
    tail = " | ".join(done.stdout.strip().splitlines()[-5:])
    raise SetupError(
        f"odoo-bin shell exited {done.returncode} without figures (see its log "
        f"above){': ' + tail if tail else ''}"
    )


def run_job(args, db_prefix, addons, script, job, marker, doing):
    """(database label, figures): the job run in `args.db`, or in a database
    created with `addons` for this run and dropped after it (kept with
    `args.keep_db`)."""
    odoo_bin = find_odoo_bin()
    core = core_addons_path(odoo_bin)
    addons_path = ",".join(filter(None, [str(REPO_ROOT / "addons"), core]))
    created = None
    with tempfile.TemporaryDirectory(prefix=f"{db_prefix}-") as folder:
        try:
            db = args.db
            if not db:
                stamp = time.strftime("%Y%m%d_%H%M%S")
                db = created = f"{db_prefix}_{stamp}_{os.getpid()}"
                create_database(odoo_bin, addons_path, db, folder, addons)
            figures = run_in_shell(
                odoo_bin, addons_path, db, folder, script, job, marker, doing
            )
        finally:
            if created and args.keep_db:
                progress(f"kept database {created}")
            elif created:
                drop_database(odoo_bin, created)
    if created:
        db += f" (created for this run, {'kept' if args.keep_db else 'dropped'})"
    return db, figures


# ------------------------------------------ inside odoo-bin shell: figures --


def check_installed(env, addons):
    """Raise when one of the add-ons is not installed in the database."""
    modules = env["ir.module.module"].search([("name", "in", list(addons))])
    states = {module.name: module.state for module in modules}
    missing = [name for name in addons if states.get(name) != "installed"]
    if missing:
        raise RuntimeError(
            f"not installed in {env.cr.dbname}: {', '.join(missing)} ({states})"
        )


@contextmanager
def statement_shapes():
    """Count the SQL statements the block runs, by shape: yields a Counter
    filled when the block ends."""
    statements = Counter()

    def count_statement(cr, query, params, start, delay):
        statements[query if isinstance(query, str | bytes) else repr(query)] += 1

    thread = threading.current_thread()
    hooks = getattr(thread, "query_hooks", None)
    thread.query_hooks = (*(hooks or ()), count_statement)
    shapes = Counter()
    try:
        yield shapes
    finally:
        if hooks is None:
            del thread.query_hooks
        else:
            thread.query_hooks = hooks
        for query, count in statements.items():
            text = query.decode() if isinstance(query, bytes) else query
            text = PLACEHOLDERS.sub("%s, ...", " ".join(text.split()))
            shapes[text[:STATEMENT_CHARS]] += count


# --------------------------------------------------- outside Odoo: report --


def growing_statements(before, after):
    """(count, count before, statement) of the statements run more often in
    `after` than in `before` ({statement: count}), most first."""
    grown = [
        (count, before.get(text, 0), text)
        for text, count in after.items()
        if count > before.get(text, 0) * 1.1 + 1
    ]
    return sorted(grown, reverse=True)


def print_growing(grown, small, large, unit, note=""):
    """The statements that grew from the `small` population to the `large`
    one (sizes, counted in `unit`, a plural), with their count per unit of
    the large one; `note` follows the unit in the heading."""
    print()
    print(
        f"statements run more often for {large:,} than for {small:,} {unit}"
        f"{note}: count for {small:,}, for {large:,}, per {unit[:-1]} of {large:,}"
    )
    for count, before, text in grown[:GROWING_SHOWN]:
        print(f"  {before:>6,} -> {count:>6,} {count / large:>5.2f}  {text}")
    if len(grown) > GROWING_SHOWN:
        print(f"  ... and {len(grown) - GROWING_SHOWN} more")


def add_sizes_argument(parser, default, unit):
    parser.add_argument(
        "--sizes",
        default=default,
        help=f"{unit} of each population, comma-separated (default: %(default)s)",
    )


def parse_sizes(parser, text):
    """The populations' sizes of --sizes, smallest first: at least two."""
    try:
        sizes = sorted({int(size) for size in text.split(",")})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if len(sizes) < 2 or sizes[0] < 1:
        parser.error("--sizes needs at least two different positive sizes")
    return sizes


def main(parse_args, run, argv=None):
    """A benchmark's command line: its exit status (2 when it cannot be set
    up or run)."""
    args = parse_args(argv)
    try:
        return run(args)
    except SetupError as error:
        print(f"SETUP ERROR: {error}", file=sys.stderr)
        return 2
