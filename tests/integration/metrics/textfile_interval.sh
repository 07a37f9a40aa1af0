#!/usr/bin/env bash
# walnut-textfile --interval against stock NUT (dummy-ups + upsd 2.8.0): it keeps the file
# current without being restarted, rides out the server going away and coming back (logging
# the problem once, not on every write), and stops cleanly, exit 0, on SIGTERM.
# Usage: textfile_interval.sh PATH/TO/walnut-textfile
textfile=${1:?walnut-textfile binary}
source "$(dirname "$0")/nut_stack.sh"

dummy_data ups1 <<'DATA'
battery.charge: 87
ups.load: 23
ups.status: OL
DATA
write_ups_conf ups1
start_dummy ups1
start_upsd
server=127.0.0.1:$port
wait_for "stock upsd serving ups1" 30 bash -c "upsc ups1@$server ups.status 2>/dev/null | grep -qx OL"

out=$work/out
mkdir "$out"
prom=$out/ups.prom
has() { [ "$(metric "$prom" "$1" "$2")" = "$3" ]; }

echo "== bad arguments"
rc=0; "$textfile" --interval 0 --output "$prom" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--interval 0 gave exit $rc"
rc=0; "$textfile" --interval 1 --output - 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--interval with stdout gave exit $rc"

echo "== one process keeps the file current"
"$textfile" --server "$server" --interval 1 --timeout 1 --output "$prom" > "$work/textfile.log" 2>&1 &
pids[textfile]=$!
wait_for "first write" 10 has ups_battery_charge 'ups="ups1"' 87
upsrw -s 'ups.status=OB' -u admin -p secret "ups1@$server" >/dev/null 2>&1 || fail "upsrw failed"
wait_for "the change in the file" 10 has ups_status_on_battery 'ups="ups1"' 1
kill -0 "${pids[textfile]}" || fail "walnut-textfile exited"

echo "== the server goes away: 0 in the file, one warning however long it lasts"
stop_upsd
wait_for "ups_scrape_success 0" 10 has ups_scrape_success 'ups="ups1"' 0
first=$(stat -c %Y "$prom")
sleep 3.5
[ "$(stat -c %Y "$prom")" -gt "$first" ] || fail "the file was not rewritten while the server was down"
warnings=$(grep -c 'cannot connect' "$work/textfile.log" || true)
[ "$warnings" = 1 ] || fail "expected the connection problem logged once, got $warnings lines: $(cat "$work/textfile.log")"
has ups_scrape_success 'ups="ups1"' 0 || fail "ups1 lost its label while the server was down"

echo "== the server comes back"
start_upsd
wait_for "ups_scrape_success 1 again" 15 has ups_scrape_success 'ups="ups1"' 1
grep -q 'written again' "$work/textfile.log" || fail "recovery not logged: $(cat "$work/textfile.log")"

echo "== SIGTERM stops it at once, exit 0, no temporary file left"
kill -TERM "${pids[textfile]}"
for _ in $(seq 30); do kill -0 "${pids[textfile]}" 2>/dev/null || break; sleep 0.1; done
kill -0 "${pids[textfile]}" 2>/dev/null && fail "still running 3 s after SIGTERM"
status=0; wait "${pids[textfile]}" || status=$?
unset "pids[textfile]"
[ "$status" = 0 ] || fail "exit status $status after SIGTERM"
[ "$(ls -A "$out")" = "ups.prom" ] || fail "temporary files left behind: $(ls -A "$out")"
echo PASS
