#!/usr/bin/env bash
# Local Asterisk instances for Callwright: "platform" (server ast1: ARI on 127.0.0.1:8088, SIP 5060) and
# "farend" (simulated phones, SIP 5070). CALLWRIGHT_PLATFORM_ASTERISKS=N (default 1) adds platform servers
# ast2..astN ("platform2".. : ARI 8088+100*(n-1), SIP 5060+100*(n-1)) from the same templates, and then
# Kamailio (kamailio/stack.sh, SIP 127.0.0.1:5090) in front of them; CALLWRIGHT_KAMAILIO=1 starts it for one.
# Usage: stack.sh start|stop|stop-platform [astN]|kill-platform [astN]|status|ari-password|asterisk-servers|
#        cli <platform|astN|farend> "<cli command>"
# stop-platform ("core stop now") and kill-platform (SIGKILL, as a crash would) end only one platform
# server (ast1 unless named), to rehearse an Asterisk outage; `start` brings back what is missing.
# ARI's password is ARI_PASSWORD when set, otherwise one generated per installation and kept (0600) in
# the run folder beside the rendered configuration; `stack.sh ari-password` prints it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLATFORM_COUNT=${CALLWRIGHT_PLATFORM_ASTERISKS:-1}
[[ "$PLATFORM_COUNT" =~ ^[1-9]$ ]] || { echo "stack: CALLWRIGHT_PLATFORM_ASTERISKS must be 1..9" >&2; exit 64; }
PLATFORMS=(platform)
for ((n = 2; n <= PLATFORM_COUNT; n++)); do PLATFORMS+=("platform$n"); done
INSTANCES=("${PLATFORMS[@]}" farend)
KAMAILIO=0
if ((PLATFORM_COUNT > 1)) || [[ "${CALLWRIGHT_KAMAILIO:-0}" == 1 ]]; then KAMAILIO=1; fi
ARI_USERNAME="${ARI_USERNAME:-callwright}"
ARI_PASSWORD="${ARI_PASSWORD:-}"
ARI_APP="${ARI_APP:-callwright}"
ARI_LOCAL_URL="http://127.0.0.1:8088"
KAMAILIO_STACK="$HERE/../kamailio/stack.sh"
BOOT_TIMEOUT=60

log() { echo "stack: $*" >&2; }
die() { log "$*"; exit 1; }

# Per-server numbers: platform -> 1, platformN -> N; the far end has its own.
server_index() { case $1 in platform) echo 1 ;; platform*) echo "${1#platform}" ;; *) echo 0 ;; esac; }
server_name() { echo "ast$(server_index "$1")"; }
http_port() { echo $((8088 + 100 * ($(server_index "$1") - 1))); }
sip_port() { echo $((5060 + 100 * ($(server_index "$1") - 1))); }
ari_url() { echo "http://127.0.0.1:$(http_port "$1")"; }
# The far end keeps 15000-19999: server 1 has 10000-14999, server n>1 5000 ports from 20000 on.
rtp_start() { local i; i=$(server_index "$1"); ((i == 1)) && echo 10000 || echo $((20000 + 5000 * (i - 2))); }
entity_id() { [[ $1 == farend ]] && echo 02:00:00:00:00:fe || printf '02:00:00:00:00:%02x\n' "$(server_index "$1")"; }
# `platform`, `ast1`, `platform2`, `ast2`, `farend` -> the instance folder name.
instance_of() {
  case $1 in
    farend | platform) echo "$1" ;;
    ast1) echo platform ;;
    ast[2-9]) echo "platform${1#ast}" ;;
    platform[2-9]) echo "$1" ;;
    *) return 1 ;;
  esac
}
# Platform servers whose folders exist, so stop also ends servers a larger CALLWRIGHT_PLATFORM_ASTERISKS started.
known_instances() {
  local d out=("${INSTANCES[@]}")
  for d in "$RUN_HOST"/platform[2-9]; do
    [[ -d "$d" && " ${out[*]} " != *" ${d##*/} "* ]] && out+=("${d##*/}")
  done
  echo "${out[@]}"
}

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

