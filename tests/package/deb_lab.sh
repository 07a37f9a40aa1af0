#!/usr/bin/env bash
# The Debian package under Debian's own NUT, in a throwaway copy of this machine
# (shared/systemd-lab/boot-systemd --system: every install and edit happens in an overlay that is
# deleted afterwards; the host's stock /lib/nut binaries stay the parity oracle).
#
# usage: deb_lab.sh SOURCE_DIR WALNUT_SIM PACKAGE_DIR
#   builds walnut_V.deb and walnut_V+lab1.deb with scripts/package into PACKAGE_DIR, then in the
#   lab: dpkg -i; Debian's units run walnut; upsc; STARTTLS once CERTFILE is set (walnut-tls.so
#   under the drop-in's sandbox); an outage through upsmon, poweroff and the
#   nutshutdown hook down to walnut's -k; nut-server reinstalled; walnut upgraded; dpkg -r;
#   dpkg --purge. Exit 77 = skipped (not root, or no namespaces).
set -euo pipefail
src=$(cd "${1:?source dir}" && pwd)
sim_tool=$(readlink -f "${2:?walnut-sim}")
pkgdir=${3:?package dir}
lab="$src/../shared/systemd-lab/boot-systemd"
capture="$src/tests/data/hid-corpus/apc-back-ups-es-850g2.txt"
started=$(date +%s)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; if [ -n "${pid:-}" ]; then lab_logs; fi; exit 1; }
ok() { echo "ok: $*"; }
[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces, dpkg inside the lab)"
unshare --pid --fork --mount true 2>/dev/null || skip "this machine cannot create PID + mount namespaces"
[ -x "$lab" ] || fail "no $lab"
for tool in dpkg-buildpackage dh nsenter; do command -v "$tool" >/dev/null || fail "$tool missing (scripts/setup)"; done
dpkg --verify nut-server || fail "the host's nut-server is not clean before the test"

# 1. Two packages: this build, and a newer build of itself.
mkdir -p "$pkgdir"
deb1=$("$src/scripts/package" --out "$pkgdir")  # lintian-clean, or it fails
version=$(dpkg-deb -f "$deb1" Version)
cp "$deb1" "$pkgdir/lab-old.deb"
deb2=$("$src/scripts/package" --out "$pkgdir" --no-lintian --version "$version+lab1")
cp "$deb2" "$pkgdir/lab-new.deb"
deb1=$pkgdir/lab-old.deb deb2=$pkgdir/lab-new.deb
ok "built $(basename "$deb1") ($version) and $(basename "$deb2") ($version+lab1) in $(( $(date +%s) - started )) s"

work=$(mktemp -d /var/tmp/walnut-deb-lab.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
dpkg-deb -x "$deb1" "$work/old"
dpkg-deb -x "$deb2" "$work/new"
mkdir -p "$work/units"
printf '[Unit]\nDescription=deb lab\n' >"$work/units/test.target"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Everything the lab needs from the host exists before it boots (the overlay shows / as it was).
cp "$capture" "$work/capture.txt"
chmod -R a+rX "$work"

pid=$(BOOT_SYSTEMD_SCRATCH="$work/sys" "$lab" --system "$work/units") || fail "boot-systemd failed"
in_lab() { nsenter -t "$pid" -m -p "$@"; }
sh_lab() { nsenter -t "$pid" -m -p sh -c "$1"; }
lab_logs() {
  echo "----- journal (last 80 lines)"
  in_lab journalctl --no-pager -n 80 -u "nut-*" 2>/dev/null || true
}
wait_for() {  # wait_for SECONDS COMMAND...: true once COMMAND succeeds
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
exe_of() { sh_lab "readlink /proc/$1/exe"; }
main_pid() { in_lab systemctl show -p MainPID --value "$1"; }
driver_pid() { sh_lab 'cat /run/nut/usbhid-ups-sim.pid'; }
# is_walnut PID FILE_TREE: the process runs the file at its path, and that file is FILE_TREE's.
is_walnut() {
  local exe; exe=$(exe_of "$1")
  case "$exe" in /usr/lib/nut/upsd|/usr/lib/nut/usbhid-ups) ;; *) return 1 ;; esac
  cmp -s "/proc/$pid/root$exe" "$2$exe"
}
upsc_lab() { in_lab upsc "sim@127.0.0.1:$port" "$@" 2>/dev/null; }
root=/proc/$pid/root

