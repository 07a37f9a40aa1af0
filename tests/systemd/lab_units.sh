#!/usr/bin/env bash
# walnut's own units under a real systemd (../shared/systemd-lab/boot-systemd, default mode),
# running the binaries `cmake --install --prefix` put in a scratch prefix, on the simulated UPS:
#   - walnut-upsd.service and walnut-usbhid-ups@sim.service become active (Type=notify: READY=1);
#   - no watchdog kill in 2 x WatchdogSec (the test's copies use WatchdogSec=4);
#   - `systemctl reload` keeps a connected TCP client, which then sees the reloaded config;
#   - kill -9 of either main process is followed by a restart;
#   - the hardening is in force: /proc/PID/status (Uid nut, CapEff 0, NoNewPrivs 1, Seccomp 2)
#     and a read-only /usr and /etc in the service's mount namespace.
# Usage: lab_units.sh BUILD_DIR SOURCE_DIR. Root only; exit 77 where namespaces cannot be made.
set -euo pipefail
build=$(realpath "${1:?build dir}")
source_dir=$(realpath "${2:?source dir}")
lab="$source_dir/../shared/systemd-lab/boot-systemd"
watchdog_sec=4

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (namespaces, systemd as PID 1)"; exit 77; }
unshare --pid --fork --mount --propagation private true 2>/dev/null ||
  { echo "SKIP: cannot create PID + mount namespaces here"; exit 77; }
[ -x "$lab" ] || fail "no $lab"
id nut >/dev/null 2>&1 || fail "no user nut (scripts/setup installs Debian's nut)"

