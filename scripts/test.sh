#!/usr/bin/env bash
# The one test command of this repository: lint, repository tests (pytest) and,
# when an Odoo 18 is available, the Odoo tests of every add-on under addons/
# plus a clean install/upgrade check of them all.
#
#   scripts/test.sh
#
# Environment (all optional):
#   ODOO_BIN                Odoo 18 launcher (odoo-bin or a wrapper around it).
#                           Default: odoo-bin, then odoo, on PATH.
#   ODOO_ADDONS_PATH        Comma-separated addons paths of Odoo itself (core
#                           addons: base, web, mail, hr, ...). Default: asked
#                           from Odoo (its configured/default addons_path).
#   TRAINLINK_REQUIRE_ODOO  Set to 1 to fail, instead of skip, when no Odoo 18
#                           is found.
#   TRAINLINK_TEST_MYSQL_DSN  MariaDB/MySQL server of the worker's SQL source
#                           tests, e.g. mysql://user:password@host:3306/ (its
#                           user creates and drops trainlink_wtest_* databases).
#                           Default: the local MariaDB, started (installed if
#                           missing) here, with root or a test account.
#   TRAINLINK_TEST_PG_DSN   PostgreSQL server of the same tests. Default:
#                           postgresql:///postgres, the local server as the
#                           current role (PGHOST/PGPORT/PGUSER apply).
#   TRAINLINK_REQUIRE_SQL   Set to 1 to fail, instead of skip, when either SQL
#                           server cannot be made available.
#   ODOO_RUN_TIMEOUT        Seconds allowed for one Odoo run (default 1800).
#   PGHOST/PGPORT/PGUSER    Honoured by psql and by Odoo (libpq defaults).
#
# Every suite runs even when an earlier one failed, so one run shows every
# problem; the exit status is non-zero when anything failed. The second-to-last
# line is "N passed, M failed": N tests passed (pytest + Odoo), M = failed and
# erroring tests plus one for each failed check that is not a test (a lint
# tool, an Odoo install or upgrade).

set -uo pipefail # no -e: failures are collected and summarised at the end

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$REPO_ROOT/.venv"
ADDONS_DIR="$REPO_ROOT/addons"
# Every add-on of the module set (a folder of addons/ with a manifest). The
# bridges to other Odoo apps (eLearning, Survey, Skills: an add-on depending
# on a module outside the set other than base, web, mail and hr) are tested in
# a database of their own with those apps, so that the other add-ons' tests
# run without them, as most companies install them.
ALL_ADDONS=()
ADDONS=()
BRIDGES=()
for manifest in "$ADDONS_DIR"/*/__manifest__.py; do
    [[ -f $manifest ]] || continue
    ALL_ADDONS+=("$(basename "$(dirname "$manifest")")")
done
for addon in "${ALL_ADDONS[@]}"; do
    if python3 - "$ADDONS_DIR" "$addon" <<'PY'
import ast, sys
from pathlib import Path
root, name = Path(sys.argv[1]), sys.argv[2]
depends = ast.literal_eval((root / name / "__manifest__.py").read_text())["depends"]
own = {p.parent.name for p in root.glob("*/__manifest__.py")}
sys.exit(0 if set(depends) - own - {"base", "web", "mail", "hr"} else 1)
PY
    then
        BRIDGES+=("$addon")
    else
        ADDONS+=("$addon")
    fi
done
csv() { local IFS=,; printf '%s' "$*"; }
tags() { local out="" addon; for addon in "$@"; do out+="${out:+,}/$addon"; done; printf '%s' "$out"; }
ADDONS_CSV="$(csv "${ADDONS[@]}")"
TEST_TAGS="$(tags "${ADDONS[@]}")"
# The add-ons a run must leave installed (module_state checks them).
EXPECTED_ADDONS=("${ADDONS[@]}")
ODOO_RUN_TIMEOUT="${ODOO_RUN_TIMEOUT:-1800}"

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY_LINES=()
SUITES_RAN=()
SUITES_SKIPPED=()
CREATED_DBS=()
APT_UPDATED=0
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trainlink-test.XXXXXX")"

