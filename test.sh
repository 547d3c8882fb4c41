#!/usr/bin/env bash
# Runs the whole Ordo test suite: ./test.sh [extra dotnet test args, e.g. --filter ...]
# Starts a throwaway PostgreSQL cluster when the server is installed (or uses $ORDO_TEST_PG),
# and ends with ONE summary line: "N passed, N failed[, N skipped]" (read by CI; nothing prints after it).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

PGTMP="" PGBIN="" PGPID="" RESULTS=""
cleanup() {   # silent: the summary line must stay the last line
  if [[ -n "$PGPID" ]]; then
    # SIGQUIT = immediate shutdown (the data is thrown away); then reap it ourselves, leaving no zombie behind.
    kill -QUIT "$(head -n 1 "$PGTMP/data/postmaster.pid" 2>/dev/null)" >/dev/null 2>&1 || kill "$PGPID" >/dev/null 2>&1 || true
    wait "$PGPID" >/dev/null 2>&1 || true
  fi
  if [[ -n "$PGTMP" ]]; then rm -rf "$PGTMP" >/dev/null 2>&1 || true; fi
  if [[ -n "$RESULTS" ]]; then rm -rf "$RESULTS" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT   # make Ctrl-C / kill go through the EXIT trap too
trap 'exit 143' TERM

# Early failure: explain, then still end with a summary line CI can read.
fail() { echo "$*" >&2; echo "0 passed, 1 failed"; exit 1; }

# PostgreSQL refuses to run as root, so as root the cluster belongs to the "postgres" user.
as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then (cd / && exec runuser -u postgres -- "$@"); else "$@"; fi
}

# Runs the postmaster as our own background child (not daemonized by pg_ctl) so cleanup can reap it.
# Returns 0 once it accepts connections, 1 if it exits (e.g. port taken); fails if not ready within 60 s.
start_server() {
  local port="$1" i
  as_pg "$PGBIN/postgres" -D "$PGTMP/data" -k "$PGTMP" -p "$port" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 >>"$PGTMP/server.log" 2>&1 &
  PGPID=$!
  for i in $(seq 600); do
    if ! kill -0 "$PGPID" 2>/dev/null; then wait "$PGPID" || true; PGPID=""; return 1; fi
    # line 8 of postmaster.pid becomes "ready" when the server accepts connections (what pg_ctl -w checks)
    if sed -n 8p "$PGTMP/data/postmaster.pid" 2>/dev/null | grep -q ready; then return 0; fi
    sleep 0.1
  done
  tail -n 20 "$PGTMP/server.log" >&2 || true
  fail "PostgreSQL did not become ready within 60 s"
}

start_postgres() {
  local d port
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do   # newest version first
    if [[ -x "$d/initdb" && -x "$d/postgres" ]]; then PGBIN="$d"; break; fi
  done
  if [[ -z "$PGBIN" ]]; then
    local msg="PostgreSQL server not found in /usr/lib/postgresql/*/bin; install it with: sudo apt-get install postgresql"
    if [[ "${ORDO_TEST_REQUIRE_PG:-}" == 1 ]]; then fail "ERROR: $msg (required because ORDO_TEST_REQUIRE_PG=1)"; fi
    echo "PostgreSQL tests will be skipped: $msg"
    return 0
  fi

  PGTMP="$(mktemp -d /tmp/ordo-pg.XXXXXX)"
  if [[ "$(id -u)" -eq 0 ]]; then chown postgres:postgres "$PGTMP"; fi
  as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
    || { cat "$PGTMP/initdb.log" >&2; fail "initdb failed"; }

  # Try ports from 55432 up: skip ones in use, and move on if the server still cannot bind (race with another process).
  for port in $(seq 55432 55481); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi   # something already listens
    if start_server "$port"; then
      export ORDO_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres"   # tests create their own databases
      echo "Started throwaway PostgreSQL ($PGBIN) on 127.0.0.1:$port"
      return 0
    fi
  done
  tail -n 20 "$PGTMP/server.log" >&2 || true
  fail "could not start PostgreSQL on any port 55432-55481"
}

if [[ -n "${ORDO_TEST_PG:-}" ]]; then
  echo "Using PostgreSQL from ORDO_TEST_PG (no cluster started)"
else
  start_postgres
fi

RESULTS="$(mktemp -d /tmp/ordo-test-results.XXXXXX)"
rc=0
dotnet test Ordo.slnx -c Release --logger trx --results-directory "$RESULTS" "$@" || rc=$?

# Sum the TRX files (one per test project). xunit.v3 reports skipped tests as UnitTestResult outcome="NotExecuted"
# but does not count them in <Counters notExecuted>, so take the larger of the two per file.
attr() { local v; v=$(grep -o "<Counters [^>]*" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9][0-9]*" | head -n 1 || true); echo "${v:-0}"; }
passed=0 failed=0 skipped=0 files=0
while IFS= read -r -d '' trx; do
  files=$((files + 1))
  passed=$((passed + $(attr "$trx" passed)))
  # errors, timeouts and aborted tests count as failures too
  failed=$((failed + $(attr "$trx" failed) + $(attr "$trx" error) + $(attr "$trx" timeout) + $(attr "$trx" aborted)))
  n_counter=$(attr "$trx" notExecuted)
  n_results=$(grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" | wc -l || true)
  skipped=$((skipped + (n_results > n_counter ? n_results : n_counter)))
done < <(find "$RESULTS" -name '*.trx' -print0)

if [[ "$files" -eq 0 ]]; then
  echo "build or test run failed before any result (dotnet test exit code $rc)"
  passed=0; failed=1
elif [[ "$rc" -ne 0 && "$failed" -eq 0 ]]; then
  # e.g. a test host crashed or a project failed: do not let the summary look green
  echo "dotnet test exited with code $rc (build error or crashed test host?) although no test reported a failure"
  failed=1
elif [[ "$passed" -eq 0 ]]; then
  echo "no test passed (is the --filter too narrow?)"
fi

summary="$passed passed, $failed failed"
if [[ "$skipped" -gt 0 ]]; then summary+=", $skipped skipped"; fi
echo "$summary"
if [[ "$rc" -eq 0 && "$failed" -eq 0 && "$passed" -gt 0 ]]; then exit 0; fi
exit 1
