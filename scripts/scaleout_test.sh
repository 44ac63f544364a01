#!/usr/bin/env bash
# make scaleout-test: readers scale out as more gunicorn servers over one PostgreSQL sharing one Redis.
# Starts Debian's redis-server (a port and a temporary directory of its own, nothing persisted), a fresh
# database $SCALEOUT_DB with the curated dataset, and two gunicorn servers, A and B, over both. Fails unless:
# an edit through A's admin is served at once by B; a page rendered by A is a cache hit on B; the
# error-report limit and the admin login lockout hold across A and B; requests/s over both beat one;
# with Redis stopped under load every answer is still a 200 (uncached), and caching resumes once it is
# back. Prints the figures. Loopback only, about a minute and a half; every process it starts is stopped on exit.
set -euo pipefail
source "$(dirname "$0")/load_common.sh"
LOAD_DB=${SCALEOUT_DB:-kptracker_scaleout}
LOAD_WORKERS=${SCALEOUT_WORKERS:-1}
SECONDS_PER_RUN=${SCALEOUT_SECONDS:-2}
PAIRS=${SCALEOUT_PAIRS:-4}
ROUNDS=${SCALEOUT_ROUNDS:-3}
CLIENTS=${SCALEOUT_CLIENTS:-16}
MIN_GAIN=${SCALEOUT_MIN_GAIN:-1.1}
OUTAGE_LEAD=2 OUTAGE_MIN_DOWN=3 OUTAGE_MAX=45 OUTAGE_CLIENTS=8
# The limit the lockout check counts to (the default, whatever the caller's environment says).
export AXES_FAILURE_LIMIT=5
case "$LOAD_DB" in *scaleout*) ;; *) echo "SCALEOUT_DB must contain 'scaleout': it is dropped" >&2; exit 2 ;; esac

SCRATCH=$(mktemp -d /tmp/kptracker-scaleout.XXXXXX)
PROBE="$ROOT/scripts/scaleout_probe.py"
REDIS_PID="" A_PID="" B_PID="" WRK_PID="" PROBE_PID=""

cleanup() {
  status=$?
  for pid in $WRK_PID $PROBE_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ "$status" != 0 ]; then
    for f in "$SCRATCH"/gunicorn-*.log; do [ -s "$f" ] && { echo "== the end of $(basename "$f")"; tail -25 "$f"; }; done
  fi
  for pid in $A_PID $B_PID ${GUNICORN_PID:-}; do GUNICORN_PID=$pid; stop_gunicorn; done
  stop_redis
  rm -rf "$SCRATCH"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# redis-server on 127.0.0.1:$REDIS_PORT in the foreground of a background job: no snapshot, no append-only
# file, its working directory the scratch directory; a bounded memory with least-recently-used eviction.
start_redis() {
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$SCRATCH" \
    --logfile "$SCRATCH/redis.log" --maxmemory 256mb --maxmemory-policy allkeys-lru &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "redis-server did not start"; cat "$SCRATCH/redis.log"; return 1
}

stop_redis() {
  [ -n "$REDIS_PID" ] || return 0
  kill "$REDIS_PID" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  REDIS_PID=""
}

# wrk over the servers $1 (addresses), all asked with A's Host header, its RESULT, STATUSES and SERVERS lines
# to the file $2; for $3 seconds (SECONDS_PER_RUN) with $4 clients (CLIENTS). exec_load replaces the calling
# shell (run it in a subshell, whose id is then timeout's); load waits for it.
exec_load() {
  local seconds=${3:-$SECONDS_PER_RUN}
  LOAD_SERVERS="$1" exec timeout $((seconds + 30)) wrk --threads 2 --connections "${4:-$CLIENTS}" \
    --duration "${seconds}s" --timeout 10s --latency --script "$ROOT/scripts/load.lua" "$A_URL" > "$2"
}
load() { (exec_load "$@"); }
field() { sed -nE "s/^RESULT.* $1=([0-9.]+).*/\1/p" "$2"; }
clean_load() { [ "$(field non2xx "$1")" = 0 ] && [ "$(field socket_errors "$1")" = 0 ] && [ "$(field requests "$1")" != 0 ]; }
report() { echo "$*" >> "$SCRATCH/report"; }
# A check of scaleout_probe.py: its output shown, its last line (the summary) kept for the report.
probe() { "$PY" "$PROBE" "$@" | tee "$SCRATCH/out"; tail -n 1 "$SCRATCH/out" >> "$SCRATCH/report"; }

