#!/usr/bin/env bash
# Kamailio (Debian package `kamailio`, run on the host) in front of the platform Asterisk servers of the
# local stack; asterisk/stack.sh runs this when it starts more than one server (or CALLWRIGHT_KAMAILIO=1).
# Usage: stack.sh start <host:port of each platform Asterisk>... | stop | status | dispatchers
# CALLWRIGHT_KAMAILIO_DIR: run folder (config, pid, control socket, log); default /tmp/callwright-kamailio.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR=${CALLWRIGHT_KAMAILIO_DIR:-/tmp/callwright-kamailio}
CTL="unix:$DIR/kamailio_ctl"
BOOT_TIMEOUT=20

log() { echo "kamailio: $*" >&2; }

pid_of() {
  local pid
  [[ -f "$DIR/kamailio.pid" ]] || return 1
  pid=$(<"$DIR/kamailio.pid")
  [[ -n "$pid" && -r /proc/$pid/comm && $(</proc/"$pid"/comm) == kamailio ]] || return 1
  echo "$pid"
}

rpc() { kamcmd -s "$CTL" "$@"; }

cmd_stop() {
  local pid i
  pid=$(pid_of) || { rm -f "$DIR/kamailio.pid"; return 0; }
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$DIR/kamailio.pid"
  log "stopped"
}

cmd_start() {
  (($#)) || { log "start needs the platform Asterisk addresses"; exit 64; }
  command -v kamailio >/dev/null || { log "kamailio is not installed (apt-get install kamailio; scripts/system-packages.mjs does it)"; exit 1; }
  mkdir -p "$DIR"
  # Running with exactly this configuration: keep it (and what it knows of registered phones).
  rm -rf "$DIR/next"
  node "$HERE/../scripts/kamailio-config.cjs" "$DIR/next" "$@"
  sed -i "s|$DIR/next|$DIR|g" "$DIR/next/kamailio.cfg"
  if cmd_status >/dev/null 2>&1 && cmp -s "$DIR/next/kamailio.cfg" "$DIR/kamailio.cfg" &&
     cmp -s "$DIR/next/dispatcher.list" "$DIR/dispatcher.list"; then
    rm -rf "$DIR/next"
    log "already running in front of $*"
    return 0
  fi
  cmd_stop
  mv "$DIR/next/kamailio.cfg" "$DIR/next/dispatcher.list" "$DIR/" && rm -rf "$DIR/next"
  kamailio -c -f "$DIR/kamailio.cfg" >"$DIR/check.out" 2>&1 || { cat "$DIR/check.out" >&2; exit 1; }
  # -DD: stay in the foreground (this script keeps the pid), -E: log to stderr (the log file).
  nohup setsid kamailio -DD -E -f "$DIR/kamailio.cfg" -Y "$DIR" -m 64 -M 8 \
    </dev/null >"$DIR/kamailio.log" 2>&1 &
  echo $! >"$DIR/kamailio.pid"
  local deadline=$((SECONDS + BOOT_TIMEOUT))
  until rpc core.version >/dev/null 2>&1; do
    # kill -0, not pid_of: right after the start the process may still be nohup or setsid.
    if ! kill -0 "$(<"$DIR/kamailio.pid")" 2>/dev/null || ((SECONDS >= deadline)); then
      log "did not start; last log lines:"
      tail -n 30 "$DIR/kamailio.log" >&2 || true
      cmd_stop
      exit 1
    fi
    sleep 0.2
  done
  log "up on 127.0.0.1:5090 in front of $*"
}

cmd_status() {
  local pid
  if pid=$(pid_of) && rpc core.version >/dev/null 2>&1; then echo "kamailio: running (pid $pid)"; else echo "kamailio: stopped"; return 3; fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  # dispatcher.list: each server's state (flags AP = active and probed, IP/TP = inactive/trying)
  dispatchers) rpc dispatcher.list ;;
  *) echo "usage: $0 start <host:port>...|stop|status|dispatchers" >&2; exit 64 ;;
esac