# 2. dpkg -i: the four diversions, stock's files kept aside.
in_lab rm -f /usr/sbin/policy-rc.d  # the host's forbids service restarts; a real system has none
for f in ups.conf upsd.conf upsd.users upsmon.conf nut.conf; do in_lab cp -p "/etc/nut/$f" "/etc/nut/$f.lab-orig"; done
in_lab dpkg -i "$deb1" >"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log"; fail "dpkg -i walnut"; }
diversions=$(in_lab dpkg-divert --list | grep -c 'by walnut$' || true)
[ "$diversions" = 4 ] || fail "expected 4 diversions by walnut, have: $(in_lab dpkg-divert --list)"
for name in upsd usbhid-ups; do
  cmp -s "/lib/nut/$name" "$root/lib/nut/$name.nut-stock" || fail "stock $name not kept aside as $name.nut-stock"
  cmp -s "$work/old/usr/lib/nut/$name" "$root/lib/nut/$name" || fail "/lib/nut/$name is not walnut's"
done
ok "dpkg -i: 4 diversions (/lib/nut and /usr/lib/nut), stock's binaries kept as *.nut-stock"

# 3. Configure Debian's NUT for the simulated UPS and start Debian's units.
# The capture lives in /etc/nut: the driver drop-in's PrivateTmp hides /var/tmp.
in_lab cp "$work/capture.txt" /etc/nut/lab-capture.txt
sh_lab "cat > /etc/nut/nut.conf" <<EOF
MODE=standalone
EOF
sh_lab "cat > /etc/nut/ups.conf" <<EOF
[sim]
  driver = usbhid-ups
  port = sim:/etc/nut/lab-capture.txt
  pollinterval = 1
EOF
sh_lab "cat > /etc/nut/upsd.conf" <<EOF
LISTEN 127.0.0.1 $port
EOF
sh_lab "cat > /etc/nut/upsd.users" <<EOF
[mon]
  password = labpass
  upsmon primary
EOF
sh_lab "cat > /etc/nut/upsmon.conf" <<EOF
MONITOR sim@127.0.0.1:$port 1 mon labpass primary
MINSUPPLIES 1
SHUTDOWNCMD "/bin/touch /run/lab-shutdowncmd"
POWERDOWNFLAG /etc/killpower
POLLFREQ 1
POLLFREQALERT 1
FINALDELAY 0
DEADTIME 10
EOF
# The sim's environment reaches the driver through a drop-in (upsdrvctl passes its environment on).
sh_lab "mkdir -p /etc/systemd/system/nut-driver@.service.d && cat > /etc/systemd/system/nut-driver@.service.d/lab-sim.conf" <<EOF
[Service]
Environment=WALNUT_SIM_SOCKET=/run/nut/sim.sock WALNUT_SIM_SCALE=20 WALNUT_SIM_LOG=/run/nut/set_report.log
EOF
sh_lab 'chgrp nut /etc/nut/*.conf /etc/nut/upsd.users && chmod 640 /etc/nut/*.conf /etc/nut/upsd.users'
in_lab systemctl daemon-reload
in_lab systemctl enable nut-driver-enumerator.service nut-server.service nut-monitor.service nut.target nut-driver.target >/dev/null 2>&1 ||
  fail "systemctl enable of Debian's units"
in_lab systemctl start nut-driver-enumerator.service || fail "nut-driver-enumerator"
in_lab systemctl start nut-driver@sim.service nut-server.service || fail "start nut-driver@sim and nut-server"
wait_for 30 in_lab systemctl is-active nut-driver@sim.service nut-server.service || fail "units not active"
wait_for 30 sh_lab 'test -s /run/nut/usbhid-ups-sim.pid' || fail "no driver pid file"
is_walnut "$(driver_pid)" "$work/old" || fail "nut-driver@sim runs $(exe_of "$(driver_pid)"), not walnut's usbhid-ups"
is_walnut "$(main_pid nut-server.service)" "$work/old" || fail "nut-server runs $(exe_of "$(main_pid nut-server.service)"), not walnut's upsd"
ok "nut-driver@sim and nut-server active; their processes are walnut's /usr/lib/nut/usbhid-ups and upsd"