ensure_wrk
ensure_command redis-server
REDIS_PORT=$(free_port)
start_redis
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
log "Redis $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/') on 127.0.0.1:$REDIS_PORT (nothing persisted)"

log "Preparing PostgreSQL database $LOAD_DB with the curated dataset"
prepare_database
export SCALEOUT_EDITOR_PASSWORD
SCALEOUT_EDITOR_PASSWORD=$("$PY" -c "import secrets; print(secrets.token_urlsafe(18))")
(cd "$ROOT" && "$PY" manage.py shell -v0 -c "
import os
from django.contrib.auth.models import Group, User
user = User.objects.create_user('scaleout-editor', password=os.environ['SCALEOUT_EDITOR_PASSWORD'], is_staff=True)
user.groups.add(Group.objects.get(name='Editors'))")

# Two servers over the one database and the one Redis, sharing SECRET_KEY (load_common.sh exports one).
# What Django logs (warnings, a 500's traceback) goes to each server's log with gunicorn's own.
PORT=$(free_port) GUNICORN_LOG="$SCRATCH/gunicorn-a.log"
start_gunicorn 2>>"$GUNICORN_LOG"
A_PID=$GUNICORN_PID A_URL=$BASE_URL A_PORT=$PORT GUNICORN_PID=""
PORT=$(free_port) GUNICORN_LOG="$SCRATCH/gunicorn-b.log"
start_gunicorn 2>>"$GUNICORN_LOG"
B_PID=$GUNICORN_PID B_URL=$BASE_URL B_PORT=$PORT GUNICORN_PID=""
BASE_URL=$A_URL
load_paths
log "Server A on $A_URL, server B on $B_URL ($LOAD_WORKERS gunicorn worker(s) each, $(nproc) CPUs), REDIS_URL=$REDIS_URL"

log "Checks: the page cache, an edit, the rate limits"
read -r MEETING_ID MEETING_SLUG < <(psql "$DATABASE_URL" -Atc \
  "SELECT id, slug FROM meetings_meeting ORDER BY start_date DESC LIMIT 1" -F ' ')
probe shared "$A_URL" "$B_URL" "$REDIS_URL" /matrix/
probe edit "$A_URL" "$B_URL" "$MEETING_ID" "$MEETING_SLUG" scaleout-editor
probe limits "$A_URL" "$B_URL" scaleout-editor

# Requests/s over one server and over both, in rounds of $PAIRS pairs of runs (one server then both, or both
# then one, alternately, so that the machine's other work falls on both kinds); a round's gain is the median
# of its pairs' ratios. A busy moment can leave no idle CPU for a second server on this one machine, so a
# round that falls short is followed by another, up to $ROUNDS. The pages are the load test's mix, served
# from the shared cache; its CSV export is left out: uncached, its work is PostgreSQL's, which both servers
# share (what read replicas would scale; see the README).
LOAD_PATHS=$(tr ' ' '\n' <<< "$LOAD_PATHS" | grep -v '^/export/' | paste -sd ' ' -)
log "Throughput: $CLIENTS clients, ${SECONDS_PER_RUN}s over one server and over both, $PAIRS pairs a round"
log "Paths: $LOAD_PATHS"
A_ADDR="127.0.0.1:$A_PORT" B_ADDR="127.0.0.1:$B_PORT"
measure() {  # $1: servers, $2: the run's name
  load "$1" "$SCRATCH/$2.txt"
  clean_load "$SCRATCH/$2.txt" || { log "FAILED: errors under load"; cat "$SCRATCH/$2.txt"; exit 1; }
  grep -hE '^(RESULT|SERVERS)' "$SCRATCH/$2.txt" | sed "s/^/$2: /"
}
# requests/s over all the runs named $1-* (all their requests over all their seconds)
rate() { cat "$SCRATCH"/"$1"-*.txt | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] } }
  END { printf "%.0f", v["requests"] / v["seconds"] }'; }
