#!/usr/bin/env bash
# Integration test: simulated APC UPS -> walnut usbhid-ups -> upsd (stock /lib/nut/upsd, or
# walnut's when given) -> stock upsc/upscmd/upsrw, all on loopback in a temp dir.
#   nut_stack.sh USBHID_UPS CAPTURE [UPSD]
# Checks: upsc shows the capture's variables (the corpus file's upsc: section, driver.* aside);
# upscmd and upsrw reach the sim device as SET_REPORTs (its log) and the new values come back;
# SIGUSR1 (sim unplug) makes upsc say "Data stale", SIGUSR2 (replug) brings the data back.
# Exit 77 = skipped (no stock NUT, or no upsd given).
set -u
driver=$1
capture=$2
upsd=${3:-/lib/nut/upsd}
for tool in "$upsd" /bin/upsc /bin/upscmd /bin/upsrw python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not available"; exit 77; }
done

work=$(mktemp -d /tmp/walnut-driver-it.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$work"/*.log; do echo "--- $log"; tail -n 30 "$log"; done
  exit 1
}
# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/ups.conf" <<CONF
[sim]
  driver = usbhid-ups
  port = "sim:$capture"
  pollinterval = 1
CONF
cat > "$work/upsd.conf" <<CONF
LISTEN 127.0.0.1 $port
CONF
cat > "$work/upsd.users" <<CONF
[admin]
  password = walnut-test
  actions = SET
  instcmds = all
CONF
chmod 600 "$work"/*.conf "$work/upsd.users"
export NUT_CONFPATH=$work NUT_STATEPATH=$work NUT_ALTPIDPATH=$work WALNUT_SIM_LOG=$work/set_report.log
ups=sim@127.0.0.1:$port

# As root the driver would become "nut", who cannot write this test's state dir.
as_root=()
if [ "$(id -u)" -eq 0 ]; then as_root=(-u root); fi
"$driver" -a sim -F "${as_root[@]}" >"$work/driver.log" 2>&1 &
driver_pid=$!
pids+=("$driver_pid")
wait_for 20 test -S "$work/usbhid-ups-sim" || fail "driver socket never appeared"
"$upsd" -u root -F >"$work/upsd.log" 2>&1 &
pids+=("$!")

status() { upsc "$ups" ups.status 2>&1 | grep -v "^Init SSL"; }
status_is() { [ "$(status)" = "$1" ]; }
wait_for 30 status_is OL || fail "ups.status never became OL (last: $(status))"

# 1. upsc shows what the capture's NUT reading shows.
upsc "$ups" 2>/dev/null | grep -v '^driver\.' >"$work/got.txt"
sed -n '/^upsc:$/,/^[a-z-]*:$/p' "$capture" | sed '1d' | grep -v '^[a-z-]*:$' |
  grep -v '^driver\.' >"$work/expected.txt"
[ -s "$work/expected.txt" ] || fail "capture has no upsc: section"
diff "$work/expected.txt" "$work/got.txt" >"$work/diff.txt" ||
  fail "upsc differs from the capture's NUT reading: $(cat "$work/diff.txt")"
echo "ok: upsc matches the capture's $(wc -l <"$work/expected.txt") variables"

# 2. An instant command and a write go through upsd to the device.
upscmd -u admin -p walnut-test -w "$ups" beeper.disable >"$work/upscmd.out" 2>&1 ||
  fail "upscmd failed: $(cat "$work/upscmd.out")"
grep -q SUCCESS "$work/upscmd.out" || fail "upscmd did not succeed: $(cat "$work/upscmd.out")"
grep -q '^SET_REPORT 0x18: 18 01$' "$work/set_report.log" ||
  fail "beeper.disable did not reach the device: $(cat "$work/set_report.log")"
beeper_disabled() { [ "$(upsc "$ups" ups.beeper.status 2>/dev/null)" = disabled ]; }
wait_for 20 beeper_disabled || fail "ups.beeper.status never became disabled"
echo "ok: upscmd beeper.disable -> SET_REPORT 0x18 -> ups.beeper.status disabled"

upsrw -u admin -p walnut-test -w -s input.transfer.high=270 "$ups" >"$work/upsrw.out" 2>&1 ||
  fail "upsrw failed: $(cat "$work/upsrw.out")"
grep -q '^SET_REPORT 0x33: 33 0e 01$' "$work/set_report.log" ||
  fail "input.transfer.high=270 did not reach the device: $(cat "$work/set_report.log")"
transfer_high() { [ "$(upsc "$ups" input.transfer.high 2>/dev/null)" = 270 ]; }
wait_for 20 transfer_high || fail "input.transfer.high never read back 270"
echo "ok: upsrw input.transfer.high=270 -> SET_REPORT 0x33 -> reads back 270"

# 2b. NUT 2.8.5's driver core through stock upsd: driver.state, the driver.* commands and
# driver.debug as a writable number (drivers/main.c:1821-1822, 3220-3241).
[ "$(upsc "$ups" driver.state 2>/dev/null)" = quiet ] || fail "driver.state is not quiet: $(upsc "$ups" driver.state 2>&1)"
upscmd -u admin -p walnut-test -l "$ups" >"$work/cmds.out" 2>&1 || fail "upscmd -l failed: $(cat "$work/cmds.out")"
for cmd in shutdown.default driver.killpower driver.reload driver.reload-or-exit driver.reload-or-error; do
  grep -q "^$cmd " "$work/cmds.out" || fail "upscmd -l does not list $cmd: $(cat "$work/cmds.out")"
done
upscmd -u admin -p walnut-test -w "$ups" driver.reload >"$work/reload.out" 2>&1 &&
  grep -q SUCCESS "$work/reload.out" || fail "upscmd driver.reload failed: $(cat "$work/reload.out")"
upsrw -u admin -p walnut-test -w -s driver.debug=1 "$ups" >"$work/debug.out" 2>&1 ||
  fail "upsrw driver.debug=1 failed: $(cat "$work/debug.out")"
debug_one() { [ "$(upsc "$ups" driver.debug 2>/dev/null)" = 1 ]; }
wait_for 20 debug_one || fail "driver.debug never read back 1"
echo "ok: driver.state quiet, upscmd -l lists the driver.* commands, driver.reload SUCCESS, upsrw driver.debug=1"

# 3. Unplug: stale; replug: the same driver process recovers.
kill -USR1 "$driver_pid"
stale() { status | grep -q 'Data stale'; }
wait_for 30 stale || fail "unplug did not make the data stale (last: $(status))"
echo "ok: unplugged -> Data stale"
kill -USR2 "$driver_pid"
wait_for 60 status_is OL || fail "replug did not bring the data back (last: $(status))"
kill -0 "$driver_pid" || fail "driver process died"
echo "ok: replugged -> OL again, same driver process"
echo "1 passed, 0 failed"