# The scratch dir lives in the build dir: the lab has a private /tmp, and `nut` must read it.
scratch=$(mktemp -d "$build/systemd-lab.XXXXXX")
chmod 755 "$scratch"
pid=""
client=""
cleanup() {
  [ -n "$client" ] && kill "$client" 2>/dev/null || true
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$scratch/prefix" >"$scratch/install.log" ||
  { cat "$scratch/install.log"; fail "cmake --install"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

conf="$scratch/etc"
mkdir -p "$conf"
cat >"$conf/ups.conf" <<CONF
[sim]
  driver = usbhid-ups
  port = sim:$source_dir/tests/data/hid-corpus/apc-back-ups-es-850g2.txt
  pollinterval = 1
  desc = "before reload"
CONF
printf 'LISTEN 127.0.0.1 %s\n' "$port" >"$conf/upsd.conf"
printf '[lab]\n  password = lab\n  upsmon primary\n' >"$conf/upsd.users"
chown -R root:nut "$conf"
chmod 750 "$conf"
chmod 640 "$conf"/*

# The installed units, as installed; the test's copies get a short watchdog and the config dir.
units="$scratch/units"
mkdir -p "$units"
for unit in walnut-upsd.service walnut-usbhid-ups@.service walnut-usbhid-ups.target; do
  cp "$scratch/prefix/lib/systemd/system/$unit" "$units/"
done
grep -q "^ExecStart=$scratch/prefix/sbin/upsd " "$units/walnut-upsd.service" ||
  fail "walnut-upsd.service does not run the installed upsd: $(grep ExecStart "$units/walnut-upsd.service")"
grep -q "^ExecStart=$scratch/prefix/lib/walnut/usbhid-ups " "$units/walnut-usbhid-ups@.service" ||
  fail "walnut-usbhid-ups@.service does not run the installed driver"
sed -i "s/^WatchdogSec=.*/WatchdogSec=$watchdog_sec/" "$units"/*.service
for unit in walnut-upsd.service walnut-usbhid-ups@.service; do
  mkdir -p "$units/$unit.d"
  printf '[Service]\nEnvironment=NUT_CONFPATH=%s\n' "$conf" >"$units/$unit.d/lab.conf"
done
printf '[Unit]\nWants=walnut-upsd.service walnut-usbhid-ups@sim.service\n' >"$units/test.target"
# Services Require= sysinit.target (DefaultDependencies): without it in the lab's unit path the
# first start goes through, but every automatic restart job fails ("Unit sysinit.target not
# found") and the unit stays failed.
for target in sysinit.target basic.target shutdown.target; do
  printf '[Unit]\nDescription=lab stand-in for %s\n' "$target" >"$units/$target"
done

pid=$("$lab" "$units")
[ -n "$pid" ] || fail "boot-systemd printed no pid"
in_lab() { nsenter -t "$pid" -m -p "$@"; }
sctl() { in_lab systemctl "$@"; }
show() { sctl show -p "$2" --value "$1"; }
upsd=walnut-upsd.service
driver=walnut-usbhid-ups@sim.service

wait_active() {  # UNIT [OLD_MAINPID]: active with a main pid other than OLD_MAINPID
  for _ in $(seq 300); do
    if [ "$(show "$1" ActiveState)" = active ]; then
      local main; main=$(show "$1" MainPID)
      if [ "$main" != 0 ] && [ "$main" != "${2:-}" ]; then echo "$main"; return 0; fi
    fi
    sleep 0.1
  done
  sctl status --no-pager "$1" >&2 || true
  fail "$1 is not active: $(show "$1" ActiveState)/$(show "$1" SubState) result $(show "$1" Result)"
}

# 1. Both become active: READY=1 reached systemd.
driver_pid=$(wait_active "$driver")
upsd_pid=$(wait_active "$upsd")
echo "ok   active: $driver (pid $driver_pid), $upsd (pid $upsd_pid)"

# A client that stays connected across the reload: one answer now, one after "$scratch/go".
cat >"$scratch/client.py" <<'PY'
import os, socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rwb", buffering=0)
def ask(line):
    f.write(line.encode() + b"\n")
    lines = []
    while True:
        got = f.readline().decode().rstrip("\n")
        lines.append(got)
        if not got.startswith("BEGIN") and (len(lines) == 1 or got.startswith("END")):
            return " | ".join(lines)
for _ in range(100):  # the driver's data reaches upsd a moment after both are up
    before = ask("GET VAR sim ups.status")
    if before.startswith("VAR"): break
    time.sleep(0.1)
open(out + ".1", "w").write(before + "\n" + ask("LIST UPS") + "\n")
for _ in range(600):
    if os.path.exists(out + ".go"): break
    time.sleep(0.1)
open(out + ".2", "w").write(ask("LIST UPS") + "\n" + ask("GET VAR sim ups.status") + "\n")
PY
python3 "$scratch/client.py" "$port" "$scratch/client" &
client=$!
for _ in $(seq 100); do [ -s "$scratch/client.1" ] && break; sleep 0.1; done
grep -q '^VAR sim ups.status "OL' "$scratch/client.1" ||
  fail "client got no status: $(cat "$scratch/client.1" 2>/dev/null)"
grep -q 'UPS sim "before reload"' "$scratch/client.1" || fail "LIST UPS: $(cat "$scratch/client.1")"
echo "ok   client connected: $(head -1 "$scratch/client.1")"

# 2. The watchdog does not fire in 2 x WatchdogSec (neither restarts nor changes pid).
sleep $((2 * watchdog_sec + 1))
for unit in "$upsd" "$driver"; do
  [ "$(show "$unit" WatchdogUSec)" = "${watchdog_sec}s" ] || fail "$unit WatchdogUSec $(show "$unit" WatchdogUSec)"
  [ "$(show "$unit" NRestarts)" = 0 ] || fail "$unit restarted $(show "$unit" NRestarts) times"
  [ "$(show "$unit" ActiveState)" = active ] || fail "$unit $(show "$unit" ActiveState)"
done
[ "$(show "$upsd" MainPID)" = "$upsd_pid" ] && [ "$(show "$driver" MainPID)" = "$driver_pid" ] ||
  fail "a main pid changed during the watchdog wait"
echo "ok   no watchdog kill in $((2 * watchdog_sec + 1)) s (WatchdogSec=$watchdog_sec)"

# 3. reload (RELOADING=1 .. READY=1) keeps the client, which sees the new description.
sed -i 's/desc = "before reload"/desc = "after reload"/' "$conf/ups.conf"
timeout 20 nsenter -t "$pid" -m -p systemctl reload "$upsd" || fail "systemctl reload $upsd"
[ "$(show "$upsd" ActiveState)" = active ] && [ "$(show "$upsd" MainPID)" = "$upsd_pid" ] ||
  fail "$upsd after reload: $(show "$upsd" ActiveState), pid $(show "$upsd" MainPID)"
touch "$scratch/client.go"
wait "$client" || fail "the client failed after the reload"
client=""
grep -q 'UPS sim "after reload"' "$scratch/client.2" || fail "after reload: $(cat "$scratch/client.2")"
grep -q '^VAR sim ups.status "OL' "$scratch/client.2" || fail "after reload: $(cat "$scratch/client.2")"
echo "ok   reload: the same connection sees the new config ($(head -1 "$scratch/client.2"))"

# 4. The hardening, as the kernel sees it.
nut_uid=$(id -u nut)
for unit in "$upsd" "$driver"; do
  main=$(show "$unit" MainPID)
  status=$(in_lab cat "/proc/$main/status")
  field() { awk -v k="$1:" '$1 == k { print $2 }' <<<"$status"; }
  [ "$(field Uid)" = "$nut_uid" ] || fail "$unit Uid $(field Uid), not nut ($nut_uid)"
  [ "$(field CapEff)" = 0000000000000000 ] || fail "$unit CapEff $(field CapEff)"
  [ "$(field CapBnd)" = 0000000000000000 ] || fail "$unit CapBnd $(field CapBnd)"
  [ "$(field NoNewPrivs)" = 1 ] || fail "$unit NoNewPrivs $(field NoNewPrivs)"
  [ "$(field Seccomp)" = 2 ] || fail "$unit Seccomp $(field Seccomp)"
  mounts=$(in_lab cat "/proc/$main/mountinfo")
  for path in /usr /etc; do
    # The mount holding $path: the longest mount point that is $path or one of its parents.
    options=$(awk -v p="$path" '{ m = $5; if (m == p || m == "/" || index(p, m "/") == 1) {
                                   if (length(m) >= best) { best = length(m); opts = $6 } } }
                                END { print opts }' <<<"$mounts")
    [[ ",$options," == *,ro,* ]] || fail "$unit: $path is not read-only (mount options $options)"
  done
  echo "ok   hardening $unit: Uid $nut_uid, CapEff 0, NoNewPrivs 1, Seccomp 2, /usr and /etc read-only"
done

# 5. kill -9 of either is followed by a restart.
for unit in "$upsd" "$driver"; do
  old=$(show "$unit" MainPID)
  in_lab kill -9 "$old"
  new=$(wait_active "$unit" "$old")
  [ "$(show "$unit" NRestarts)" -ge 1 ] || fail "$unit NRestarts $(show "$unit" NRestarts)"
  echo "ok   kill -9 $unit (pid $old): restarted as pid $new"
done
# And the restarted pair serves again.
for _ in $(seq 100); do
  answer=$(python3 - "$port" <<'PY' 2>/dev/null || true
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET VAR sim ups.status\n")
print(s.makefile().readline().strip())
PY
)
  [[ "$answer" == 'VAR sim ups.status "OL'* ]] && break
  sleep 0.2
done
[[ "$answer" == 'VAR sim ups.status "OL'* ]] || fail "after the restarts: $answer"
echo "ok   serving again after the restarts: $answer"
