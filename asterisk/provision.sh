#!/usr/bin/env bash
# Makes an Asterisk >= 22.10 available. Last stdout line: the command prefix
# to run it ("" for a system install, "chroot <root>" for the cached Debian sid root).
set -euo pipefail

# Bump when the package list or the build recipe changes.
ROOT_STAMP="v1"
PACKAGES="asterisk,asterisk-modules,asterisk-core-sounds-en-gsm"
MIN_MAJOR=22
MIN_MINOR=10

CACHE_DIR="${CALLWRIGHT_CACHE_DIR:-/var/cache/callwright}"
ROOT_DIR="$CACHE_DIR/asterisk-root-$ROOT_STAMP"

log() { echo "provision: $*" >&2; }

version_ok() { # $1 = output of `asterisk -V`
  local v major minor
  v=$(sed -n 's/^Asterisk \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' <<<"$1")
  [[ -n "$v" ]] || return 1
  read -r major minor <<<"$v"
  (( major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR) ))
}

if command -v asterisk >/dev/null 2>&1 && version_ok "$(asterisk -V 2>/dev/null || true)"; then
  log "using system $(asterisk -V)"
  echo ""
  exit 0
fi

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<'MSG'
provision: cannot provide Asterisk here (need root on Debian to build a chroot, or
`asterisk` >= 22.10 on PATH).
Point the platform at an existing Asterisk 22.10+ instead:
  ARI_URL=http://host:8088  ARI_USERNAME=...  ARI_PASSWORD=...  ARI_APP=callwright
That Asterisk needs (see asterisk/platform/ and asterisk/README.md):
  - http.conf enabled + ari.conf user with read/write access
  - res_ari*, res_stasis*, res_http_media_cache loaded
  - a PJSIP endpoint "outbound" with no transport, direct_media=no, dtmf_mode=rfc4733
  - inbound calls routed to Stasis(<ARI_APP>) keeping ${EXTEN}
  - sorcery.conf memory backend for res_pjsip endpoint/aor/auth (ARI dynamic config)
MSG
  exit 2
fi

if [[ -x "$ROOT_DIR/usr/sbin/asterisk" ]] && version_ok "$(chroot "$ROOT_DIR" asterisk -V 2>/dev/null || true)"; then
  log "using cached root $ROOT_DIR ($(chroot "$ROOT_DIR" asterisk -V))"
  echo "chroot $ROOT_DIR"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2; }
fi

mkdir -p "$CACHE_DIR"
TMP_DIR=$(mktemp -d "$CACHE_DIR/.asterisk-root-$ROOT_STAMP.XXXXXX")
trap 'rm -rf --one-file-system "$TMP_DIR"' EXIT
log "building Debian sid root in $TMP_DIR (about a minute)"
debootstrap --variant=minbase --include="$PACKAGES" sid "$TMP_DIR" >&2
# apt caches are useless here and cost ~100 MB.
rm -rf "$TMP_DIR"/var/cache/apt/archives/*.deb "$TMP_DIR"/var/lib/apt/lists/*
version_ok "$(chroot "$TMP_DIR" asterisk -V)" || { log "built root has $(chroot "$TMP_DIR" asterisk -V), need >= $MIN_MAJOR.$MIN_MINOR"; exit 1; }
rm -rf --one-file-system "$ROOT_DIR"
mv "$TMP_DIR" "$ROOT_DIR"
trap - EXIT
log "ready: $ROOT_DIR ($(chroot "$ROOT_DIR" asterisk -V))"
echo "chroot $ROOT_DIR"
