#!/usr/bin/env bash
# Every .nix file under nix/ parses (nix-instantiate --parse, from Debian's nix-bin). That is all
# that can be checked here: nothing can fetch nixpkgs to evaluate or build them.
# usage: nix_parse.sh SOURCE_DIR. Exit 77 = skipped (nix-bin not installed).
set -euo pipefail
src=${1:?source dir}
command -v nix-instantiate >/dev/null || { echo "SKIP: nix-instantiate missing (nix-bin; scripts/setup installs it)"; exit 77; }
passed=0 failed=0
for file in "$src"/nix/*.nix; do
  if out=$(nix-instantiate --parse "$file" 2>&1 >/dev/null); then
    echo "ok: ${file#"$src"/} parses"; passed=$((passed + 1))
  else
    echo "FAIL: ${file#"$src"/}: $out"; failed=$((failed + 1))
  fi
done
[ $((passed + failed)) -gt 0 ] || { echo "FAIL: no .nix file under nix/"; exit 1; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
