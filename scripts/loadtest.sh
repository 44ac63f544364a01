#!/usr/bin/env bash
# make loadtest: gunicorn (LOAD_WORKERS workers, DEBUG off) over PostgreSQL with the curated dataset, driven
# by wrk on loopback for LOAD_SECONDS (60) at LOAD_CLIENTS (32) connections over the timeline, a meeting,
# the matrix, a filtered position list and the positions CSV. Fails on any non-2xx answer or socket error.
# Then the same load on one static file (the stylesheet, served by WhiteNoise through the same workers), the
# baseline of issue 17: the page mix's requests/s as a share of it is reported (goal: at least 0.5).
set -euo pipefail
source "$(dirname "$0")/load_common.sh"
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_CLIENTS=${LOAD_CLIENTS:-32}

cleanup() { stop_gunicorn; }
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_wrk
log "Preparing PostgreSQL database $LOAD_DB with the curated dataset"
prepare_database
start_gunicorn
load_paths
log "Load: $LOAD_CLIENTS clients for ${LOAD_SECONDS}s against $BASE_URL, $LOAD_WORKERS gunicorn workers, $(nproc) CPUs"
log "Paths: $LOAD_PATHS"
load() {
  timeout $((LOAD_SECONDS + 60)) wrk --threads 4 --connections "$LOAD_CLIENTS" --duration "${LOAD_SECONDS}s" \
    --timeout 10s --latency --script "$ROOT/scripts/load.lua" "$BASE_URL"
}
output=$(load)
echo "$output" | grep -E '^(RESULT|STATUSES)'
result=$(echo "$output" | grep '^RESULT')
value() { echo "$result" | sed -E "s/.* $1=([0-9.]+).*/\1/"; }
printf '\nrequests/s %s   p50 %s ms   p99 %s ms   errors %s (non-2xx) + %s (socket)\n' \
  "$(value rps)" "$(value p50_ms)" "$(value p99_ms)" "$(value non2xx)" "$(value socket_errors)"
if [ "$(value non2xx)" != 0 ] || [ "$(value socket_errors)" != 0 ] || [ "$(value requests)" = 0 ]; then
  log "FAILED: the load test requires zero errors"; tail -20 "$GUNICORN_LOG"; exit 1
fi
log "OK: no errors"
mix_rps=$(value rps)

stylesheet=$(curl -fs "$BASE_URL/" | grep -oE '/static/css/site\.[0-9a-f]+\.css' | head -1)
log "Baseline: the same load on one static file, $stylesheet"
result=$(LOAD_PATHS="$stylesheet" load | grep '^RESULT')
if [ "$(value non2xx)" != 0 ] || [ "$(value socket_errors)" != 0 ]; then
  log "FAILED: the static file answered with errors"; exit 1
fi
printf 'static file: requests/s %s   p50 %s ms   p99 %s ms\n' "$(value rps)" "$(value p50_ms)" "$(value p99_ms)"
"$PY" -c "import sys; m, s = map(float, sys.argv[1:]); print(f'page mix / static file: {m / s:.2f} (goal of issue 17: at least 0.5)')" \
  "$mix_rps" "$(value rps)"
# For the benchmark (bench/phases/load.py), one line to read.
echo "LOADTEST mix_rps=$mix_rps static_rps=$(value rps) clients=$LOAD_CLIENTS seconds=$LOAD_SECONDS workers=$LOAD_WORKERS"