cd "$REPO_ROOT" || exit 2

# ---------------------------------------------------------------- helpers --

say() { printf '%s\n' "$*"; }
section() { printf '\n==== %s ====\n' "$*"; }

# record_suite NAME STATUS PASSED FAILED DETAIL
#   STATUS is "passed" or "FAILED". A failed suite always adds at least one to
#   the failure count, so "0 failed" can never be printed by a failing run.
record_suite() {
    local name=$1 status=$2 passed=$3 failed=$4 detail=$5
    if [[ $status != passed && $failed -eq 0 ]]; then
        failed=1
    fi
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    SUITES_RAN+=("$name")
    SUMMARY_LINES+=("$(printf '%-30s %-7s %s' "$name:" "$status" "$detail")")
}

record_skip() {
    local name=$1 reason=$2
    SUITES_SKIPPED+=("$name")
    SUMMARY_LINES+=("$(printf '%-30s %-7s %s' "$name:" "SKIPPED" "$reason")")
}

# Run a command as root: directly when we are root (CI, containers), through
# non-interactive sudo otherwise.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        say "error: '$*' needs root and sudo is not available" >&2
        return 1
    fi
}

# Install Debian packages, refreshing the package lists only once per run
# (a fresh machine has none, and one update is enough for every install).
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        say "error: apt-get not found; install manually: $*" >&2
        return 1
    fi
    if [[ $APT_UPDATED -eq 0 ]]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
            >>"$WORK_DIR/apt.log" 2>&1 || { tail -n 20 "$WORK_DIR/apt.log"; return 1; }
        APT_UPDATED=1
    fi
    say "apt-get install $* (log: $WORK_DIR/apt.log)"
    if ! as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@" >>"$WORK_DIR/apt.log" 2>&1; then
        tail -n 20 "$WORK_DIR/apt.log"
        return 1
    fi
}

