"""upsd keeps OpenSSL out of its process until TLS is configured (issue 19): its NEEDED list has
no libssl or libcrypto, an upsd without CERTFILE maps neither, one with CERTFILE loads
walnut-tls.so (and through it OpenSSL) and serves STARTTLS, and a module that is missing or is
no module stops upsd with an error naming the path. Usage: tls_module_test.py UPSD MODULE"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "interop"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "security"))
import nut_harness as nh  # noqa: E402
from tls_test import make_pki, read_line  # noqa: E402

UPSD = None
MODULE = None
OPENSSL = ("libssl.so", "libcrypto.so")


def needed(binary):
    """The shared libraries `binary` names in its dynamic section (readelf -d)."""
    out = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True,
                         text=True).stdout
    return [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines()
            if "(NEEDED)" in line]


def mapped(pid):
    """The base names of the files mapped into process `pid`."""
    names = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 6 and fields[5].startswith("/"):
                names.add(os.path.basename(fields[5]))
    return names


class TlsModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = nh.NutSandbox("walnut-tlsmod-")
        try:
            cls.pki = cls.box.path("pki")
            os.mkdir(cls.pki)
            make_pki(cls.pki)
        except Exception:
            cls.box.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))

    def configure(self, name, certfile):
        port = nh.free_port()
        self.box.write(f"{name}/ups.conf", "[dummy]\n driver = dummy-ups\n port = dummy.dev\n")
        self.box.write(f"{name}/upsd.users", "[mon]\n  password = monpass\n  upsmon primary\n")
        self.box.write(f"{name}/upsd.conf", f"LISTEN 127.0.0.1 {port}\n" +
                       (f"CERTFILE {self.pki}/upsd.pem\n" if certfile else ""))
        return self.box.path(name), port

    def run_to_exit(self, name, binary, env=None):
        """Runs an upsd that must refuse to start; returns its log."""
        confdir, _ = self.configure(name, certfile=True)
        environment = self.box.environment(confdir)
        environment.update(env or {})
        process = self.box.spawn(name, [binary, "-F", "-u", "root"], environment)
        try:
            process.wait(timeout=nh.DEADLINE)
        except subprocess.TimeoutExpired:
            self.box.stop(process)
            return None
        self.assertEqual(process.returncode, 1, self.box.log_of(name))
        return self.box.log_of(name)

    def test_upsd_does_not_link_openssl(self):
        upsd = needed(UPSD)
        self.assertIn("libc.so.6", upsd)  # the list was read
        self.assertEqual([lib for lib in upsd if lib.startswith(OPENSSL)], [], upsd)
        module = needed(MODULE)
        self.assertTrue(any(lib.startswith("libssl.so") for lib in module), module)

    def test_without_certfile_openssl_is_never_mapped(self):
        confdir, port = self.configure("plain", certfile=False)
        process = self.box.start_upsd("plain", UPSD, confdir, port)
        self.assertEqual(nh.exchange(port, b"STARTTLS\n"), b"ERR FEATURE-NOT-CONFIGURED\n")
        names = mapped(process.pid)
        self.assertIn("upsd", names)
        self.assertEqual(sorted(n for n in names if n.startswith(OPENSSL + ("walnut-tls",))), [])

    def test_with_certfile_the_module_serves_starttls(self):
        confdir, port = self.configure("tls", certfile=True)
        process = self.box.start_upsd("tls", UPSD, confdir, port)
        names = mapped(process.pid)
        self.assertIn("walnut-tls.so", names)
        self.assertTrue(any(n.startswith("libssl.so") for n in names), names)
        context = ssl.create_default_context(cafile=f"{self.pki}/ca.pem")
        with socket.create_connection(("127.0.0.1", port), timeout=nh.DEADLINE) as sock:
            sock.sendall(b"STARTTLS\n")
            self.assertEqual(read_line(sock), b"OK STARTTLS\n")
            with context.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
                tls.sendall(b"VER\n")
                self.assertTrue(read_line(tls).startswith(b"Network UPS Tools upsd"))

    def test_a_file_that_is_no_module_stops_upsd_naming_it(self):
        bogus = self.box.write("bogus/walnut-tls.so", "not a shared object\n" * 10)
        log = self.run_to_exit("bogus-run", UPSD, {"WALNUT_TLS_MODULE": bogus})
        self.assertIsNotNone(log, "upsd started with a broken module")
        self.assertIn(f"cannot load {bogus}: ", log)
        self.assertIn("invalid ELF header", log)  # dlerror()'s words

    def test_a_missing_module_stops_upsd_naming_where_it_looked(self):
        alone = self.box.path("alone")
        os.mkdir(alone)
        upsd = shutil.copy(UPSD, os.path.join(alone, "upsd"))
        log = self.run_to_exit("alone-run", upsd, {"WALNUT_TLS_MODULE": ""})
        if log is None:
            self.skipTest("upsd found an installed walnut-tls.so")
        self.assertIn("walnut-tls.so not found (looked for " + os.path.join(alone, "walnut-tls.so"),
                      log)
        self.assertIn("CERTFILE needs it", log)


if __name__ == "__main__":
    MODULE = sys.argv.pop(2)
    UPSD = sys.argv.pop(1)
    unittest.main(verbosity=2)
