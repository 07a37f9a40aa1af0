#!/usr/bin/python3
"""Stock NUT 2.8.0 clients (upsc, upsrw, upscmd, upsmon, PyNUT) against walnut's upsd fed by
stock dummy-ups. Usage: stock_clients_test.py WALNUT_UPSD"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nut_harness as nh  # noqa: E402

WALNUT_UPSD = None

DUMMY_DEV = """\
ups.status: OL
ups.mfr: Test Corp
ups.model: Dummy 1000
battery.charge: 100
battery.runtime: 1800
input.voltage: 230.0
"""

UPSD_USERS = """\
[admin]
  password = secret
  actions = SET
  instcmds = all
[mon]
  password = monpass
  upsmon primary
[sec]
  password = secpass
  upsmon secondary
"""


def run(argv, timeout=nh.DEADLINE, check=True):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{argv} failed ({result.returncode}): {result.stderr}")
    return result


class StockClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = nh.NutSandbox("walnut-clients-")
        try:
            cls.port = nh.free_port()
            box = cls.box
            box.write("dummy.dev", DUMMY_DEV, 0o644)
            box.write("second.dev", DUMMY_DEV, 0o644)
            box.write("conf/ups.conf",
                      f"[dummy]\n driver = dummy-ups\n port = {box.root}/dummy.dev\n"
                      f' desc = "Primary test UPS"\n'
                      f"[second]\n driver = dummy-ups\n port = {box.root}/second.dev\n")
            box.write("conf/upsd.users", UPSD_USERS)
            box.write("conf/upsd.conf", f"LISTEN 127.0.0.1 {cls.port}\n")
            box.start_dummy_ups(box.path("conf"), "dummy")
            box.start_dummy_ups(box.path("conf"), "second")
            cls.upsd = box.start_upsd("walnut-upsd", WALNUT_UPSD, box.path("conf"), cls.port)
            cls.target = f"dummy@127.0.0.1:{cls.port}"
            nh.wait_until(lambda: cls.upsc("ups.status") == "OL", "dummy data in walnut upsd")
        except Exception:
            cls.box.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))

    @classmethod
    def upsc(cls, variable=None, ups="dummy"):
        argv = ["upsc", f"{ups}@127.0.0.1:{cls.port}"] + ([variable] if variable else [])
        return run(argv, check=False).stdout.strip()

    def test_upsc_lists_the_upses(self):
        out = run(["upsc", "-l", f"127.0.0.1:{self.port}"]).stdout.split()
        self.assertEqual(out, ["dummy", "second"])
        out = run(["upsc", "-L", f"127.0.0.1:{self.port}"]).stdout
        self.assertIn("dummy: Primary test UPS", out)

    def test_upsc_shows_all_variables(self):
        lines = dict(line.split(": ", 1) for line in self.upsc().splitlines())
        self.assertEqual(lines["ups.mfr"], "Test Corp")
        self.assertEqual(lines["battery.charge"], "100")
        self.assertEqual(lines["driver.name"], "dummy-ups")

    def test_upsc_reads_one_variable_and_reports_unknown_ones(self):
        self.assertEqual(self.upsc("input.voltage"), "230.0")
        result = run(["upsc", self.target, "no.such.var"], check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Error: Variable not supported by UPS", result.stderr)
        result = run(["upsc", f"nosuch@127.0.0.1:{self.port}"], check=False)
        self.assertIn("Error: Unknown UPS", result.stderr)

    def test_upsc_lists_clients(self):
        out = run(["upsc", "-c", self.target]).stdout
        self.assertEqual(out.strip(), "")

    def test_upsrw_lists_and_sets_a_variable(self):
        out = run(["upsrw", self.target]).stdout
        self.assertIn("[ups.mfr]", out)
        self.assertIn("Type: STRING", out)
        run(["upsrw", "-s", "ups.model=Model X", "-u", "admin", "-p", "secret", self.target])
        nh.wait_until(lambda: self.upsc("ups.model") == "Model X", "ups.model set via upsrw")
        # -w waits for the driver's answer through TRACKING.
        result = run(["upsrw", "-w", "-s", "ups.model=Model Y", "-u", "admin", "-p", "secret",
                      self.target])
        self.assertIn("SUCCESS", result.stdout + result.stderr)
        nh.wait_until(lambda: self.upsc("ups.model") == "Model Y", "ups.model set via upsrw -w")

    def test_upsrw_is_refused_without_the_set_action(self):
        result = run(["upsrw", "-s", "ups.model=Nope", "-u", "mon", "-p", "monpass", self.target],
                     check=False)
        self.assertIn("ERR ACCESS-DENIED", result.stdout + result.stderr)

    def test_upscmd_lists_and_runs_a_command(self):
        out = run(["upscmd", "-l", self.target]).stdout
        self.assertIn("load.off", out)
        result = run(["upscmd", "-u", "admin", "-p", "secret", self.target, "load.off"])
        self.assertIn("OK", result.stdout + result.stderr)
        # dummy-ups answers every instant command with STAT_INSTCMD_UNKNOWN: -w shows the
        # driver's own answer, carried back through TRACKING.
        result = run(["upscmd", "-w", "-u", "admin", "-p", "secret", self.target, "load.off"],
                     check=False)
        self.assertIn("ERR UNKNOWN", result.stdout + result.stderr)
        result = run(["upscmd", "-u", "sec", "-p", "secpass", self.target, "load.off"],
                     check=False)
        self.assertIn("ERR ACCESS-DENIED", result.stdout + result.stderr)

    def test_pynut_reads_lists_and_sets(self):
        script = f"""
