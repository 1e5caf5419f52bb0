#!/usr/bin/env bash
# Renders asterisk/platform (the configuration the test stack runs) for a system Asterisk 22 run by
# callwright-asterisk.service. Usage, as root:
#   ARI_PASSWORD=... deploy/install-asterisk-config.sh [TARGET]   (TARGET default /etc/callwright/asterisk)
# Folders: Asterisk's own state under /var/lib/callwright-asterisk, modules and sounds where Debian's
# asterisk package puts them (ASTERISK_MODULE_DIR, ASTERISK_DATA_DIR override).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET=${1:-/etc/callwright/asterisk}
STATE=${ASTERISK_STATE_DIR:-/var/lib/callwright-asterisk}
MOD_DIR=${ASTERISK_MODULE_DIR:-/usr/lib/x86_64-linux-gnu/asterisk/modules}
DATA_DIR=${ASTERISK_DATA_DIR:-/usr/share/asterisk}
ARI_USERNAME=${ARI_USERNAME:-callwright}
ARI_APP=${ARI_APP:-callwright}
[[ -n "${ARI_PASSWORD:-}" ]] || { echo "install-asterisk-config: set ARI_PASSWORD (the platform's too)" >&2; exit 64; }
[[ ${#ARI_PASSWORD} -ge 12 ]] || { echo "install-asterisk-config: ARI_PASSWORD needs 12+ characters" >&2; exit 64; }

mkdir -p "$TARGET" "$STATE"/{run,log,spool/recording,db,lib,cache}
password_sed=$(printf '%s' "$ARI_PASSWORD" | sed -e 's/[|&\\]/\\&/g')
(cd "$TARGET" && touch acl.conf ccss.conf cel.conf features.conf udptl.conf pjproject.conf websocket_client.conf res_http_media_cache.conf)
for f in "$HERE/../asterisk/platform"/*; do
  sed -e "s|@RUN_DIR@|$STATE|g" -e "s|@CACHE_DIR@|$STATE/cache|g" -e "s|@MOD_DIR@|$MOD_DIR|g" \
      -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@INSTANCE@|platform|g" -e "s|@ARI_USERNAME@|$ARI_USERNAME|g" \
      -e "s|@ARI_PASSWORD@|$password_sed|g" -e "s|@ARI_APP@|$ARI_APP|g" "$f" >"$TARGET/$(basename "$f")"
done
# asterisk.conf names the config folder itself: point it at TARGET.
sed -i -e "s|^astetcdir *=>.*|astetcdir => $TARGET|" "$TARGET/asterisk.conf"
chmod 600 "$TARGET/ari.conf"
if id asterisk >/dev/null 2>&1; then chown -R asterisk:asterisk "$STATE" "$TARGET"; fi
echo "install-asterisk-config: rendered into $TARGET (state in $STATE)"
