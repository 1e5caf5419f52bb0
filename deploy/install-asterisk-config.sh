#!/usr/bin/env bash
# Renders asterisk/platform (the configuration the test stack runs) for a system Asterisk 22 run by
# callwright-asterisk.service. Usage, as root:
#   ARI_PASSWORD=... deploy/install-asterisk-config.sh [TARGET]   (TARGET default /etc/callwright/asterisk)
# Folders: Asterisk's own state under /var/lib/callwright-asterisk, modules and sounds where Debian's
# asterisk package puts them (ASTERISK_MODULE_DIR, ASTERISK_DATA_DIR override).
# Ports: ASTERISK_SIP_PORT (5060), ASTERISK_HTTP_PORT (ARI, 8088), ASTERISK_RTP_START/END (10000-14999).
# ASTERISK_ENTITY_ID: this server's entityid, unique among the platform's servers; by default made from
# /etc/machine-id (a locally administered MAC-like id), so servers on different machines differ.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET=${1:-/etc/callwright/asterisk}
STATE=${ASTERISK_STATE_DIR:-/var/lib/callwright-asterisk}
MOD_DIR=${ASTERISK_MODULE_DIR:-/usr/lib/x86_64-linux-gnu/asterisk/modules}
DATA_DIR=${ASTERISK_DATA_DIR:-/usr/share/asterisk}
ARI_USERNAME=${ARI_USERNAME:-callwright}
ARI_APP=${ARI_APP:-callwright}
SIP_PORT=${ASTERISK_SIP_PORT:-5060}
HTTP_PORT=${ASTERISK_HTTP_PORT:-8088}
RTP_START=${ASTERISK_RTP_START:-10000}
RTP_END=${ASTERISK_RTP_END:-14999}
ENTITY_ID=${ASTERISK_ENTITY_ID:-}
if [[ -z "$ENTITY_ID" ]]; then
  id_hex=$(tr -dc '0-9a-f' </etc/machine-id 2>/dev/null | head -c 10 || true)
  [[ ${#id_hex} -eq 10 ]] || id_hex=$(head -c 5 /dev/urandom | od -An -tx1 | tr -d ' \n')
  ENTITY_ID=02:$(sed -e 's/../&:/g' -e 's/:$//' <<<"$id_hex")
fi
[[ -n "${ARI_PASSWORD:-}" ]] || { echo "install-asterisk-config: set ARI_PASSWORD (the platform's too)" >&2; exit 64; }
[[ ${#ARI_PASSWORD} -ge 12 ]] || { echo "install-asterisk-config: ARI_PASSWORD needs 12+ characters" >&2; exit 64; }

mkdir -p "$TARGET" "$STATE"/{run,log,spool/recording,db,lib,cache}
password_sed=$(printf '%s' "$ARI_PASSWORD" | sed -e 's/[|&\\]/\\&/g')
(cd "$TARGET" && touch acl.conf ccss.conf cel.conf features.conf udptl.conf pjproject.conf websocket_client.conf res_http_media_cache.conf)
for f in "$HERE/../asterisk/platform"/*; do
  sed -e "s|@RUN_DIR@|$STATE|g" -e "s|@CACHE_DIR@|$STATE/cache|g" -e "s|@MOD_DIR@|$MOD_DIR|g" \
      -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@INSTANCE@|platform|g" -e "s|@ARI_USERNAME@|$ARI_USERNAME|g" \
      -e "s|@ARI_PASSWORD@|$password_sed|g" -e "s|@ARI_APP@|$ARI_APP|g" \
      -e "s|@ENTITY_ID@|$ENTITY_ID|g" -e "s|@SIP_PORT@|$SIP_PORT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
      -e "s|@RTP_START@|$RTP_START|g" -e "s|@RTP_END@|$RTP_END|g" "$f" >"$TARGET/$(basename "$f")"
done
# asterisk.conf names the config folder itself: point it at TARGET.
sed -i -e "s|^astetcdir *=>.*|astetcdir => $TARGET|" "$TARGET/asterisk.conf"
chmod 600 "$TARGET/ari.conf"
if id asterisk >/dev/null 2>&1; then chown -R asterisk:asterisk "$STATE" "$TARGET"; fi
echo "install-asterisk-config: rendered into $TARGET (state in $STATE)"
