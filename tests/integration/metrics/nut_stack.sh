# Sourced by the metrics integration tests: a private stock-NUT stack (dummy-ups drivers and,
# optionally, stock upsd) in a temp dir on a loopback port, always torn down on exit.
# Provides: $work, $port, free_port, dummy_data, write_ups_conf, start_dummy NAME, stop_dummy
# NAME, start_upsd [BINARY] (stock by default), stop_upsd, wait_for DESCRIPTION SECONDS
# COMMAND..., fail MESSAGE, metric FILE NAME LABELS, expect_metric FILE NAME LABELS VALUE,
# check_promtool FILE, compare_with_upsc FILE UPS.
set -euo pipefail

for tool in /lib/nut/dummy-ups /lib/nut/upsd /bin/upsc; do
  [ -x "$tool" ] || { echo "SKIP: stock NUT not installed ($tool)"; exit 77; }
done

# Short path: driver socket names must fit in sun_path.
work=$(mktemp -d /tmp/walnut-metrics.XXXXXX)
declare -A pids=()
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
export NUT_CONFPATH=$work NUT_STATEPATH=$work NUT_ALTPIDPATH=$work

stop_process() {
  local name=$1 pid=${pids[$1]:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "pids[$name]"
}

cleanup() {
  local status=$?
  for name in "${!pids[@]}"; do stop_process "$name"; done
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    for log in "$work"/*.log; do [ -e "$log" ] && { echo "--- $log"; tail -20 "$log"; }; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

wait_for() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "timed out after ${seconds}s waiting for $what"
}

# Writes $work/NAME.dev from stdin (dummy-ups "var: value" lines).
dummy_data() { cat > "$work/$1.dev"; }

write_ups_conf() {
  : > "$work/ups.conf"
  local name
  for name in "$@"; do printf '[%s]\n  driver = dummy-ups\n  port = %s.dev\n' "$name" "$name" >> "$work/ups.conf"; done
}

start_dummy() {
  /lib/nut/dummy-ups -a "$1" -u root -F > "$work/dummy-$1.log" 2>&1 &
  pids[dummy-$1]=$!
  wait_for "dummy-ups $1 socket" 30 test -S "$work/dummy-ups-$1"
}
stop_dummy() { stop_process "dummy-$1"; }

# start_upsd [BINARY [EXTRA upsd.conf LINES]]: LISTEN 127.0.0.1 $port, user admin/secret.
start_upsd() {
  local binary=${1:-/lib/nut/upsd}
  { printf 'LISTEN 127.0.0.1 %s\n' "$port"; [ -z "${2:-}" ] || printf '%s\n' "$2"; } > "$work/upsd.conf"
  printf '[admin]\n  password = secret\n  actions = SET\n' > "$work/upsd.users"
  chmod 640 "$work/upsd.conf" "$work/upsd.users"
  "$binary" -u root -F > "$work/upsd.log" 2>&1 &
  pids[upsd]=$!
}
stop_upsd() { stop_process upsd; }

# metric FILE NAME LABELS → the value of the sample NAME{LABELS} in FILE, or nothing.
metric() {
  awk -v want="$2{$3}" '$1 == want { print $2 }' "$1"
}

expect_metric() {
  local got
  got=$(metric "$1" "$2" "$3")
  [ "$got" = "$4" ] || fail "$2{$3} is '${got}', expected '$4'"
}

check_promtool() {
  local problems
  problems=$(promtool check metrics < "$1" 2>&1) || fail "promtool check metrics: $problems"
  [ -z "$problems" ] || fail "promtool check metrics complains: $problems"
}

# Every numeric value upsc shows for UPS must be in FILE under its metric name, same value.
compare_with_upsc() {
  local file=$1 ups=$2 checked=0 line var value name got
  while IFS= read -r line; do
    var=${line%%: *}; value=${line#*: }
    [[ $value =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || continue
    case $var in *vendorid*|*productid*|*serial*|*version*|*.id) continue ;; esac
    name=ups_${var#ups.}; name=${name//./_}
    got=$(metric "$file" "$name" "ups=\"$ups\"")
    [ -n "$got" ] || fail "$var ($value) of $ups not exported as $name"
    awk -v a="$got" -v b="$value" 'BEGIN { exit !(a + 0 == b + 0) }' || fail "$name is $got, upsc says $value"
    checked=$((checked + 1))
  done < <(upsc "$ups@127.0.0.1:$port" 2>/dev/null)
  [ "$checked" -ge 5 ] || fail "only $checked numeric variables of $ups compared"
  for name in ups_battery_charge ups_battery_runtime ups_battery_voltage ups_input_voltage \
              ups_output_voltage ups_load; do
    [ -n "$(metric "$file" "$name" "ups=\"$ups\"")" ] || fail "$name{ups=\"$ups\"} missing"
  done
}
