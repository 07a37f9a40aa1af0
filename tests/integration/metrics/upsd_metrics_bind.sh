#!/usr/bin/env bash
# A METRICS_LISTEN port that another program holds must not take walnut's upsd down: upsd
# serves NUT anyway, logs the error, shows walnut_metrics_listener_up 0 on the address that
# did bind, and binds the taken one as soon as it is free (upsd retries every 5 s).
# Usage: upsd_metrics_bind.sh PATH/TO/upsd
upsd=${1:?walnut upsd binary}
source "$(dirname "$0")/nut_stack.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

dummy_data ups1 <<'DATA'
battery.charge: 80
ups.status: OL
DATA
write_ups_conf ups1
start_dummy ups1
taken=$(free_port)
other=$(free_port)
# Another program listening on the port first.
/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(600)' "$taken" &
pids[holder]=$!
wait_for "the port taken" 10 bash -c "! /usr/bin/python3 -c 'import socket, sys; socket.socket().bind((\"127.0.0.1\", int(sys.argv[1])))' $taken"

start_upsd "$upsd" "METRICS_LISTEN 127.0.0.1 $taken
METRICS_LISTEN 127.0.0.1 $other"
server=127.0.0.1:$port
get() { curl -sf --max-time 5 "http://127.0.0.1:$1/metrics"; }
listener_up() { get "$1" | grep -qxF "walnut_metrics_listener_up{address=\"127.0.0.1\",port=\"$2\"} $3"; }

echo "== the port is taken: upsd serves NUT, logs it, tells on the other listener"
wait_for "walnut upsd serving ups1" 30 bash -c "upsc ups1@$server ups.status 2>/dev/null | grep -qx OL"
kill -0 "${pids[upsd]}" || fail "upsd exited"
grep -q "cannot listen on 127.0.0.1 port $taken" "$work/upsd.log" || fail "bind error not logged: $(cat "$work/upsd.log")"
wait_for "the other listener" 10 listener_up "$other" "$other" 1
listener_up "$other" "$taken" 0 || fail "walnut_metrics_listener_up of the taken port is not 0: $(get "$other" | grep listener)"
get "$taken" >/dev/null 2>&1 && fail "something else answered GET /metrics on the taken port"

echo "== the port is freed: upsd binds it on its next try"
stop_process holder
wait_for "GET /metrics on the freed port" 15 listener_up "$taken" "$taken" 1
listener_up "$other" "$taken" 1 || fail "the other listener still reports the port as down"
grep -q "listening on 127.0.0.1 port $taken after" "$work/upsd.log" || fail "late bind not logged"
upsc "ups1@$server" ups.status >/dev/null 2>&1 || fail "NUT service lost meanwhile"
echo PASS