ratios() {  # each pair's ratio in round $1
  for pair in $(seq 1 "$PAIRS"); do
    awk -v a="$(field rps "$SCRATCH/one-$1-$pair.txt")" -v b="$(field rps "$SCRATCH/both-$1-$pair.txt")" \
      'BEGIN { printf "%.2f\n", b / a }'
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load "$A_ADDR $B_ADDR" "$SCRATCH/warm.txt" 1
clean_load "$SCRATCH/warm.txt" || { log "FAILED: errors under load"; cat "$SCRATCH/warm.txt"; exit 1; }
SHORT=""
for round in $(seq 1 "$ROUNDS"); do
  for pair in $(seq 1 "$PAIRS"); do
    if [ $((pair % 2)) = 1 ]; then
      measure "$A_ADDR" "one-$round-$pair"; measure "$A_ADDR $B_ADDR" "both-$round-$pair"
    else
      measure "$A_ADDR $B_ADDR" "both-$round-$pair"; measure "$A_ADDR" "one-$round-$pair"
    fi
  done
  gain=$(ratios "$round" | median)
  report "throughput (round $round of up to $ROUNDS; $CLIENTS clients over the cached pages, $LOAD_WORKERS gunicorn" \
    "worker(s) per server, $(nproc) CPUs): one server $(rate "one-$round") requests/s, two servers" \
    "$(rate "both-$round") requests/s; pairs $(ratios "$round" | paste -sd ' ' -): median ${gain}x"
  tail -n 1 "$SCRATCH/report"
  # A measurement: the outage is still tried when it falls short, and the run fails at the end.
  if awk -v g="$gain" -v m="$MIN_GAIN" 'BEGIN { exit !(g >= m) }'; then SHORT=""; break; fi
  SHORT="two servers gave ${gain}x the requests/s of one (median of $PAIRS pairs), less than $MIN_GAIN, in $round round(s)"
done

# Load over both servers and a probe of each, with Redis stopped for OUTAGE_MIN_DOWN seconds and until the
# probe has had answers from both (DOWN_ANSWERS in scaleout_probe.py), then started again until both serve
# cache hits: as long as that takes on a busy machine, within bounds. Fewer clients than above: uncached
# pages are slower to come.
log "Redis outage: $OUTAGE_CLIENTS clients over both servers; Redis stops after ${OUTAGE_LEAD}s"
(exec_load "$A_ADDR $B_ADDR" "$SCRATCH/outage-load.txt" "$OUTAGE_MAX" "$OUTAGE_CLIENTS") &
WRK_PID=$!
timeout $((OUTAGE_MAX + 10)) "$PY" "$PROBE" probe "$A_URL" "$B_URL" "$OUTAGE_MAX" "$SCRATCH/probe.jsonl" "$LOAD_PATHS" &
PROBE_PID=$!
# Until the probe's log shows $1 ("down" or "hits", see scaleout_probe.py) since the time $2; at most $3 s.
wait_for() {
  local deadline=$((SECONDS + $3))
  until "$PY" "$PROBE" seen "$SCRATCH/probe.jsonl" "$1" "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || { log "not seen within $3 s: $1"; return 0; }
    sleep 0.5
  done
}
sleep "$OUTAGE_LEAD"
stop_redis
stopped=$(date +%s.%N)
log "Redis stopped"
sleep "$OUTAGE_MIN_DOWN"
wait_for down "$stopped" 15
start=$(date +%s.%N)
start_redis
ready=$(date +%s.%N)
printf 'stopped %s\nstart %s\nready %s\n' "$stopped" "$start" "$ready" > "$SCRATCH/events"
log "Redis started again (empty)"
wait_for hits "$ready" 10
sleep 1
# wrk ends its run early on SIGINT (timeout passes it on) and reports as usual.
kill -INT "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" || true; WRK_PID=""
kill "$PROBE_PID" 2>/dev/null || true; wait "$PROBE_PID" || true; PROBE_PID=""
probe outage "$SCRATCH/probe.jsonl" "$SCRATCH/events" "$SCRATCH/outage-load.txt"
keys=$(redis-cli -p "$REDIS_PORT" dbsize)
[ "$keys" -gt 0 ] || { log "FAILED: nothing cached in Redis after it came back"; exit 1; }
if grep -l "Internal Server Error\|Traceback" "$SCRATCH"/gunicorn-*.log; then
  log "FAILED: errors in the servers' logs"; exit 1
fi

printf '\n== scale-out report\n'
cat "$SCRATCH/report"
[ -z "$SHORT" ] || { log "FAILED: $SHORT"; exit 1; }
log "OK: two servers share the record, the page cache and the limits; more throughput; Redis may go away"
