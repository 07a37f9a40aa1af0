#!/usr/bin/env bash
# walnut's upsd with METRICS_LISTEN, fed by stock dummy-ups: GET /metrics passes promtool,
# matches upsc for the same UPS (status flags too, after a change), carries walnut_* counters,
# reports a lost driver as ups_scrape_success 0; walnut-textfile reads the same upsd.
# Usage: upsd_endpoint.sh PATH/TO/upsd PATH/TO/walnut-textfile
upsd=${1:?walnut upsd binary}
textfile=${2:?walnut-textfile binary}
source "$(dirname "$0")/nut_stack.sh"
command -v promtool >/dev/null || { echo "SKIP: promtool not installed"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

dummy_data ups1 <<'DATA'
battery.charge: 76
battery.runtime: 930
battery.voltage: 27.1
input.voltage: 231.0
output.voltage: 230.5
ups.load: 41
ups.realpower.nominal: 900
ups.status: OL
ups.mfr: Quote "Maker"
ups.vendorid: 051d
DATA
dummy_data ups2 <<'DATA'
battery.charge: 100
ups.load: 5
ups.status: OL
DATA
write_ups_conf ups1 ups2
start_dummy ups1
start_dummy ups2
metrics_port=$(free_port)
listen="METRICS_LISTEN 127.0.0.1 $metrics_port"
ipv6=0
if /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  listen+=$'\n'"METRICS_LISTEN ::1 $metrics_port"
  ipv6=1
fi
start_upsd "$upsd" "$listen"
server=127.0.0.1:$port
wait_for "walnut upsd serving ups1" 30 bash -c "upsc ups1@$server ups.status 2>/dev/null | grep -qx OL"
wait_for "walnut upsd serving ups2" 30 bash -c "upsc ups2@$server ups.status 2>/dev/null | grep -qx OL"

prom=$work/scrape.prom
scrape() {
  curl -sS --max-time 10 -o "$prom" -D "$work/headers" "http://127.0.0.1:$metrics_port/metrics" \
    || fail "GET /metrics failed"
  grep -qi '^HTTP/1.1 200' "$work/headers" || fail "status: $(head -1 "$work/headers")"
}

echo "== GET /metrics: promtool, content type, values against upsc"
scrape
check_promtool "$prom"
grep -qi '^Content-Type: text/plain; version=0.0.4' "$work/headers" || fail "content type: $(cat "$work/headers")"
expect_metric "$prom" ups_scrape_success 'ups="ups1"' 1
expect_metric "$prom" ups_scrape_success 'ups="ups2"' 1
compare_with_upsc "$prom" ups1
expect_metric "$prom" ups_status_online 'ups="ups1"' 1
expect_metric "$prom" ups_status_info 'ups="ups1",status="OL"' 1
grep -q '^ups_vendorid' "$prom" && fail "USB id exported as a number"
for name in walnut_connected_clients walnut_commands_total walnut_logins_total walnut_driver_reconnects_total; do
  grep -q "^$name " "$prom" || fail "$name missing"
done
grep -q '^walnut_build_info{version=' "$prom" || fail "walnut_build_info missing"

echo "== other paths and methods"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics_port/")
[ "$code" = 404 ] || fail "GET / gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$metrics_port/metrics")
[ "$code" = 405 ] || fail "POST /metrics gave $code"
if [ "$ipv6" = 1 ]; then
  curl -sf --max-time 10 -o "$work/v6.prom" "http://[::1]:$metrics_port/metrics" || fail "GET over IPv6 failed"
  expect_metric "$work/v6.prom" ups_scrape_success 'ups="ups1"' 1
fi

echo "== status change through upsrw shows up in the flags"
upsrw -s 'ups.status=OB LB' -u admin -p secret "ups1@$server" >/dev/null 2>&1 || fail "upsrw failed"
wait_for "ups1 on battery" 30 bash -c "upsc ups1@$server ups.status 2>/dev/null | grep -qx 'OB LB'"
scrape
check_promtool "$prom"
expect_metric "$prom" ups_status_online 'ups="ups1"' 0
expect_metric "$prom" ups_status_on_battery 'ups="ups1"' 1
expect_metric "$prom" ups_status_low_battery 'ups="ups1"' 1
expect_metric "$prom" ups_status_info 'ups="ups1",status="OB"' 1
expect_metric "$prom" ups_status_info 'ups="ups1",status="LB"' 1
expect_metric "$prom" ups_status_info 'ups="ups1",status="OL"' 0

echo "== walnut-textfile reads the same upsd"
"$textfile" --server "$server" --output "$work/ups.prom" || fail "walnut-textfile exited $?"
check_promtool "$work/ups.prom"
for name in ups_battery_charge ups_load ups_status_on_battery; do
  [ "$(metric "$work/ups.prom" "$name" 'ups="ups1"')" = "$(metric "$prom" "$name" 'ups="ups1"')" ] \
    || fail "$name differs between walnut-textfile and GET /metrics"
done

echo "== a driver that goes away: ups_scrape_success 0, its numbers gone"
stop_dummy ups2
wait_for "ups2 unavailable" 30 bash -c "! upsc ups2@$server ups.status >/dev/null 2>&1"
scrape
check_promtool "$prom"
expect_metric "$prom" ups_scrape_success 'ups="ups2"' 0
expect_metric "$prom" ups_scrape_success 'ups="ups1"' 1
expect_metric "$prom" ups_data_stale 'ups="ups2"' 1
expect_metric "$prom" ups_data_stale 'ups="ups1"' 0
[ -z "$(metric "$prom" ups_load 'ups="ups2"')" ] || fail "stale ups_load of ups2 still exported"
echo PASS
