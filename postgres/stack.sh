#!/usr/bin/env bash
# A private PostgreSQL 15 for Callwright (Debian's `postgresql` package): its own data folder under
# the cache folder, listening on 127.0.0.1 only, started and stopped like the Asterisk stack.
# Usage: stack.sh start|stop|status|url [database]
#   url prints postgres://callwright:<password>@127.0.0.1:<port>/<database> (default database: callwright).
# Settings: CALLWRIGHT_PG_DIR (data folder; default /var/cache/callwright/postgres-15 as root, else
# ~/.cache/callwright/postgres-15), CALLWRIGHT_PG_PORT (default 55432), CALLWRIGHT_PG_FAST=1 (tests:
# no fsync; a crash may lose the data). The superuser `callwright` gets a password generated once and
# kept (0600) beside the data folder. PostgreSQL refuses to run as root: as root the server runs as the
# `postgres` system user that the package creates.
set -euo pipefail

PORT="${CALLWRIGHT_PG_PORT:-55432}"
if [[ $(id -u) -eq 0 ]]; then
  DEFAULT_DIR=/var/cache/callwright/postgres-15
else
  DEFAULT_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/callwright/postgres-15"
fi
DATA="${CALLWRIGHT_PG_DIR:-$DEFAULT_DIR}"
PASSWORD_FILE="$DATA.password"
LOG_FILE="$DATA.log"
USER_NAME=callwright

log() { echo "postgres: $*" >&2; }
die() { log "$*"; exit 1; }

bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [[ -x "$d/pg_ctl" ]] && { echo "$d"; return; }
  done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return; }
  die "PostgreSQL is not installed (apt-get install postgresql)"
}
BIN=$(bindir)

# Runs a server binary as the user that owns the data folder (never root).
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

password() {
  if [[ ! -s "$PASSWORD_FILE" ]]; then
    mkdir -p "$(dirname "$PASSWORD_FILE")"
    (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$PASSWORD_FILE")
  fi
  cat "$PASSWORD_FILE"
}

init() {
  [[ -f "$DATA/PG_VERSION" ]] && return
  log "Creating the data folder $DATA"
  mkdir -p "$DATA"
  chmod 700 "$DATA"
  local pwfile
  pwfile=$(mktemp)
  password >"$pwfile"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$DATA" "$pwfile"
    # The server user must be able to reach its data folder.
    local d=$(dirname "$DATA")
    while [[ "$d" != / ]]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
  as_owner "$BIN/initdb" -D "$DATA" -U "$USER_NAME" --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null || { rm -f "$pwfile"; die "initdb failed"; }
  rm -f "$pwfile"
}

running() { as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  init
  if running; then log "already running on 127.0.0.1:$PORT"; return; fi
  local opts="-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c max_connections=200"
  [[ "${CALLWRIGHT_PG_FAST:-}" == 1 ]] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  touch "$LOG_FILE"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$LOG_FILE"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t 60 -o "$opts" start >/dev/null \
    || { tail -n 20 "$LOG_FILE" >&2; die "PostgreSQL did not start (log: $LOG_FILE)"; }
  log "started on 127.0.0.1:$PORT (data: $DATA)"
  # The database `npm start` uses; tests create and drop their own.
  PGPASSWORD=$(password) "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -qAt \
    -c "SELECT 1 FROM pg_database WHERE datname = 'callwright'" | grep -q 1 \
    || PGPASSWORD=$(password) "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" callwright
}

stop() {
  [[ -f "$DATA/PG_VERSION" ]] || return 0
  running || return 0
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo running; else echo stopped; exit 3; fi ;;
  url) echo "postgres://$USER_NAME:$(password)@127.0.0.1:$PORT/${2:-callwright}" ;;
  *) die "usage: stack.sh start|stop|status|url [database]" ;;
esac