wait_for 30 sh_lab "upsc sim@127.0.0.1:$port ups.status 2>/dev/null | grep -qx OL" || fail "upsc never read OL"
expected_model=$(sed -n 's/^device.model: //p' "$capture" | head -1)
[ -n "$expected_model" ] && [ "$(upsc_lab device.model)" = "$expected_model" ] ||
  fail "upsc device.model: '$(upsc_lab device.model)', the capture says '$expected_model'"
ok "upsc reads the UPS through Debian's units: $(upsc_lab ups.status), $(upsc_lab device.model)"

# 4. The optional drop-in for nut-server: enable it with the documented line; watchdog and hardening.
enable_line=$(grep -m1 -o 'mkdir -p /etc/systemd/system/nut-server.service.d && .*restart nut-server' \
  "$root/usr/share/walnut/systemd/nut-server.service.d/walnut.conf") || fail "no enable line in the drop-in"
sh_lab "$enable_line" || fail "enabling the nut-server drop-in"
wait_for 30 in_lab systemctl is-active nut-server.service || fail "nut-server with the drop-in not active"
[ "$(in_lab systemctl show -p Type --value nut-server.service)" = notify ] || fail "drop-in not applied"
[ "$(in_lab systemctl show -p WatchdogUSec --value nut-server.service)" = 30s ] || fail "no watchdog"
upsd_pid=$(main_pid nut-server.service)
sh_lab "grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$upsd_pid/status" || fail "NoNewPrivs not set"
is_walnut "$upsd_pid" "$work/old" || fail "nut-server with the drop-in runs $(exe_of "$upsd_pid")"
wait_for 30 sh_lab "upsc sim@127.0.0.1:$port ups.status 2>/dev/null | grep -qx OL" || fail "upsc after the drop-in"
ok "nut-server drop-in: Type=notify, WatchdogSec=30s, NoNewPrivs=1, active, serving"
# TLS under the hardened unit: OpenSSL only once CERTFILE is set, through /usr/lib/nut/walnut-tls.so.
! sh_lab "grep -qE 'libssl|libcrypto|walnut-tls' /proc/$upsd_pid/maps" || fail "upsd maps OpenSSL without CERTFILE"
in_lab openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -keyout /etc/nut/lab-tls.key -out /etc/nut/lab-tls.crt >/dev/null 2>&1 || fail "openssl req"
sh_lab 'cat /etc/nut/lab-tls.crt /etc/nut/lab-tls.key >/etc/nut/lab-tls.pem && chmod 600 /etc/nut/lab-tls.pem'
sh_lab "cp -p /etc/nut/upsd.conf /etc/nut/upsd.conf.lab-plain && echo 'CERTFILE /etc/nut/lab-tls.pem' >>/etc/nut/upsd.conf"
in_lab systemctl restart nut-server.service || fail "nut-server with CERTFILE"
wait_for 30 in_lab systemctl is-active nut-server.service || fail "nut-server with CERTFILE not active"
upsd_pid=$(main_pid nut-server.service)
sh_lab "grep -q /usr/lib/nut/walnut-tls.so /proc/$upsd_pid/maps" || fail "upsd with CERTFILE did not load walnut-tls.so"
starttls_ver="import socket, ssl
s = socket.create_connection(('127.0.0.1', $port), timeout=10)
s.sendall(b'STARTTLS\\n')
assert s.recv(100) == b'OK STARTTLS\\n'
c = ssl.create_default_context(cafile='/etc/nut/lab-tls.crt'); c.check_hostname = False
t = c.wrap_socket(s)
t.sendall(b'VER\\n')
print(t.recv(200).decode().strip())"
wait_for 30 in_lab python3 -c "$starttls_ver" || fail "STARTTLS through nut-server: $(in_lab python3 -c "$starttls_ver" 2>&1 | tail -1)"
sh_lab "mv /etc/nut/upsd.conf.lab-plain /etc/nut/upsd.conf && rm /etc/nut/lab-tls.*"
in_lab systemctl restart nut-server.service || fail "nut-server back without CERTFILE"
wait_for 30 sh_lab "upsc sim@127.0.0.1:$port ups.status 2>/dev/null | grep -qx OL" || fail "upsc after the TLS step"
ok "nut-server with CERTFILE: walnut-tls.so loaded under the drop-in's sandbox, STARTTLS and VER over TLS"
enable_line=$(grep -m1 -o 'mkdir -p /etc/systemd/system/nut-driver@.service.d && .*daemon-reload' \
  "$root/usr/share/walnut/systemd/nut-driver@.service.d/walnut.conf") || fail "no enable line in the driver drop-in"
