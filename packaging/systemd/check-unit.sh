#!/usr/bin/env bash
# Checks packaging/systemd/vigil.service with systemd's own tools (no running systemd needed):
# `systemd-analyze verify` (which prints parse problems but still exits 0, so any output fails the
# check) and `systemd-analyze security --offline` (the hardening score must stay at 2.0 or better).
# The unit names /usr/local/bin/vigil; pass where the vigil being checked lives instead.
# usage: packaging/systemd/check-unit.sh [VIGIL_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=$(realpath "${1:-$here/../../bin/vigil.mjs}")
work=$(mktemp -d /tmp/vigil-unit.XXXXXX)
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/vigil#$binary#g" "$here/vigil.service" >"$work/vigil.service"
out=$(systemd-analyze verify "$work/vigil.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify: $out"; exit 1; fi
systemd-analyze security --offline=yes --threshold=20 "$work/vigil.service" >"$work/security.txt" 2>&1 || { tail -n 40 "$work/security.txt"; exit 1; }
echo "vigil.service: systemd-analyze verify clean; $(tail -n 1 "$work/security.txt" | sed 's/^→ //')"
