#!/usr/bin/env bash
# Proves the README's PostgreSQL backup commands: starts Datakrav on a new database (migrations
# and demo data), counts the rows of the main tables, dumps it with pg_dump, restores the dump
# into another new database with pg_restore, starts Datakrav on that one until /healthz answers,
# and compares the counts. Both databases are dropped at the end, also when a step fails.
#
# Needs the machine's PostgreSQL on 127.0.0.1:5432 with trust authentication (as in .ci/run) and
# a built app (npm run build). Run it on its own: .ci/pg-dump-proof.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=127.0.0.1
PGPORT=5432
PGUSER=postgres
export PGHOST PGPORT PGUSER
SERVER="postgres://${PGUSER}@${PGHOST}:${PGPORT}"
SUFFIX="$$_$(date +%s)"
SOURCE_DB="datakrav_dump_proof_${SUFFIX}"
RESTORED_DB="datakrav_dump_proof_restored_${SUFFIX}"
WORK="$(mktemp -d)"
PORT="${PG_DUMP_PROOF_PORT:-39517}"
APP_PID=""

cleanup() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  dropdb --if-exists "$SOURCE_DB" || true
  dropdb --if-exists "$RESTORED_DB" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

TABLES="organisations users memberships library_sources library_versions tenders tender_items tender_revisions products product_versions answers evidence_files verifications joint_sets audit_log"

counts() {
  local db="$1"
  for table in $TABLES; do
    printf '%s %s\n' "$table" "$(psql --no-psqlrc -At -d "$db" -c "select count(*) from ${table}")"
  done
}

# Starts the app on a database (with DEMO=true it writes the demo data first) and waits until
# /healthz answers, then stops it.
start_app() {
  local url="$1" log="$2" demo="$3"
  DATABASE_URL="$url" PORT="$PORT" HOST=127.0.0.1 DATA_DIR="$WORK/data" LOG_LEVEL=warn NODE_ENV=production DEMO="$demo" \
    ADMIN_EMAIL=admin@dump-proof.example ADMIN_PASSWORD=dump-proof-password-2026 \
    node dist/server/start.js >"$log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:${PORT}/healthz" >/dev/null 2>&1; then
      kill "$APP_PID"
      wait "$APP_PID" 2>/dev/null || true
      APP_PID=""
      return 0
    fi
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      echo "The app stopped before it was ready:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "The app was not ready on /healthz within two minutes:" >&2
  cat "$log" >&2
  return 1
}

[ -f dist/server/start.js ] || npm run --silent build

started=$(date +%s)
createdb "$SOURCE_DB"
start_app "${SERVER}/${SOURCE_DB}" "$WORK/source.log" true
counts "$SOURCE_DB" >"$WORK/source.counts"
if [ "$(awk '$1 == "tenders" { print $2 }' "$WORK/source.counts")" = "0" ]; then
  echo "The demo data was not written: no tenders in ${SOURCE_DB}." >&2
  exit 1
fi

# The README's commands (section "Backup, restore and leaving Datakrav"), with this run's names.
DATABASE_URL="${SERVER}/${SOURCE_DB}"
pg_dump --format=custom --file="$WORK/datakrav.dump" "$DATABASE_URL"
createdb "$RESTORED_DB"
pg_restore --no-owner --dbname="${SERVER}/${RESTORED_DB}" "$WORK/datakrav.dump"

# The restore holds every row of the dump, before anything else touches it.
counts "$RESTORED_DB" >"$WORK/restored.counts"
if ! diff -u "$WORK/source.counts" "$WORK/restored.counts"; then
  echo "The restored database does not hold the same rows as the dumped one." >&2
  exit 1
fi

# The app starts on the restored database, and loses nothing there. Its start may add rows (the
# job runner finishes demo check runs that were still queued when the dump was taken, and audits
# them), so each table holds at least what was restored.
start_app "${SERVER}/${RESTORED_DB}" "$WORK/restored.log" false
counts "$RESTORED_DB" >"$WORK/started.counts"
if ! paste -d ' ' "$WORK/restored.counts" "$WORK/started.counts" | awk '$4 < $2 { print "  " $1 ": " $2 " restored, " $4 " after the start"; lost = 1 } END { exit lost }'; then
  echo "The app lost rows of the restored database when it started on it." >&2
  exit 1
fi
echo "pg_dump / pg_restore proof passed in $(($(date +%s) - started)) s; rows per table:"
column -t "$WORK/source.counts" 2>/dev/null || cat "$WORK/source.counts"
