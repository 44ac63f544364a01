# Shared by serve.sh, loadtest.sh, outage_test.sh and scaleout_test.sh (sourced, not run): the production
# settings for a local run over plain HTTP on loopback, a PostgreSQL database holding the curated dataset,
# and gunicorn.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
LOAD_DB=${LOAD_DB:-kptracker_load}
LOAD_WORKERS=${LOAD_WORKERS:-4}

# Production settings, less what needs HTTPS: this is plain HTTP on 127.0.0.1 only.
export DEBUG=false
export SECRET_KEY=${SECRET_KEY:-$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

pg_cluster() { ls /etc/postgresql | head -1; }

pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q; }

pg_start() {
  pg_ready && return 0
  pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main start || true
  for _ in $(seq 1 60); do pg_ready && return 0; sleep 0.5; done
  log "PostgreSQL did not come back within 30 s"
  return 1
}

free_port() {
  "$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# The command $1, installed from Debian's package $2 (named as the command unless given) if it is missing.
ensure_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  log "Installing $1 from Debian"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${2:-$1}" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${2:-$1}" >/dev/null; fi
}

ensure_wrk() { ensure_command wrk; }

# The database at DATABASE_URL migrated, with the Editors group and the curated dataset (loaded only into an
# empty one); static files collected. "prepare_app quiet" leaves out what those two commands print.
prepare_app() (
  set -e
  cd "$ROOT"
  if [ "${1:-}" = quiet ]; then exec 3>/dev/null; else exec 3>&1; fi
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py create_editor_group -v0 >&3
  "$PY" manage.py load_curated --if-empty >&3
  "$PY" manage.py collectstatic --noinput -v0
)

# A fresh database named $LOAD_DB, prepared as above.
prepare_database() {
  pg_start
  PGOPTIONS="-c client_min_messages=warning" psql "$PG_SERVER/postgres" -v ON_ERROR_STOP=1 -q \
    -c "DROP DATABASE IF EXISTS \"$LOAD_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$LOAD_DB\""
  export DATABASE_URL="$PG_SERVER/$LOAD_DB"
  prepare_app quiet
}

# The one gunicorn command line of the shell scripts: kptracker on $1 (host:port) with $2 workers, then any
# further options. It replaces the calling shell (run it in a subshell to keep going).
exec_gunicorn() {
  cd "$ROOT"
  exec "$GUNICORN" kptracker.wsgi --bind "$1" --workers "$2" --log-level warning "${@:3}"
}

# gunicorn on 127.0.0.1:$PORT in the background; GUNICORN_PID is its master. stop_gunicorn ends it and its workers.
# (The Python scripts' counterpart is scripts/serving.py.)
start_gunicorn() {
  PORT=${PORT:-$(free_port)}
  BASE_URL="http://127.0.0.1:$PORT"
  GUNICORN_LOG=${GUNICORN_LOG:-$(mktemp /tmp/kptracker-gunicorn.XXXXXX)}
  (exec_gunicorn "127.0.0.1:$PORT" "$LOAD_WORKERS" --timeout 30 --graceful-timeout 5 --error-logfile "$GUNICORN_LOG") &
  GUNICORN_PID=$!
  for _ in $(seq 1 60); do
    curl -fs -o /dev/null "$BASE_URL/" && return 0
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$GUNICORN_LOG"; return 1; }
    sleep 0.5
  done
  log "gunicorn did not answer within 30 s"; cat "$GUNICORN_LOG"; return 1
}

stop_gunicorn() {
  [ -n "${GUNICORN_PID:-}" ] || return 0
  if kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -INT "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  wait "$GUNICORN_PID" 2>/dev/null || true
  GUNICORN_PID=""
}

# The pages the load runs over: timeline, a meeting, the matrix, a filtered position list, a CSV export.
load_paths() {
  local slug
  slug=$(psql "$DATABASE_URL" -Atc "SELECT slug FROM meetings_meeting ORDER BY start_date DESC LIMIT 1")
  LOAD_PATHS="/ /meetings/$slug/ /matrix/ /positions/?stance=blocks&stance=opposes"
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/export/positions.csv")" = 200 ]; then
    LOAD_PATHS="$LOAD_PATHS /export/positions.csv"
  else
    log "Note: /export/positions.csv does not answer 200 here; the load runs without a CSV export."
  fi
  export LOAD_PATHS
}