ari_ok() { # ari_ok [instance]: default the first server
  local url=$ARI_LOCAL_URL
  [[ -n "${1:-}" ]] && url=$(ari_url "$1")
  curl -fsS -o /dev/null --max-time 2 -u "$ARI_USERNAME:$ARI_PASSWORD" "$url/ari/asterisk/info" 2>/dev/null
}

instance_healthy() {
  local inst=$1
  pid_of "$inst" >/dev/null || return 1
  ast "$inst" -rx "core show version" >/dev/null 2>&1 || return 1
  [[ $inst == farend ]] || ari_ok "$inst"
}

healthy() {
  local inst
  for inst in "${INSTANCES[@]}"; do instance_healthy "$inst" || return 1; done
  ((KAMAILIO == 0)) || bash "$KAMAILIO_STACK" status >/dev/null 2>&1
}

# ASTERISK_SERVERS for the platform (JSON array), also kept (0600) in the run folder.
servers_json() {
  local inst sep="" out="["
  for inst in "${PLATFORMS[@]}"; do
    out+="$sep{\"name\":\"$(server_name "$inst")\",\"ariUrl\":\"$(ari_url "$inst")\",\"ariUsername\":$(json_string "$ARI_USERNAME"),"
    out+="\"ariPassword\":$(json_string "$ARI_PASSWORD"),\"sipAddress\":\"127.0.0.1:$(sip_port "$inst")\"}"
    sep=","
  done
  echo "$out]"
}
json_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/[\\"]/\\&/g')"; }
write_servers_json() {
  (umask 077 && servers_json >"$RUN_HOST/asterisk-servers.json")
}

