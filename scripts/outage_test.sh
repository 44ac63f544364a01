#!/usr/bin/env bash
# make outage-test: under load (wrk, 16 clients) and a probe, stop PostgreSQL for OUTAGE_SECONDS (4) and
# start it again. Passes when, while it is down, pages answer the friendly 503 quickly (no hang, no
# traceback); once it is back the same gunicorn serves 200s again (no restart); no stored row is lost.
# PostgreSQL is started again on exit, whatever happens. Loopback only; bounded to about a minute.
set -euo pipefail
source "$(dirname "$0")/load_common.sh"
OUTAGE_SECONDS=${OUTAGE_SECONDS:-4}
LOAD_SECONDS=${OUTAGE_LOAD_SECONDS:-30}
LEAD_SECONDS=8
SCRATCH=$(mktemp -d /tmp/kptracker-outage.XXXXXX)
WRK_PID="" PROBE_PID=""

cleanup() {
  status=$?
  # PostgreSQL first: other users of the server need it back whatever went wrong here.
  pg_start || status=1
  for pid in $WRK_PID $PROBE_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  stop_gunicorn
  rm -rf "$SCRATCH"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

row_counts() {
  psql "$DATABASE_URL" -Atc "SELECT string_agg(t || '=' || n, ' ' ORDER BY t) FROM (
    SELECT 'meetings' t, count(*) n FROM meetings_meeting UNION ALL SELECT 'participants', count(*) FROM meetings_participant
    UNION ALL SELECT 'sources', count(*) FROM meetings_source UNION ALL SELECT 'agenda_items', count(*) FROM positions_agendaitem
    UNION ALL SELECT 'positions', count(*) FROM positions_position UNION ALL SELECT 'issues', count(*) FROM positions_issue) c"
}
workers() { ps -o pid= --ppid "$GUNICORN_PID" | sort | tr -d ' ' | paste -sd, -; }

ensure_wrk
log "Preparing PostgreSQL database $LOAD_DB with the curated dataset"
prepare_database
start_gunicorn
load_paths
before=$(row_counts)
workers_before=$(workers)

log "Load and probe for ${LOAD_SECONDS}s; PostgreSQL stops after ${LEAD_SECONDS}s for ${OUTAGE_SECONDS}s"
timeout $((LOAD_SECONDS + 30)) wrk --threads 2 --connections 16 --duration "${LOAD_SECONDS}s" --timeout 10s \
  --script "$ROOT/scripts/load.lua" "$BASE_URL" > "$SCRATCH/load.txt" &
WRK_PID=$!
timeout $((LOAD_SECONDS + 30)) "$PY" "$ROOT/scripts/outage_probe.py" probe "$BASE_URL" "$LOAD_SECONDS" \
  "$SCRATCH/probe.jsonl" "$LOAD_PATHS" &
PROBE_PID=$!

sleep "$LEAD_SECONDS"
log "Stopping PostgreSQL"
pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main stop
echo "stopped $(date +%s.%N)" > "$SCRATCH/events"
sleep "$OUTAGE_SECONDS"
log "Starting PostgreSQL"
echo "start $(date +%s.%N)" >> "$SCRATCH/events"
pg_start
echo "ready $(date +%s.%N)" >> "$SCRATCH/events"

wait "$WRK_PID" || true; WRK_PID=""
wait "$PROBE_PID" || true; PROBE_PID=""
after=$(row_counts)
workers_after=$(workers)
kill -0 "$GUNICORN_PID" || { log "FAILED: gunicorn's master is gone"; exit 1; }
"$PY" "$ROOT/scripts/outage_probe.py" report "$SCRATCH/probe.jsonl" "$SCRATCH/events" "$SCRATCH/load.txt" \
  "$before" "$after" "$workers_before" "$workers_after"
log "OK: friendly 503s while PostgreSQL was down, served again after, nothing lost"
