#!/usr/bin/env bash
# walnut-textfile against STOCK NUT (dummy-ups + upsd 2.8.0): the file passes promtool, its
# values match upsc, status changes show up, and failures become ups_scrape_success 0.
# Usage: textfile_stock_upsd.sh PATH/TO/walnut-textfile
textfile=${1:?walnut-textfile binary}
source "$(dirname "$0")/nut_stack.sh"
command -v promtool >/dev/null || { echo "SKIP: promtool not installed"; exit 77; }

dummy_data ups1 <<'DATA'
battery.charge: 87
battery.runtime: 1260
battery.voltage: 13.6
input.voltage: 230.0
output.voltage: 229.5
ups.load: 23
ups.temperature: 31.5
ups.status: OL CHRG
ups.mfr: Quote "Maker" \ Ltd
ups.vendorid: 0764
ups.serial: 000123
DATA
dummy_data ups2 <<'DATA'
battery.charge: 100
ups.load: 5
ups.status: OL
DATA
write_ups_conf ups1 ups2
start_dummy ups1
start_dummy ups2
start_upsd
server=127.0.0.1:$port
wait_for "stock upsd serving ups1" 30 bash -c "upsc ups1@$server ups.status 2>/dev/null | grep -q OL"
wait_for "stock upsd serving ups2" 30 bash -c "upsc ups2@$server ups.status 2>/dev/null | grep -q OL"

out=$work/out
mkdir "$out"
prom=$out/ups.prom

scrape() { "$textfile" --server "$server" "$@" --output "$prom" || fail "walnut-textfile exited $?"; }
expect() { expect_metric "$prom" "$@"; }

echo "== every UPS, values against upsc"
scrape
check_promtool "$prom"
[ "$(ls -A "$out")" = "ups.prom" ] || fail "temporary files left behind: $(ls -A "$out")"
expect ups_scrape_success 'ups="ups1"' 1
expect ups_scrape_success 'ups="ups2"' 1
compare_with_upsc "$prom" ups1
grep -q '^ups_vendorid\|^ups_serial' "$prom" && fail "identifiers exported as numbers"
grep -q '^# HELP ups_battery_charge Battery charge (percent of full)' "$prom" || fail "HELP text missing"
expect ups_status_online 'ups="ups1"' 1
expect ups_status_info 'ups="ups1",status="CHRG"' 1
expect ups_status_info 'ups="ups1",status="OB"' 0
expect ups_data_stale 'ups="ups1"' 0
# The labels as stock upsd serves the variables (dummy-ups drops the quotes and backslash of
# ups.mfr and adds a model). Label values with blanks: grep the whole line, not metric().
mfr=$(upsc "ups1@$server" device.mfr 2>/dev/null)
model=$(upsc "ups1@$server" device.model 2>/dev/null)
[ -n "$mfr" ] && [ -n "$model" ] || fail "stock upsd has no device.mfr/device.model for ups1"
grep -qxF "ups_device_info{ups=\"ups1\",mfr=\"$mfr\",model=\"$model\",firmware=\"\",serial=\"000123\",driver=\"dummy-ups\"} 1" "$prom" \
  || fail "ups_device_info of ups1: $(grep '^ups_device_info' "$prom")"

echo "== status change through upsrw shows up"
upsrw -s 'ups.status=OB LB' -u admin -p secret "ups1@$server" >/dev/null 2>&1 || fail "upsrw failed"
wait_for "ups1 on battery" 30 bash -c "upsc ups1@$server ups.status 2>/dev/null | grep -qx 'OB LB'"
scrape
check_promtool "$prom"
expect ups_status_online 'ups="ups1"' 0
expect ups_status_on_battery 'ups="ups1"' 1
expect ups_status_low_battery 'ups="ups1"' 1
expect ups_status_info 'ups="ups1",status="OB"' 1
expect ups_status_info 'ups="ups1",status="LB"' 1
expect ups_status_info 'ups="ups1",status="OL"' 0
expect ups_status_info 'ups="ups1",status="CHRG"' 0

echo "== a UPS whose driver is gone: scrape failure, no stale numbers"
stop_dummy ups2
wait_for "ups2 unavailable" 30 bash -c "! upsc ups2@$server ups.status >/dev/null 2>&1"
scrape
check_promtool "$prom"
expect ups_scrape_success 'ups="ups2"' 0
expect ups_scrape_success 'ups="ups1"' 1
expect ups_data_stale 'ups="ups2"' 1
[ -z "$(metric "$prom" ups_load 'ups="ups2"')" ] || fail "stale ups_load of ups2 still exported"
grep -q '^ups_device_info{ups="ups2"' "$prom" && fail "device info of a UPS without data"

echo "== the server is down: every named UPS reports 0, the old numbers are gone"
stop_upsd
scrape --ups ups1 --ups ups2 --timeout 2
check_promtool "$prom"
expect ups_scrape_success 'ups="ups1"' 0
expect ups_scrape_success 'ups="ups2"' 0
grep -q '^ups_load' "$prom" && fail "stale numbers left after a failed scrape"
grep -q '^ups_data_stale' "$prom" && fail "ups_data_stale when the server could not be asked"
scrape --timeout 2  # no --ups: the names come from the previous file
check_promtool "$prom"
expect ups_scrape_success 'ups="ups1"' 0
expect ups_scrape_success 'ups="ups2"' 0
rm "$prom"
scrape --timeout 2  # no names known at all: one unlabelled series
check_promtool "$prom"
grep -qx 'ups_scrape_success{ups=""} 0' "$prom" || fail "no unlabelled scrape failure: $(cat "$prom")"

echo "== an unwritable output is an error"
"$textfile" --server "$server" --timeout 1 --output "$work/missing/ups.prom" 2>/dev/null && fail "exit 0 without writing"
echo PASS
