#!/usr/bin/env bash
# Two local Asterisk instances for Callwright: "platform" (ARI on 127.0.0.1:8088,
# SIP 5060) and "farend" (simulated phones, SIP 5070).
# Usage: stack.sh start|stop|stop-platform|kill-platform|status|ari-password|cli <platform|farend> "<cli command>"
# stop-platform ("core stop now") and kill-platform (SIGKILL, as a crash would) end only the platform
# instance, to rehearse an Asterisk outage; `start` brings the whole stack back.
# ARI's password is ARI_PASSWORD when set, otherwise one generated per installation and kept (0600) in
# the run folder beside the rendered configuration; `stack.sh ari-password` prints it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INSTANCES=(platform farend)
ARI_USERNAME="${ARI_USERNAME:-callwright}"
ARI_PASSWORD="${ARI_PASSWORD:-}"
ARI_APP="${ARI_APP:-callwright}"
ARI_LOCAL_URL="http://127.0.0.1:8088"
BOOT_TIMEOUT=60

log() { echo "stack: $*" >&2; }
die() { log "$*"; exit 1; }

# Resolves PREFIX (command prefix), ROOT (chroot dir or ""), RUN_IN (run base as
# Asterisk sees it) and RUN_HOST (same folder seen from here).
resolve_env() {
  local out
  out=$("$HERE/provision.sh") || exit $?
  PREFIX=$(tail -n1 <<<"$out")
  if [[ -n "$PREFIX" ]]; then
    ROOT=${PREFIX#chroot }
    RUN_IN=/run/callwright
    RUN_HOST=$ROOT$RUN_IN
    MOD_DIR=/usr/lib/x86_64-linux-gnu/asterisk/modules
    DATA_DIR=/usr/share/asterisk
  else
    ROOT=""
    RUN_IN=${CALLWRIGHT_RUN_DIR:-/tmp/callwright-asterisk}
    RUN_HOST=$RUN_IN
    MOD_DIR=${ASTERISK_MODULE_DIR:-}
    DATA_DIR=${ASTERISK_DATA_DIR:-}
    local d
    for d in /usr/lib/x86_64-linux-gnu/asterisk/modules /usr/lib/asterisk/modules /usr/lib64/asterisk/modules; do
      [[ -z "$MOD_DIR" && -f "$d/res_ari.so" ]] && MOD_DIR=$d
    done
    for d in /usr/share/asterisk /var/lib/asterisk; do
      [[ -z "$DATA_DIR" && -d "$d/rest-api" ]] && DATA_DIR=$d
    done
    [[ -n "$MOD_DIR" && -n "$DATA_DIR" ]] || die "cannot find Asterisk modules/data dirs; set ASTERISK_MODULE_DIR and ASTERISK_DATA_DIR"
  fi
}

ast() { # ast <instance> <asterisk args...>
  local inst=$1; shift
  # shellcheck disable=SC2086 # PREFIX is "chroot <dir>" or empty
  $PREFIX asterisk -C "$RUN_IN/$inst/etc/asterisk.conf" "$@"
}

pid_of() { # prints the live pid of an instance, fails if not running
  local inst=$1 pid f
  for f in "$RUN_HOST/$inst/asterisk.pid" "$RUN_HOST/$inst/run/asterisk.pid"; do
    [[ -f "$f" ]] || continue
    pid=$(<"$f")
    if [[ -n "$pid" && -r /proc/$pid/comm && $(</proc/"$pid"/comm) == asterisk ]]; then
      echo "$pid"; return 0
    fi
  done
  return 1
}

# Sets ARI_PASSWORD: the caller's, or this installation's generated one (created on first use).
resolve_ari_password() {
  [[ -n "$ARI_PASSWORD" ]] && return 0
  local file=$RUN_HOST/ari-password
  if [[ ! -s "$file" ]]; then
    mkdir -p "$RUN_HOST"
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
  fi
  chmod 600 "$file"
  ARI_PASSWORD=$(<"$file")
}

ari_ok() {
  curl -fsS -o /dev/null --max-time 2 -u "$ARI_USERNAME:$ARI_PASSWORD" "$ARI_LOCAL_URL/ari/asterisk/info" 2>/dev/null
}

healthy() {
  local inst
  for inst in "${INSTANCES[@]}"; do
    pid_of "$inst" >/dev/null || return 1
    ast "$inst" -rx "core show version" >/dev/null 2>&1 || return 1
  done
  ari_ok
}

render() { # render <instance>: templates -> run folder
  local inst=$1 f
  local dir=$RUN_HOST/$inst
  mkdir -p "$dir"/{etc,run,log,spool/recording,db,lib}
  # Asterisk 22 fails to play an http(s) media URL shorter than the path of its cached copy
  # (file.c sizes a buffer by the URL), so the media cache lives at the shortest path we can give it.
  local cache_in=/run/cwc-$inst cache_host=${ROOT}/run/cwc-$inst
  [[ -n "$ROOT" ]] || { cache_in=/tmp/cwc-$inst; cache_host=$cache_in; }
  mkdir -p "$cache_host"
  rm -f "$dir"/etc/* "$dir"/log/*
  local password_sed
  password_sed=$(printf '%s' "$ARI_PASSWORD" | sed -e 's/[|&\\]/\\&/g')
  # Empty files for configs core/modules read anyway: defaults are fine, the "Unable to load" errors are noise.
  (cd "$dir/etc" && touch acl.conf ccss.conf cel.conf features.conf udptl.conf pjproject.conf websocket_client.conf res_http_media_cache.conf)
  for f in "$HERE/$inst"/*; do
    sed -e "s|@RUN_DIR@|$RUN_IN/$inst|g" -e "s|@CACHE_DIR@|$cache_in|g" -e "s|@MOD_DIR@|$MOD_DIR|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
        -e "s|@INSTANCE@|$inst|g" -e "s|@ARI_USERNAME@|$ARI_USERNAME|g" \
        -e "s|@ARI_PASSWORD@|$password_sed|g" -e "s|@ARI_APP@|$ARI_APP|g" \
        "$f" >"$dir/etc/$(basename "$f")"
  done
  chmod 600 "$dir/etc/ari.conf" 2>/dev/null || true
}

stop_instances() { # stop_instances [instance...]: all by default, at once (each takes ~2 s to shut down)
  local inst pid i
  local -A pids=()
  local targets=("$@")
  ((${#targets[@]})) || targets=("${INSTANCES[@]}")
  for inst in "${targets[@]}"; do
    if pid=$(pid_of "$inst"); then
      pids[$inst]=$pid
      ast "$inst" -rx "core stop now" >/dev/null 2>&1 || true
    fi
  done
  for inst in "${!pids[@]}"; do
    pid=${pids[$inst]}
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$inst (pid $pid) ignored 'core stop now'; killing"
      kill "$pid" 2>/dev/null || true
      sleep 1
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "$inst stopped"
  done
  for inst in "${targets[@]}"; do
    rm -f "$RUN_HOST/$inst/asterisk.pid" "$RUN_HOST/$inst/run/asterisk.pid" "$RUN_HOST/$inst/run/asterisk.ctl"
  done
}

start_instance() {
  local inst=$1
  local dir=$RUN_HOST/$inst
  # shellcheck disable=SC2086
  nohup setsid $PREFIX asterisk -f -C "$RUN_IN/$inst/etc/asterisk.conf" \
    </dev/null >"$dir/log/asterisk.out" 2>&1 &
  echo $! >"$dir/asterisk.pid"
}

wait_booted() {
  local inst=$1
  local dir=$RUN_HOST/$inst deadline=$((SECONDS + BOOT_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! pid_of "$inst" >/dev/null; then
      log "$inst exited during start-up; last log lines:"
      tail -n 30 "$dir/log/asterisk.out" "$dir/log/messages.log" >&2 2>/dev/null || true
      return 1
    fi
    # shellcheck disable=SC2086
    if [[ -S "$dir/run/asterisk.ctl" ]] &&
       timeout 10 $PREFIX asterisk -C "$RUN_IN/$inst/etc/asterisk.conf" -rx "core waitfullybooted" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  log "$inst not fully booted after ${BOOT_TIMEOUT}s; last log lines:"
  tail -n 30 "$dir/log/asterisk.out" "$dir/log/messages.log" >&2 2>/dev/null || true
  return 1
}

cmd_start() {
  resolve_env
  resolve_ari_password
  if healthy; then
    log "already running"
    return 0
  fi
  local inst
  stop_instances
  for inst in "${INSTANCES[@]}"; do render "$inst"; start_instance "$inst"; done
  for inst in "${INSTANCES[@]}"; do wait_booted "$inst" || { cmd_stop_resolved; exit 1; }; done
  local deadline=$((SECONDS + BOOT_TIMEOUT))
  until ari_ok; do
    if ((SECONDS >= deadline)); then
      log "ARI did not answer at $ARI_LOCAL_URL/ari/asterisk/info"
      tail -n 30 "$RUN_HOST/platform/log/messages.log" >&2 || true
      cmd_stop_resolved
      exit 1
    fi
    sleep 0.2
  done
  log "up: ARI $ARI_LOCAL_URL (app $ARI_APP, user $ARI_USERNAME, password in $RUN_HOST/ari-password unless ARI_PASSWORD is set), platform SIP 127.0.0.1:5060, far end SIP 127.0.0.1:5070; logs in $RUN_HOST/*/log"
}

cmd_stop_resolved() { stop_instances; }

cmd_stop() { resolve_env; cmd_stop_resolved; }

cmd_kill_platform() {
  resolve_env
  local pid
  if pid=$(pid_of platform); then
    kill -9 "$pid"
    local i # a zombie still answers kill -0, so the wait is bounded
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    log "platform (pid $pid) killed"
  fi
  rm -f "$RUN_HOST/platform/asterisk.pid" "$RUN_HOST/platform/run/asterisk.pid" "$RUN_HOST/platform/run/asterisk.ctl"
}

cmd_status() {
  resolve_env
  resolve_ari_password
  local inst pid rc=0
  for inst in "${INSTANCES[@]}"; do
    if pid=$(pid_of "$inst"); then echo "$inst: running (pid $pid)"; else echo "$inst: stopped"; rc=3; fi
  done
  if ari_ok; then echo "ari: ok ($ARI_LOCAL_URL)"; else echo "ari: down"; rc=3; fi
  return $rc
}

cmd_cli() {
  local inst=${1:-} cmd=${2:-}
  [[ " ${INSTANCES[*]} " == *" $inst "* && -n "$cmd" ]] || die "usage: stack.sh cli <platform|farend> \"<command>\""
  resolve_env 2>/dev/null
  ast "$inst" -rx "$cmd"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  stop-platform) resolve_env; stop_instances platform ;;
  kill-platform) cmd_kill_platform ;;
  status) cmd_status ;;
  ari-password) resolve_env >/dev/null; resolve_ari_password; echo "$ARI_PASSWORD" ;;
  ari-password-file) resolve_env >/dev/null; echo "$RUN_HOST/ari-password" ;;
  cli) shift; cmd_cli "$@" ;;
  *) echo "usage: $0 start|stop|stop-platform|kill-platform|status|cli <platform|farend> \"<command>\"" >&2; exit 64 ;;
esac
