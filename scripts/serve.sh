#!/usr/bin/env bash
# make serve: the production setup on this machine: DEBUG off, static files collected and served by
# WhiteNoise, gunicorn in front. Plain HTTP on $HOST:$PORT (127.0.0.1:8000), so the HTTPS redirect and
# HSTS are off unless set; everything else is as in production. DATABASE_URL picks the database
# (the project's SQLite file by default); the curated dataset is loaded into an empty one.
set -euo pipefail
source "$(dirname "$0")/load_common.sh"
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-$((2 * $(nproc) + 1))}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-$HOST,localhost,127.0.0.1}

prepare_app
log "kptracker on http://$HOST:$PORT/ (DEBUG off, $WORKERS gunicorn workers); Ctrl-C stops it"
exec_gunicorn "$HOST:$PORT" "$WORKERS" --access-logfile -