import PyNUT
c = PyNUT.PyNUTClient(host="127.0.0.1", port={self.port}, login="admin", password="secret")
print(sorted(c.GetUPSList().keys()))
v = c.GetUPSVars("dummy")
print(v[b"battery.charge"] if b"battery.charge" in v else v["battery.charge"])
print(sorted(c.GetUPSCommands("dummy").keys()))
print(c.GetRWVars("dummy")[b"ups.mfr" if b"ups.mfr" in c.GetRWVars("dummy") else "ups.mfr"])
c.SetRWVar("dummy", "battery.runtime", "1799")
print(c.RunUPSCommand("dummy", "load.off"))
print(c.GetUPSNames() if hasattr(c, "GetUPSNames") else "")
"""
        out = run(["/usr/bin/python3", "-c", script]).stdout
        self.assertIn("dummy", out.splitlines()[0])
        self.assertIn("100", out.splitlines()[1])
        self.assertIn("load.off", out.splitlines()[2])
        nh.wait_until(lambda: self.upsc("battery.runtime") == "1799", "PyNUT SetRWVar")

    def test_zz_upsmon_primary_and_secondary_then_fsd_and_shutdown(self):
        box = self.box
        flag = box.path("shutdown-ran")
        powerdown = box.path("powerdown-flag")
        box.write("upsmon/upsmon.conf",
                  f"MONITOR dummy@127.0.0.1:{self.port} 1 mon monpass primary\n"
                  f"MONITOR second@127.0.0.1:{self.port} 0 sec secpass secondary\n"
                  "MINSUPPLIES 1\n"
                  f'SHUTDOWNCMD "/bin/sh -c \\"echo shutdown > {flag}\\""\n'
                  f"POWERDOWNFLAG {powerdown}\n"
                  "POLLFREQ 1\nPOLLFREQALERT 1\nFINALDELAY 0\nHOSTSYNC 1\nDEADTIME 5\n")
        env = box.environment(box.path("upsmon"))
        # upsmon keeps its pid file in /run/nut whatever NUT_ALTPIDPATH says: give it a
        # private /run/nut so it neither sees nor clobbers another instance.
        private_run = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
        argv = ["/lib/nut/upsmon", "-F", "-D", "-p"]
        if private_run.returncode == 0:
            argv = ["unshare", "--mount", "sh", "-c",
                    "mkdir -p /run/nut && mount -t tmpfs none /run/nut && exec " + " ".join(argv)]
        monitor = box.spawn("upsmon", argv, env)
        try:
            def logged_in():
                out = nh.exchange(self.port, b"GET NUMLOGINS dummy\nGET NUMLOGINS second\n")
                return out == b"NUMLOGINS dummy 1\nNUMLOGINS second 1\n"
            nh.wait_until(logged_in, "upsmon logged in as primary and secondary")
            clients = run(["upsc", "-c", self.target]).stdout.split()
            self.assertEqual(clients, ["127.0.0.1"])
            self.assertFalse(os.path.exists(flag))
            run(["upsrw", "-s", "ups.status=OB LB", "-u", "admin", "-p", "secret", self.target])
            nh.wait_until(lambda: os.path.exists(flag), "upsmon ran SHUTDOWNCMD")
            self.assertEqual(self.upsc("ups.status"), "FSD OB LB")
            nh.wait_until(lambda: os.path.exists(powerdown), "upsmon wrote POWERDOWNFLAG")
        finally:
            box.stop(monitor)
            self.assertIn("Auto logout and shutdown proceeding", box.log_of("upsmon"))


if __name__ == "__main__":
    WALNUT_UPSD = sys.argv.pop(1)
    unittest.main(verbosity=2)