sh_lab "$enable_line" || fail "enabling the nut-driver@ drop-in"
in_lab systemctl restart nut-driver@sim.service || fail "nut-driver@sim with the drop-in"
wait_for 30 sh_lab 'test -s /run/nut/usbhid-ups-sim.pid' || fail "no driver pid file with the drop-in"
sh_lab "grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$(driver_pid)/status" || fail "driver: NoNewPrivs not set"
is_walnut "$(driver_pid)" "$work/old" || fail "nut-driver@sim with the drop-in runs $(exe_of "$(driver_pid)")"
wait_for 30 sh_lab "upsc sim@127.0.0.1:$port ups.status 2>/dev/null | grep -qx OL" || fail "upsc after the driver drop-in"
ok "nut-driver@ drop-in: NoNewPrivs=1, walnut's driver serving"

# 5. An outage: upsmon (standalone) sets POWERDOWNFLAG and runs SHUTDOWNCMD.
in_lab systemctl start nut-monitor.service || fail "nut-monitor"
sim() { in_lab env WALNUT_SIM_SOCKET=/run/nut/sim.sock "$sim_tool" "$@" >/dev/null; }
sim charge 30 || fail "walnut-sim charge"
sim mains off || fail "walnut-sim mains off"
wait_for 90 sh_lab 'test -e /run/lab-shutdowncmd' || fail "upsmon never ran SHUTDOWNCMD"
sh_lab 'test -e /etc/killpower' || fail "upsmon did not set POWERDOWNFLAG"
ok "outage: upsmon set POWERDOWNFLAG /etc/killpower and ran SHUTDOWNCMD"

# 6. Poweroff: the units stop, then systemd-shutdown runs the hook, which reaches walnut's -k.
# poweroff stops every unit; stopping nut-driver.target alone leaves Debian 12's nut-driver@sim
# running (and walnut's -k then goes through that running driver, as NUT 2.8.5's does).
in_lab systemctl stop nut-monitor.service nut-server.service nut-driver@sim.service \
  nut-driver.target nut.target
for unit in nut-driver@sim.service nut-server.service nut-monitor.service; do
  in_lab systemctl is-active "$unit" >/dev/null && fail "$unit still active"
done
in_lab env WALNUT_SIM_LOG=/run/nut/killpower.log /lib/systemd/system-shutdown/nutshutdown poweroff ||
  fail "nutshutdown failed"
killpower=$(sh_lab 'cat /run/nut/killpower.log 2>/dev/null' || true)
[ "$killpower" = "SET_REPORT 0x40: 40 0a" ] || fail "nutshutdown did not reach walnut's -k (sim log: '$killpower')"
ok "nutshutdown -> upsdrvctl shutdown -> walnut's usbhid-ups -k: the sim logged '$killpower'"
sh_lab 'rm -f /etc/killpower /run/lab-shutdowncmd'

# 7. nut-server reinstalled (from apt's cache, no network): walnut stays.
in_lab env DEBIAN_FRONTEND=noninteractive apt-get install --reinstall -y --no-download \
  -o Dpkg::Options::=--force-confold nut-server >"$work/reinstall.log" 2>&1 ||
  { tail -20 "$work/reinstall.log"; fail "apt-get install --reinstall nut-server (is its .deb in /var/cache/apt/archives?)"; }
for name in upsd usbhid-ups; do
  cmp -s "$work/old/usr/lib/nut/$name" "$root/lib/nut/$name" || fail "reinstalling nut-server replaced walnut's $name"
  cmp -s "/lib/nut/$name" "$root/lib/nut/$name.nut-stock" || fail "stock $name.nut-stock lost on reinstall"
done
ok "nut-server reinstalled: walnut's binaries stay, stock's stay aside"