cleanup() {
    local db
    for db in "${CREATED_DBS[@]}"; do
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK_DIR/odoo-data"
    # Keep the logs of a failed run for inspection; otherwise leave no trace.
    if [[ $TOTAL_FAILED -eq 0 ]]; then
        rm -rf "$WORK_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ environment --

# Create .venv if needed and install requirements-dev.txt. The install is
# skipped when the requirements file has not changed since the last one.
setup_venv() {
    section "Python environment (.venv)"
    if [[ -d $VENV_DIR ]] && ! "$VENV_DIR/bin/python" -c 'import sys' >/dev/null 2>&1; then
        say "existing .venv is broken (moved or built elsewhere): recreating it"
        rm -rf "$VENV_DIR"
    fi
    if [[ ! -d $VENV_DIR ]]; then
        if ! python3 -m venv "$VENV_DIR" >/dev/null 2>&1; then
            # Debian ships venv/ensurepip separately from python3.
            rm -rf "$VENV_DIR"
            say "python3 -m venv failed: installing python3-venv"
            apt_install python3-venv || return 1
            python3 -m venv "$VENV_DIR" || return 1
        fi
        say "created .venv with $("$VENV_DIR/bin/python" --version 2>&1)"
    fi
    local stamp="$VENV_DIR/.requirements-dev.sha256"
    local wanted
    wanted="$(sha256sum requirements-dev.txt | cut -d' ' -f1)"
    if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
        say "requirements-dev.txt unchanged since last install"
        return 0
    fi
    # -qq: errors only, so that the run log shows what matters.
    "$VENV_DIR/bin/python" -m pip install -qq --disable-pip-version-check \
        --upgrade pip || return 1
    "$VENV_DIR/bin/python" -m pip install -qq --disable-pip-version-check \
        -r requirements-dev.txt || return 1
    printf '%s\n' "$wanted" >"$stamp"
    say "installed requirements-dev.txt"
}

# ------------------------------------------------------------------- lint --

run_ruff() {
    section "Lint: ruff check"
    if "$VENV_DIR/bin/ruff" check --output-format=concise .; then
        record_suite "lint (ruff)" passed 0 0 "no findings"
    else
        record_suite "lint (ruff)" FAILED 0 1 "findings above"
    fi
}

run_pylint_odoo() {
    section "Lint: pylint-odoo (OCA mandatory checks)"
    local addons=()
    local manifest
    for manifest in "$ADDONS_DIR"/*/__manifest__.py; do
        [[ -f $manifest ]] && addons+=("$(dirname "$manifest")")
    done
    if [[ ${#addons[@]} -eq 0 ]]; then
        record_skip "lint (pylint-odoo)" "no add-on under addons/"
        return
    fi
    # Paths relative to the repository keep the messages short and portable.
    if "$VENV_DIR/bin/pylint" --rcfile=.pylintrc-mandatory "${addons[@]#"$REPO_ROOT"/}"; then
        record_suite "lint (pylint-odoo)" passed 0 0 "no findings"
    else
        record_suite "lint (pylint-odoo)" FAILED 0 1 "findings above"
    fi
}

# ----------------------------------------------------------------- pytest --

run_pytest() {
    section "pytest (tests/)"
    local junit="$WORK_DIR/pytest-junit.xml" rc
    "$VENV_DIR/bin/python" -m pytest --junitxml="$junit"
    rc=$?
    if [[ $rc -eq 5 ]]; then
        # pytest's "no tests collected" is not a failure here: tests/ may be
        # empty while the worker is not written yet.
        say "pytest: no tests collected (exit 5), treated as OK"
        record_suite "pytest" passed 0 0 "no tests collected"
        return
    fi
    local counts tests failures errors skipped
    counts="$("$VENV_DIR/bin/python" - "$junit" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0 0")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
keys = ("tests", "failures", "errors", "skipped")
print(*(sum(int(s.get(k, 0)) for s in suites) for k in keys))
PY
)"
    read -r tests failures errors skipped <<<"$counts"
    local passed=$((tests - failures - errors - skipped))
    local failed=$((failures + errors))
    local detail="$passed passed, $failed failed, $skipped skipped"
    if [[ $rc -eq 0 ]]; then
        record_suite "pytest" passed "$passed" "$failed" "$detail"
    else
        record_suite "pytest" FAILED "$passed" "$failed" "$detail (exit $rc)"
    fi
}

# ------------------------------------------------------------------- Odoo --

# Print the Odoo 18 launcher to use, or nothing. An explicit ODOO_BIN that is
# not runnable is an error (exit 2), not a silent skip.
find_odoo_bin() {
    if [[ -n ${ODOO_BIN:-} ]]; then
        if command -v "$ODOO_BIN" >/dev/null 2>&1; then
            command -v "$ODOO_BIN"
            return 0
        fi
        say "error: ODOO_BIN=$ODOO_BIN is not an executable" >&2
        return 2
    fi
    command -v odoo-bin 2>/dev/null || command -v odoo 2>/dev/null || true
}

# The addons paths Odoo itself uses for its core addons. odoo-bin is often a
# wrapper script, so its location says nothing; Odoo's own shell prints the
# addons_path it computes by default (odoo/addons and, in a source checkout,
# ../addons) or reads from the user's Odoo config file.
odoo_core_addons_path() {
    if [[ -n ${ODOO_ADDONS_PATH:-} ]]; then
        printf '%s\n' "$ODOO_ADDONS_PATH"
        return
    fi
    printf '%s\n' "print('TRAINLINK_ADDONS_PATH=' + odoo.tools.config['addons_path'])" |
        "$1" shell --no-http --log-level=critical 2>/dev/null |
        sed -n 's/^TRAINLINK_ADDONS_PATH=//p' | tail -n 1
}

# PostgreSQL must answer; start the local cluster or install PostgreSQL when
# it does not (a fresh Debian machine has neither server nor client).
ensure_postgres() {
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q; then
        return 0
    fi
    if [[ -n ${PGHOST:-} && ${PGHOST} != localhost && ${PGHOST} != 127.0.0.1 && ${PGHOST} != /* ]]; then
        say "error: PostgreSQL at PGHOST=$PGHOST does not answer" >&2
        return 1
    fi
    if ! ls -d /etc/postgresql/*/main >/dev/null 2>&1; then
        say "PostgreSQL server not installed: installing it"
        apt_install postgresql || return 1
    fi
    local version
    # The newest installed major version (Debian: /etc/postgresql/<major>/main).
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    if ! pg_isready -q; then
        say "starting PostgreSQL $version cluster 'main'"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    local waited
    for waited in $(seq 0 30); do
        pg_isready -q && return 0
        [[ $waited -lt 30 ]] && sleep 1
    done
    say "error: PostgreSQL does not answer (pg_isready)" >&2
    return 1
}

# Odoo connects as the current OS user (or PGUSER) and creates databases, so
# that role needs CREATEDB. Odoo refuses to run as the 'postgres' superuser.
ensure_db_role() {
    local role="${PGUSER:-$(id -un)}"
    if [[ $role == postgres ]]; then
        say "error: Odoo refuses the 'postgres' role; run as another user or set PGUSER" >&2
        return 1
    fi
    local can_create
    can_create="$(psql -d postgres -XAtc \
        "select rolcreatedb or rolsuper from pg_roles where rolname = current_user" \
        2>/dev/null)"
    [[ $can_create == t ]] && return 0
    say "creating/granting PostgreSQL role '$role' with CREATEDB"
    local sql="DO \$\$ BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
            ALTER ROLE \"$role\" LOGIN CREATEDB;
        ELSE
            CREATE ROLE \"$role\" LOGIN CREATEDB;
        END IF;
    END \$\$;"
    if [[ $(id -u) -eq 0 ]]; then
        # Local peer authentication: only the postgres OS user is superuser.
        (cd / && su postgres -c "psql -XAq -U postgres -d postgres -v ON_ERROR_STOP=1" <<<"$sql") || return 1
    else
        psql -XAq -U postgres -d postgres -v ON_ERROR_STOP=1 <<<"$sql" || return 1
    fi
}

# HttpCase browser tests need Chrome/Chromium; Odoo looks for these names.
ensure_chromium() {
    local name
    for name in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$name" >/dev/null 2>&1 && return 0
    done
    say "Chromium not found: installing Debian's chromium for HttpCase tests"
    apt_install chromium
}

free_port() {
    "$VENV_DIR/bin/python" -c \
        'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# run_odoo LOGFILE ARGS... : one Odoo run, output to LOGFILE, returns Odoo's
# exit status. The HTTP port is random so that runs in parallel (or an Odoo
# already serving on 8069) do not collide; the filestore goes to the temp dir.
run_odoo() {
    local logfile=$1
    shift
    say "\$ odoo-bin $* (log: $logfile)"
    timeout --kill-after=30 "$ODOO_RUN_TIMEOUT" \
        "$ODOO_BIN_RESOLVED" \
        --addons-path="$ODOO_FULL_ADDONS_PATH" \
        --data-dir="$WORK_DIR/odoo-data" \
        --http-port="$(free_port)" \
        --max-cron-threads=0 \
        --stop-after-init \
        "$@" >"$logfile" 2>&1
}

# Problems in an Odoo log: every ERROR/CRITICAL line, and every WARNING that
# mentions the add-ons (their modules, models and XML ids all contain
# "trainlink") or that is logged once the first of them starts loading: they
# are the last modules of the install, so what follows is their doing (duplicate labels, bad views,
# missing access rules, demo data that failed). A clean install of its
# dependencies logs no warning at all.
# With "blocks", the traceback lines that follow a problem line are printed too.
odoo_log_problems() {
    awk -v blocks="${2:-}" '
        /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9:,]+ [0-9]+ [A-Z]+ / {
            if (index($0, "Loading module trainlink_")) in_addon = 1
            problem = 0
            if ($0 ~ / (ERROR|CRITICAL) /) problem = 1
            else if ($0 ~ / WARNING / && (in_addon || tolower($0) ~ /trainlink/)) problem = 1
            # The test summary is judged on its numbers, not on its level.
            if ($0 ~ /odoo\.tests\.result: .* tests when loading database/) problem = 0
            if (problem) print
            next
        }
        problem && blocks { print }
    ' "$1"
}

# Show what went wrong: one line per problem first, then the same problems
# with their tracebacks, capped so that a broken install does not flood CI.
show_odoo_failure() {
    local logfile=$1
    say "---- problems in $logfile ----"
    odoo_log_problems "$logfile" | cut -c1-400 | head -n 60
    say "---- the same with tracebacks (first 150 lines) ----"
    odoo_log_problems "$logfile" blocks | cut -c1-400 | head -n 150
    say "---- last 10 log lines ----"
    tail -n 10 "$logfile" | cut -c1-400
}

# "installed" when every add-on is, else "name: state" of those that are not.
module_state() {
    local names states
    names="$(printf "'%s'," "${EXPECTED_ADDONS[@]}")"
    states="$(psql -d "$1" -XAtc "select name || ': ' || state from ir_module_module
        where name in (${names%,}) and state != 'installed'
        union all select name || ': absent' from unnest(array[${names%,}]) as name
        where name not in (select name from ir_module_module)" 2>/dev/null)" || return
    printf '%s\n' "${states:-installed}"
}

new_db_name() {
    local name
    name="trainlink_test_$(date +%Y%m%d_%H%M%S)_$$_$1"
    CREATED_DBS+=("$name")
    printf '%s\n' "$name"
}

# Check one finished Odoo run; prints why it failed and returns 1 if it did.
check_odoo_run() {
    local logfile=$1 rc=$2 db=$3 ok=0 problems state
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        say "Odoo run timed out after ${ODOO_RUN_TIMEOUT}s"
        ok=1
    elif [[ $rc -ne 0 ]]; then
        say "Odoo exited with status $rc"
        ok=1
    fi
    problems="$(odoo_log_problems "$logfile")"
    if [[ -n $problems ]]; then
        say "Odoo logged $(wc -l <<<"$problems") error/critical line(s) or add-on warning(s)"
        ok=1
    fi
    state="$(module_state "$db")"
    if [[ $state != installed ]]; then
        say "add-ons not installed in $db: ${state:-database unreadable}"
        ok=1
    fi
    [[ $ok -ne 0 ]] && show_odoo_failure "$logfile"
    return $ok
}

# Pass 1: install with demo data and run the add-ons' tests (at_install and
# post_install), then read the totals Odoo logs at the end.
#   run_odoo_tests NAME INSTALL_CSV TEST_TAGS
run_odoo_tests() {
    local name=$1 install=$2 test_tags=$3
    section "Odoo tests: install $install with demo data, --test-tags $test_tags"
    local db logfile rc
    IFS=, read -r -a EXPECTED_ADDONS <<<"$install"
    db="$(new_db_name demo)"
    logfile="$WORK_DIR/odoo-tests-${name// /-}.log"
    run_odoo "$logfile" -d "$db" -i "$install" --without-demo= \
        --test-enable --test-tags "$test_tags" --log-level=test
    rc=$?

    # "odoo.tests.result: 1 failed, 0 error(s) of 42 tests when loading database 'db'"
    local result tests=0 failures=0 errors=0
    result="$(grep -E 'odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$logfile" | tail -n 1)"
    if [[ $result =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
        failures=${BASH_REMATCH[1]}
        errors=${BASH_REMATCH[2]}
        tests=${BASH_REMATCH[3]}
        say "Odoo: ${result#*odoo.tests.result: }"
    else
        say "Odoo printed no test result line (install failed before the tests?)"
    fi
    local passed=$((tests - failures - errors)) failed=$((failures + errors))
    local status=passed detail="$passed passed, $failed failed" log_ok=1
    if ! check_odoo_run "$logfile" "$rc" "$db"; then
        status=FAILED
        log_ok=0
        detail+=", problems in the log (see above)"
    fi
    if [[ $tests -eq 0 ]]; then
        status=FAILED
        if [[ $(module_state "$db") != installed ]]; then
            detail="install failed, no test ran (see above)"
        elif [[ $log_ok -eq 0 ]]; then
            detail="installed, no test result, problems in the log (see above)"
        else
            say "no Odoo test ran: are the test modules imported in tests/__init__.py?"
            detail="installed, but no test ran"
        fi
    fi
    dropdb --if-exists "$db"
    record_suite "$name" "$status" "$passed" "$failed" "$detail"
}

# Pass 2: the add-ons must also install cleanly without demo data (as in
# production), with their Chinese translation loaded, and upgrade in place
# (-u), all without warnings: all of them together, then each alone (with
# what it depends on).
#   run_odoo_install_upgrade NAME INSTALL_CSV [upgrade]
run_odoo_install_upgrade() {
    local name=$1 install=$2 upgrade=${3:-}
    section "Odoo: install $install without demo data, with zh_CN${upgrade:+, then upgrade (-u)}"
    local db rc status=passed detail log="$WORK_DIR/odoo-install-${name// /-}"
    IFS=, read -r -a EXPECTED_ADDONS <<<"$install"
    db="$(new_db_name nodemo)"
    run_odoo "$log.log" -d "$db" -i "$install" \
        --without-demo=all --load-language=zh_CN --log-level=info
    rc=$?
    if check_odoo_run "$log.log" "$rc" "$db"; then
        detail="install clean"
    else
        status=FAILED
        detail="install had problems"
    fi
    # Upgrade whenever the modules got installed, even with warnings: a broken
    # upgrade is worth knowing about in the same run.
    if [[ -n $upgrade && $(module_state "$db") == installed ]]; then
        run_odoo "$log-upgrade.log" -d "$db" -u "$install" --log-level=info
        rc=$?
        if check_odoo_run "$log-upgrade.log" "$rc" "$db"; then
            detail+=", upgrade clean"
        else
            status=FAILED
            detail+=", upgrade (-u) had problems"
        fi
    elif [[ -n $upgrade ]]; then
        detail+=", upgrade not tried"
    fi
    dropdb --if-exists "$db"
    record_suite "$name" "$status" 0 0 "$detail"
}

run_odoo_suites() {
    section "Odoo 18 detection"
    local skip_reason="" rc
    ODOO_BIN_RESOLVED="$(find_odoo_bin)"
    rc=$?
    if [[ $rc -ne 0 ]]; then
        record_suite "odoo" FAILED 0 1 "ODOO_BIN is set but not executable"
        return
    fi
    if [[ -z $ODOO_BIN_RESOLVED ]]; then
        skip_reason="no Odoo 18 found: set ODOO_BIN or put odoo-bin on PATH"
    else
        local version
        version="$("$ODOO_BIN_RESOLVED" --version 2>/dev/null | head -n 1)"
        say "found $ODOO_BIN_RESOLVED: ${version:-no version printed}"
        if [[ ! $version =~ ^Odoo\ Server\ 18\.0 ]]; then
            if [[ -n ${ODOO_BIN:-} ]]; then
                record_suite "odoo" FAILED 0 1 "ODOO_BIN is not Odoo 18.0 ($version)"
                return
            fi
            skip_reason="$ODOO_BIN_RESOLVED is not Odoo 18.0 (${version:-unknown}): set ODOO_BIN"
        fi
    fi
    if [[ -n $skip_reason ]]; then
        if [[ ${TRAINLINK_REQUIRE_ODOO:-0} == 1 ]]; then
            say "FAILED: add-on Odoo tests required (TRAINLINK_REQUIRE_ODOO=1) but $skip_reason"
            record_suite "odoo" FAILED 0 1 "TRAINLINK_REQUIRE_ODOO=1 but $skip_reason"
        else
            say "SKIPPED: add-on Odoo tests ($skip_reason)"
            record_skip "odoo tests, install/upgrade" "$skip_reason"
        fi
        return
    fi

    section "Odoo prerequisites: PostgreSQL, database role, Chromium"
    if ! ensure_postgres || ! ensure_db_role; then
        record_suite "odoo" FAILED 0 1 "PostgreSQL not usable (see above)"
        return
    fi
    say "PostgreSQL ready; role '${PGUSER:-$(id -un)}' can create databases"
    if ! ensure_chromium; then
        record_suite "odoo" FAILED 0 1 "Chromium missing for HttpCase tests"
        return
    fi

    local core_path
    core_path="$(odoo_core_addons_path "$ODOO_BIN_RESOLVED")"
    if [[ -n $core_path ]]; then
        ODOO_FULL_ADDONS_PATH="$ADDONS_DIR,$core_path"
    else
        # Odoo always appends its own odoo/addons to the addons path, which
        # holds every core addon in a packaged (nightly/pip) install.
        say "could not ask Odoo for its addons path; relying on its built-in odoo/addons"
        ODOO_FULL_ADDONS_PATH="$ADDONS_DIR"
    fi
    say "addons path: $ODOO_FULL_ADDONS_PATH"

    run_odoo_tests "odoo tests (demo)" "$ADDONS_CSV" "$TEST_TAGS"
    if [[ ${#BRIDGES[@]} -gt 0 ]]; then
        run_odoo_tests "odoo bridge tests (demo)" "$(csv "${ALL_ADDONS[@]}")" \
            "$(tags "${BRIDGES[@]}")"
    fi
    run_odoo_install_upgrade "odoo install+upgrade (all)" "$(csv "${ALL_ADDONS[@]}")" upgrade
    local addon
    for addon in "${ALL_ADDONS[@]}"; do
        run_odoo_install_upgrade "odoo install+upgrade ($addon alone)" "$addon" upgrade
    done
}

# ------------------------------------------- SQL servers (worker tests) --

# The worker's SQL source tests (tests/worker/test_sources_sql.py) run against
# a real MariaDB and a real PostgreSQL, and skip, saying why, when one does not
# answer. Make both answer, and tell the tests where they are.

MARIADB_PORT=3306
# The account the tests use when root cannot log in over TCP (Debian's root
# authenticates by unix socket only). Its password changes on every run.
MARIADB_TEST_USER=trainlink_test

# The client's path (a path, not a function, so that sudo can run it).
mariadb_client() {
    command -v mariadb 2>/dev/null || command -v mysql
}

mariadb_server_bin() {
    local name
    for name in /usr/sbin/mariadbd /usr/sbin/mysqld; do
        [[ -x $name ]] && { printf '%s\n' "$name"; return 0; }
    done
    return 1
}

# "Server up" even when it refuses us: mariadb-admin ping is 0 then too.
mariadb_answers() {
    local admin=mariadb-admin
    command -v "$admin" >/dev/null 2>&1 || admin=mysqladmin
    "$admin" --protocol=TCP -h 127.0.0.1 -P "$MARIADB_PORT" --connect-timeout=2 \
        ping >/dev/null 2>&1
}

# root over TCP without a password, as on many development machines?
mariadb_root_over_tcp() {
    "$(mariadb_client)" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MARIADB_PORT" \
        -u root --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1
}

# Start the local MariaDB (installing it if missing) and export
# TRAINLINK_TEST_MYSQL_DSN. A DSN given by the caller is used as it is.
ensure_mariadb() {
    if [[ -n ${TRAINLINK_TEST_MYSQL_DSN:-} ]]; then
        say "MariaDB/MySQL: using TRAINLINK_TEST_MYSQL_DSN as given"
        return 0
    fi
    if ! mariadb_server_bin >/dev/null; then
        say "MariaDB server not installed: installing it"
        apt_install mariadb-server || return 1
    fi
    if ! mariadb_answers; then
        say "starting MariaDB"
        # /run is often a fresh tmpfs: the socket and pid directory may be gone.
        as_root install -d -o mysql -g mysql -m 0755 /run/mysqld || return 1
        as_root start-stop-daemon --start --oknodo --background \
            --exec "$(mariadb_server_bin)" -- --user=mysql || return 1
        local waited
        for waited in $(seq 0 30); do
            mariadb_answers && break
            if [[ $waited -eq 30 ]]; then
                say "error: MariaDB does not answer on 127.0.0.1:$MARIADB_PORT" >&2
                return 1
            fi
            sleep 1
        done
    fi
    if mariadb_root_over_tcp; then
        export TRAINLINK_TEST_MYSQL_DSN="mysql://root@127.0.0.1:$MARIADB_PORT/"
        say "MariaDB ready: root over TCP"
        return 0
    fi
    # The tests create and drop trainlink_wtest_* databases and a user of
    # their own; grant that and nothing more. As root over the socket.
    local password
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    local user="'$MARIADB_TEST_USER'@'127.0.0.1'"
    if ! as_root "$(mariadb_client)" -e "
        CREATE USER IF NOT EXISTS $user IDENTIFIED BY '$password';
        ALTER USER $user IDENTIFIED BY '$password';
        GRANT ALL PRIVILEGES ON \`trainlink\\_wtest\\_%\`.* TO $user WITH GRANT OPTION;
        GRANT CREATE USER ON *.* TO $user;"; then
        say "error: could not create the MariaDB test account $user" >&2
        return 1
    fi
    export TRAINLINK_TEST_MYSQL_DSN="mysql://$MARIADB_TEST_USER:$password@127.0.0.1:$MARIADB_PORT/"
    say "MariaDB ready: test account $MARIADB_TEST_USER (new random password)"
}

prepare_sql_servers() {
    section "SQL servers for the worker's SQL source tests"
    local missing=()
    ensure_mariadb || missing+=("MariaDB")
    if [[ -n ${TRAINLINK_TEST_PG_DSN:-} ]]; then
        say "PostgreSQL: using TRAINLINK_TEST_PG_DSN as given"
    # The tests create databases as the current role, as Odoo does.
    elif ensure_postgres && ensure_db_role; then
        export TRAINLINK_TEST_PG_DSN="postgresql:///postgres"
        say "PostgreSQL ready: role '${PGUSER:-$(id -un)}'"
    else
        missing+=("PostgreSQL")
    fi
    [[ ${#missing[@]} -eq 0 ]] && return 0
    local reason
    reason="$(join_or_none "${missing[@]}") not available (see above)"
    if [[ ${TRAINLINK_REQUIRE_SQL:-0} == 1 ]]; then
        record_suite "sql servers" FAILED 0 1 "TRAINLINK_REQUIRE_SQL=1 but $reason"
    else
        say "SKIPPED: their SQL source tests ($reason)"
        record_skip "sql source tests" "$reason"
    fi
}

# ---------------------------------------------------------------- summary --

print_summary() {
    section "Summary"
    local line
    for line in "${SUMMARY_LINES[@]}"; do
        say "$line"
    done
    if [[ $TOTAL_FAILED -ne 0 ]]; then
        say "logs kept in $WORK_DIR"
    fi
    say ""
    say "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
    say "Suites run: $(join_or_none "${SUITES_RAN[@]}"); skipped: $(join_or_none "${SUITES_SKIPPED[@]}")"
}

# "a, b, c", or "none" for no arguments.
join_or_none() {
    local out="" item
    for item in "$@"; do
        out+="${out:+, }$item"
    done
    printf '%s' "${out:-none}"
}

main() {
    if ! setup_venv; then
        record_suite "setup (.venv)" FAILED 0 1 "could not install requirements-dev.txt"
        print_summary
        exit 1
    fi
    run_ruff
    run_pylint_odoo
    prepare_sql_servers
    run_pytest
    run_odoo_suites
    print_summary
    [[ $TOTAL_FAILED -eq 0 ]]
}

main "$@"
