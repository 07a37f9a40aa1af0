#!/usr/bin/env bash
# Checks every unit in UNIT_DIR (the units generated from config/systemd/*.in): `systemd-analyze verify` accepts it, and
# `systemd-analyze security --offline=true` rates its exposure at 2.5 or below.
# Usage: check_units.sh UNIT_DIR
set -euo pipefail
unit_dir=${1:?unit dir}
max_exposure=2.5

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not installed"; exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$unit_dir"/*.service "$unit_dir"/*.timer "$unit_dir"/*.target "$work"/ 2>/dev/null || true
# verify insists that ExecStart binaries exist: point them at /bin/true in the copies.
sed -i -E 's#^(ExecStart=)[^ ]+#\1/bin/true#' "$work"/*.service
# Template units are verified as an instance.
for template in "$work"/*@.service; do
  [ -e "$template" ] || continue
  mv "$template" "${template%@.service}@test.service"
done

failures=0
cd "$work"
for unit in *.service *.timer; do
  [ -e "$unit" ] || continue
  if ! output=$(systemd-analyze verify --man=no "./$unit" 2>&1) || [ -n "$output" ]; then
    echo "FAIL verify $unit:"; echo "$output"; failures=$((failures + 1))
  else
    echo "ok   verify $unit"
  fi
done
for unit in *.service; do
  [ -e "$unit" ] || continue
  line=$(systemd-analyze security --offline=true "./$unit" 2>&1 | grep 'Overall exposure level' || true)
  score=$(sed -E 's/.*: ([0-9.]+) .*/\1/' <<<"$line")
  if [ -z "$score" ]; then
    echo "FAIL security $unit: no score"; failures=$((failures + 1))
  elif awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s > m) }'; then
    echo "FAIL security $unit: exposure $score > $max_exposure"; failures=$((failures + 1))
  else
    echo "ok   security $unit: exposure $score"
  fi
done
exit $((failures > 0))