render() { # render <instance> [etc folder]: templates -> run folder
  local inst=$1 f
  local dir=$RUN_HOST/$inst template=$HERE/$inst
  local etc=${2:-$dir/etc}
  [[ $inst == platform* ]] && template=$HERE/platform
  mkdir -p "$dir"/{etc,run,log,spool/recording,db,lib} "$etc"
  # Asterisk 22 fails to play an http(s) media URL shorter than the path of its cached copy
  # (file.c sizes a buffer by the URL), so the media cache lives at the shortest path we can give it.
  local cache_in=/run/cwc-$inst cache_host=${ROOT}/run/cwc-$inst
  [[ -n "$ROOT" ]] || { cache_in=/tmp/cwc-$inst; cache_host=$cache_in; }
  mkdir -p "$cache_host"
  rm -f "$etc"/*
  local password_sed
  password_sed=$(printf '%s' "$ARI_PASSWORD" | sed -e 's/[|&\\]/\\&/g')
  # Empty files for configs core/modules read anyway: defaults are fine, the "Unable to load" errors are noise.
  (cd "$etc" && touch acl.conf ccss.conf cel.conf features.conf udptl.conf pjproject.conf websocket_client.conf res_http_media_cache.conf)
  local rtp_start
  rtp_start=$(rtp_start "$inst")
  for f in "$template"/*; do
    sed -e "s|@RUN_DIR@|$RUN_IN/$inst|g" -e "s|@CACHE_DIR@|$cache_in|g" -e "s|@MOD_DIR@|$MOD_DIR|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
        -e "s|@INSTANCE@|$inst|g" -e "s|@ARI_USERNAME@|$ARI_USERNAME|g" \
        -e "s|@ARI_PASSWORD@|$password_sed|g" -e "s|@ARI_APP@|$ARI_APP|g" \
        -e "s|@ENTITY_ID@|$(entity_id "$inst")|g" -e "s|@SIP_PORT@|$(sip_port "$inst")|g" \
        -e "s|@HTTP_PORT@|$(http_port "$inst")|g" -e "s|@RTP_START@|$rtp_start|g" -e "s|@RTP_END@|$((rtp_start + 4999))|g" \
        "$f" >"$etc/$(basename "$f")"
  done
  chmod 600 "$etc/ari.conf" 2>/dev/null || true
}

# An instance that runs healthy with exactly the configuration it would get now is kept (its calls stay
# up, e.g. ast1 while ast2 comes back); any other is (re)started.
needs_restart() {
  local inst=$1 dir=$RUN_HOST/$1
  instance_healthy "$inst" || return 0
  render "$inst" "$dir/etc.next"
  local same=0
  diff -rq "$dir/etc" "$dir/etc.next" >/dev/null 2>&1 && same=1
  rm -rf "$dir/etc.next"
  ((same == 0))
}

stop_instances() { # stop_instances [instance...]: all by default, at once (each takes ~2 s to shut down)
  local inst pid i
  local -A pids=()
  local targets=("$@")
  # shellcheck disable=SC2207
  ((${#targets[@]})) || targets=($(known_instances))
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
  rm -f "$dir"/log/*
  # shellcheck disable=SC2086
  nohup setsid $PREFIX asterisk -f -C "$RUN_IN/$inst/etc/asterisk.conf" \
    </dev/null >"$dir/log/asterisk.out" 2>&1 &
  echo $! >"$dir/asterisk.pid"
}

wait_booted() {
  local inst=$1
  local dir=$RUN_HOST/$inst deadline=$((SECONDS + BOOT_TIMEOUT))
  local pid
  pid=$(<"$dir/asterisk.pid")
  while ((SECONDS < deadline)); do
    # kill -0, not pid_of: right after the start the process may still be nohup, setsid or chroot.
    if ! kill -0 "$pid" 2>/dev/null; then
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
  mkdir -p "$RUN_HOST"
  write_servers_json
  local inst extra=() starting=()
  # Servers a larger CALLWRIGHT_PLATFORM_ASTERISKS left running are not part of this stack.
  for inst in $(known_instances); do
    [[ " ${INSTANCES[*]} " == *" $inst "* ]] || extra+=("$inst")
  done
  ((${#extra[@]} == 0)) || stop_instances "${extra[@]}"
  if ((KAMAILIO == 0)) && [[ -d "$RUN_HOST/kamailio" ]]; then
    CALLWRIGHT_KAMAILIO_DIR=$RUN_HOST/kamailio bash "$KAMAILIO_STACK" stop
  fi
  if healthy; then
    log "already running"
    return 0
  fi
  for inst in "${INSTANCES[@]}"; do needs_restart "$inst" && starting+=("$inst"); done
  if ((${#starting[@]})); then
    stop_instances "${starting[@]}"
    for inst in "${starting[@]}"; do render "$inst"; start_instance "$inst"; done
    for inst in "${starting[@]}"; do wait_booted "$inst" || { cmd_stop_resolved; exit 1; }; done
  fi
  local deadline=$((SECONDS + BOOT_TIMEOUT))
  for inst in "${PLATFORMS[@]}"; do
    until ari_ok "$inst"; do
      if ((SECONDS >= deadline)); then
        log "ARI did not answer at $(ari_url "$inst")/ari/asterisk/info"
        tail -n 30 "$RUN_HOST/$inst/log/messages.log" >&2 || true
        cmd_stop_resolved
        exit 1
      fi
      sleep 0.2
    done
  done
  if ((KAMAILIO)); then
    local addresses=()
    for inst in "${PLATFORMS[@]}"; do addresses+=("127.0.0.1:$(sip_port "$inst")"); done
    CALLWRIGHT_KAMAILIO_DIR=$RUN_HOST/kamailio bash "$KAMAILIO_STACK" start "${addresses[@]}" \
      || { cmd_stop_resolved; exit 1; }
  fi
  local servers=""
  for inst in "${PLATFORMS[@]}"; do servers+=", $(server_name "$inst") ARI $(ari_url "$inst") SIP 127.0.0.1:$(sip_port "$inst")"; done
  log "up: ${servers#, } (app $ARI_APP, user $ARI_USERNAME, password in $RUN_HOST/ari-password unless ARI_PASSWORD is set), far end SIP 127.0.0.1:5070$( ((KAMAILIO)) && echo ", Kamailio SIP 127.0.0.1:5090"); ASTERISK_SERVERS in $RUN_HOST/asterisk-servers.json; logs in $RUN_HOST/*/log"
}