# 8. Upgrade walnut to a newer build of itself: the diversions stay, the new binaries serve.
# The mains come back: a fresh sim (its saved state is the outage, battery run down, USB gone).
# nut-server's postinst may have started the units again meanwhile: stop them first.
in_lab systemctl stop nut-server.service nut-driver@sim.service
sh_lab 'rm -f /run/nut/sim.sock.state'
in_lab systemctl start nut-driver@sim.service nut-server.service || fail "restarting Debian's units"
wait_for 30 sh_lab "upsc sim@127.0.0.1:$port ups.status 2>/dev/null | grep -q OL" || fail "upsc before the upgrade"
in_lab dpkg -i "$deb2" >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "dpkg -i the newer walnut"; }
[ "$(in_lab dpkg-query -W -f '${Version}' walnut)" = "$version+lab1" ] || fail "walnut not upgraded"
diversions=$(in_lab dpkg-divert --list | grep -c 'by walnut$' || true)
[ "$diversions" = 4 ] || fail "after the upgrade: $(in_lab dpkg-divert --list)"
wait_for 30 in_lab systemctl is-active nut-driver@sim.service nut-server.service || fail "units after the upgrade"
is_walnut "$(main_pid nut-server.service)" "$work/new" || fail "after the upgrade nut-server runs $(exe_of "$(main_pid nut-server.service)")"
wait_for 30 sh_lab "upsc sim@127.0.0.1:$port ups.status 2>/dev/null | grep -q OL" || fail "upsc after the upgrade"
ok "upgrade to $version+lab1: 4 diversions stay, the restarted units run the new build"

# 9. dpkg -r: stock's binaries are back and serve (stock usbhid-ups cannot open a sim: port).
in_lab dpkg -r walnut >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r walnut"; }
for name in upsd usbhid-ups; do
  cmp -s "/lib/nut/$name" "$root/lib/nut/$name" || fail "after dpkg -r, /lib/nut/$name is not stock's"
  sh_lab "test ! -e /lib/nut/$name.nut-stock" || fail "$name.nut-stock left behind"
done
sh_lab 'test ! -e /etc/systemd/system/nut-server.service.d/walnut.conf' || fail "nut-server drop-in link left behind"
sh_lab 'test ! -L /etc/systemd/system/nut-driver@.service.d/walnut.conf' || fail "nut-driver@ drop-in link left behind"
wait_for 30 in_lab systemctl is-active nut-server.service || fail "stock nut-server not active after dpkg -r"
upsd_pid=$(main_pid nut-server.service)
cmp -s /lib/nut/upsd "/proc/$pid/root/proc/$upsd_pid/exe" || fail "nut-server after dpkg -r runs $(exe_of "$upsd_pid")"
[ "$(in_lab systemctl show -p Type --value nut-server.service)" = simple ] || fail "walnut's drop-in still applies"
wait_for 30 sh_lab "upsc -l 127.0.0.1:$port 2>/dev/null | grep -qx sim" || fail "stock upsd does not list the UPS"
wait_for 30 sh_lab "journalctl -u nut-driver@sim.service --no-pager | grep -q 'Generic HID driver'" ||
  fail "stock usbhid-ups never ran under nut-driver@sim"
ok "dpkg -r: stock binaries back (cmp with the host's), stock upsd serves, stock usbhid-ups runs"

# 10. --purge: nut-server verifies clean (with its conffiles as they were).
in_lab dpkg --purge walnut >/dev/null || fail "dpkg --purge walnut"
for f in ups.conf upsd.conf upsd.users upsmon.conf nut.conf; do in_lab mv "/etc/nut/$f.lab-orig" "/etc/nut/$f"; done
in_lab rm -f /etc/nut/lab-capture.txt
verify=$(in_lab dpkg --verify nut-server nut-client 2>&1) || true
[ -z "$verify" ] || fail "dpkg --verify nut-server after purge: $verify"
[ -z "$(in_lab dpkg-divert --list | grep walnut)" ] || fail "diversions left after purge"
ok "--purge: no diversion left, dpkg --verify nut-server nut-client clean"

kill -9 "$pid"; pid=""
verify=$(dpkg --verify nut-server 2>&1) || true
[ -z "$verify" ] || fail "the HOST's nut-server changed: $verify"
dpkg-divert --list | grep -q walnut && fail "the HOST has a walnut diversion"
ok "host: dpkg --verify nut-server clean, no diversion"
echo "deb lab took $(( $(date +%s) - started )) s"
echo "1 passed, 0 failed"
