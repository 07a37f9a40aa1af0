#!/usr/bin/env bash
# A real Prometheus (Debian's) scrapes walnut's upsd GET /metrics and evaluates the shipped
# alert rules: the target is up, ups_battery_charge arrives with its ups label, and a low
# charge makes UPSBatteryChargeLow pending. Loopback only; Prometheus' data in the temp dir.
# Usage: prometheus_scrape.sh PATH/TO/upsd
upsd=${1:?walnut upsd binary}
source "$(dirname "$0")/nut_stack.sh"
command -v prometheus >/dev/null || { echo "SKIP: prometheus not installed"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }
rules=$(cd "$(dirname "$0")/../../../config/prometheus" && pwd)/ups-alerts.yml

dummy_data ups1 <<'DATA'
battery.charge: 30
battery.runtime: 300
ups.load: 41
ups.status: OB DISCHRG
DATA
write_ups_conf ups1
start_dummy ups1
metrics_port=$(free_port)
start_upsd "$upsd" "METRICS_LISTEN 127.0.0.1 $metrics_port"
wait_for "walnut upsd serving ups1" 30 bash -c "upsc ups1@127.0.0.1:$port ups.status 2>/dev/null | grep -q OB"

prometheus_port=$(free_port)
cat > "$work/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: walnut
    static_configs:
      - targets: ['127.0.0.1:$metrics_port']
CONFIG
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
pids[prometheus]=$!

# query EXPR → the first sample's value, or nothing.
query() {
  curl -s --max-time 5 "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1" |
    /usr/bin/python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null
}
has_value() { [ "$(query "$1")" = "$2" ]; }
alert_active() {
  curl -s --max-time 5 "http://127.0.0.1:$prometheus_port/api/v1/alerts" |
    /usr/bin/python3 -c 'import json, sys
alerts = json.load(sys.stdin)["data"]["alerts"]
sys.exit(0 if any(a["labels"]["alertname"] == sys.argv[1] and a["labels"].get("ups") == "ups1"
                  for a in alerts) else 1)' "$1"
}

echo "== Prometheus scrapes the endpoint"
wait_for "the walnut target up" 60 has_value 'up{job="walnut"}' 1
wait_for "ups_battery_charge from upsd" 60 has_value 'ups_battery_charge{ups="ups1"}' 30
wait_for "ups_status_on_battery from upsd" 60 has_value 'ups_status_on_battery{ups="ups1"}' 1
echo "== the shipped rules see it"
wait_for "UPSBatteryChargeLow pending or firing" 60 alert_active UPSBatteryChargeLow
wait_for "UPSOnBattery pending or firing" 60 alert_active UPSOnBattery
echo PASS