cmd_stop_resolved() {
  [[ -d "$RUN_HOST/kamailio" ]] && CALLWRIGHT_KAMAILIO_DIR=$RUN_HOST/kamailio bash "$KAMAILIO_STACK" stop
  stop_instances
}

cmd_stop() { resolve_env; cmd_stop_resolved; }

platform_arg() { # platform_arg [astN|platformN]: the platform instance named, ast1 by default
  local inst
  inst=$(instance_of "${1:-ast1}") && [[ $inst != farend ]] || die "unknown platform server '${1:-}' (ast1..ast9)"
  echo "$inst"
}

cmd_kill_platform() {
  local inst
  inst=$(platform_arg "${1:-}")
  resolve_env
  local pid
  if pid=$(pid_of "$inst"); then
    kill -9 "$pid"
    local i # a zombie still answers kill -0, so the wait is bounded
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    log "$inst (pid $pid) killed"
  fi
  rm -f "$RUN_HOST/$inst/asterisk.pid" "$RUN_HOST/$inst/run/asterisk.pid" "$RUN_HOST/$inst/run/asterisk.ctl"
}

cmd_status() {
  resolve_env
  resolve_ari_password
  local inst pid rc=0
  for inst in "${INSTANCES[@]}"; do
    if pid=$(pid_of "$inst"); then echo "$inst: running (pid $pid)"; else echo "$inst: stopped"; rc=3; fi
  done
  for inst in "${PLATFORMS[@]}"; do
    if ari_ok "$inst"; then echo "ari $(server_name "$inst"): ok ($(ari_url "$inst"))"; else echo "ari $(server_name "$inst"): down"; rc=3; fi
  done
  if ((KAMAILIO)); then
    if CALLWRIGHT_KAMAILIO_DIR=$RUN_HOST/kamailio bash "$KAMAILIO_STACK" status; then :; else rc=3; fi
  fi
  return $rc
}

cmd_cli() {
  local inst cmd=${2:-}
  inst=$(instance_of "${1:-}") && [[ -n "$cmd" ]] || die "usage: stack.sh cli <platform|astN|farend> \"<command>\""
  resolve_env 2>/dev/null
  ast "$inst" -rx "$cmd"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  stop-platform) inst=$(platform_arg "${2:-}"); resolve_env; stop_instances "$inst" ;;
  kill-platform) cmd_kill_platform "${2:-}" ;;
  status) cmd_status ;;
  ari-password) resolve_env >/dev/null; resolve_ari_password; echo "$ARI_PASSWORD" ;;
  ari-password-file) resolve_env >/dev/null; echo "$RUN_HOST/ari-password" ;;
  asterisk-servers) resolve_env >/dev/null; resolve_ari_password; servers_json ;;
  asterisk-servers-file) resolve_env >/dev/null; echo "$RUN_HOST/asterisk-servers.json" ;;
  cli) shift; cmd_cli "$@" ;;
  dispatchers) resolve_env >/dev/null; CALLWRIGHT_KAMAILIO_DIR=$RUN_HOST/kamailio bash "$KAMAILIO_STACK" dispatchers ;;
  *) echo "usage: $0 start|stop|stop-platform [astN]|kill-platform [astN]|status|asterisk-servers|cli <platform|astN|farend> \"<command>\"" >&2; exit 64 ;;
esac
