"""STARTTLS in walnut's upsd: OpenSSL clients, stock NSS upsmon (CERTVERIFY 0 and 1 with a
certutil database), client-certificate requirement and FORCESSL. Certificates are made by the
test itself. Usage: tls_test.py WALNUT_UPSD"""
import os
import socket
import ssl
import subprocess
import sys
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import nut_harness as nh  # noqa: E402

WALNUT_UPSD = None
USERS = "[mon]\n  password = monpass\n  upsmon primary\n"


def sh(argv, **kwargs):
    subprocess.run(argv, check=True, capture_output=True, timeout=nh.DEADLINE, **kwargs)


def make_pki(d):
    """A test CA, a server certificate for 127.0.0.1 (CERTFILE: chain + key) and a client one."""
    ossl = ["openssl"]
    sh(ossl + ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
               "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem", "-days", "2",
               "-subj", "/CN=walnut test CA"])
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
                      ("client", "extendedKeyUsage=clientAuth")):
        sh(ossl + ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                   "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.csr",
                   "-subj", f"/CN=walnut test {name}"])
        with open(f"{d}/{name}.ext", "w") as f:
            f.write(ext + "\n")
        sh(ossl + ["x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/ca.pem",
                   "-CAkey", f"{d}/ca.key", "-CAcreateserial", "-days", "2",
                   "-out", f"{d}/{name}.pem", "-extfile", f"{d}/{name}.ext"])
    with open(f"{d}/upsd.pem", "w") as out:
        for part in ("server.pem", "server.key"):
            with open(f"{d}/{part}") as f:
                out.write(f.read())
    os.chmod(f"{d}/upsd.pem", 0o600)


def read_line(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data


class TlsServer:
    """One walnut upsd with a fake driver, configured by `extra` upsd.conf lines."""

    def __init__(self, box, pki, name, extra):
        self.port = nh.free_port()
        conf = box.path(name)
        box.write(f"{name}/ups.conf", "[dummy]\n driver = dummy-ups\n port = dummy.dev\n")
        box.write(f"{name}/upsd.users", USERS)
        box.write(f"{name}/upsd.conf", f"LISTEN 127.0.0.1 {self.port}\n"
                  f"CERTFILE {pki}/upsd.pem\n" + extra)
        self.process = box.start_upsd(name, WALNUT_UPSD, conf, self.port)
        # upsd listens before it has read the driver's dump: wait for the data (WAIT until then).
        nh.wait_until(lambda: nh.exchange(self.port, b"GET VAR dummy ups.status\n")
                      == b'VAR dummy ups.status "OL"\n', f"{name}: data from the driver")

    def plain(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=nh.DEADLINE)

    def starttls(self, context):
        sock = self.plain()
        sock.sendall(b"STARTTLS\n")
        assert read_line(sock) == b"OK STARTTLS\n"
        return context.wrap_socket(sock, server_hostname="127.0.0.1")


def client_context(pki, with_cert=False):
    context = ssl.create_default_context(cafile=f"{pki}/ca.pem")
    if with_cert:
        context.load_cert_chain(f"{pki}/client.pem", f"{pki}/client.key")
    return context


def tls_request(tls, line):
    tls.sendall(line)
    data = b""
    while not data.endswith(b"\n"):
        chunk = tls.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = nh.NutSandbox("walnut-tls-")
        try:
            cls.pki = cls.box.path("pki")
            os.mkdir(cls.pki)
            make_pki(cls.pki)
            # One driver socket in the shared state directory serves every server.
            cls.box.start_fake_driver("dummy-ups", "dummy",
                                      ['SETINFO ups.status "OL"', "DATAOK", "DUMPDONE"])
        except Exception:
            cls.box.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))

    def test_starttls_then_requests_over_tls_with_tls12_or_newer(self):
        server = TlsServer(self.box, self.pki, "basic", "DISABLE_WEAK_SSL 1\n")
        with server.starttls(client_context(self.pki)) as tls:
            self.assertIn(tls.version(), ("TLSv1.2", "TLSv1.3"))
            self.assertTrue(tls_request(tls, b"VER\n").startswith(b"Network UPS Tools upsd"))
            self.assertEqual(tls_request(tls, b"STARTTLS\n"), b"ERR ALREADY-SSL-MODE\n")
            self.assertEqual(tls_request(tls, b"GET VAR dummy ups.status\n"),
                             b'VAR dummy ups.status "OL"\n')
        # TLS 1.1 is refused with DISABLE_WEAK_SSL.
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.check_hostname = False
        old.verify_mode = ssl.CERT_NONE
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            old.set_ciphers("ALL:@SECLEVEL=0")
        except ssl.SSLError:
            pass
        with self.assertRaises((ssl.SSLError, OSError)):
            with server.starttls(old) as tls:
                tls_request(tls, b"VER\n")

    def test_client_without_certificate_is_refused_when_required(self):
        server = TlsServer(self.box, self.pki, "require",
                           f"CERTREQUEST REQUIRE\nCACERTFILE {self.pki}/ca.pem\n")
        with self.assertRaises((ssl.SSLError, OSError)):
            with server.starttls(client_context(self.pki)) as tls:
                # With TLS 1.3 the refusal arrives after the client's side finished.
                reply = tls_request(tls, b"VER\n")
                if not reply:
                    raise OSError("closed")
        with server.starttls(client_context(self.pki, with_cert=True)) as tls:
            self.assertTrue(tls_request(tls, b"VER\n").startswith(b"Network UPS Tools upsd"))
        # A certificate from another CA is refused as well.
        other = self.box.path("pki-other")
        os.mkdir(other)
        make_pki(other)
        foreign = ssl.create_default_context(cafile=f"{self.pki}/ca.pem")
        foreign.load_cert_chain(f"{other}/client.pem", f"{other}/client.key")
        with self.assertRaises((ssl.SSLError, OSError)):
            with server.starttls(foreign) as tls:
                if not tls_request(tls, b"VER\n"):
                    raise OSError("closed")

    def test_forcessl_refuses_credentials_before_tls(self):
        server = TlsServer(self.box, self.pki, "force", "FORCESSL 1\n")
        with server.plain() as sock:
            sock.sendall(b"USERNAME mon\n")
            self.assertEqual(read_line(sock), b"ERR ACCESS-DENIED\n")
            sock.sendall(b"PASSWORD monpass\n")
            self.assertEqual(read_line(sock), b"ERR ACCESS-DENIED\n")
            sock.sendall(b"LOGIN dummy\n")
            self.assertEqual(read_line(sock), b"ERR USERNAME-REQUIRED\n")
        with server.starttls(client_context(self.pki)) as tls:
            self.assertEqual(tls_request(tls, b"USERNAME mon\n"), b"OK\n")
            self.assertEqual(tls_request(tls, b"PASSWORD monpass\n"), b"OK\n")
            self.assertEqual(tls_request(tls, b"LOGIN dummy\n"), b"OK\n")

    def run_upsmon(self, server, name, extra):
        box = self.box
        box.write(f"{name}/upsmon.conf",
                  f"MONITOR dummy@127.0.0.1:{server.port} 1 mon monpass primary\n"
                  'SHUTDOWNCMD "/bin/true"\nPOLLFREQ 1\nPOLLFREQALERT 1\nFORCESSL 1\n' + extra)
        argv = ["/lib/nut/upsmon", "-F", "-D", "-p"]
        if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0:
            argv = ["unshare", "--mount", "sh", "-c",
                    "mkdir -p /run/nut && mount -t tmpfs none /run/nut && exec " + " ".join(argv)]
        return box.spawn(name, argv, box.environment(box.path(name)))

    def logins(self, server):
        return nh.exchange(server.port, b"GET NUMLOGINS dummy\n")

    def test_stock_nss_upsmon_forcessl(self):
        # The server refuses credentials in plain text, so a login proves upsmon used TLS.
        server = TlsServer(self.box, self.pki, "nss", "FORCESSL 1\nDISABLE_WEAK_SSL 1\n")
        monitor = self.run_upsmon(server, "upsmon-noverify", "CERTVERIFY 0\n")
        try:
            nh.wait_until(lambda: self.logins(server) == b"NUMLOGINS dummy 1\n",
                          "NSS upsmon logged in over TLS (CERTVERIFY 0)")
        finally:
            self.box.stop(monitor)
        nh.wait_until(lambda: self.logins(server) == b"NUMLOGINS dummy 0\n", "upsmon gone")

        # CERTVERIFY 1 with an NSS database trusting the test CA.
        db = self.box.path("nssdb")
        os.mkdir(db)
        sh(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"])
        sh(["certutil", "-A", "-d", f"sql:{db}", "-n", "walnut-test-ca", "-t", "CT,C,C",
            "-i", f"{self.pki}/ca.pem"])
        monitor = self.run_upsmon(server, "upsmon-verify", f"CERTVERIFY 1\nCERTPATH {db}\n")
        try:
            nh.wait_until(lambda: self.logins(server) == b"NUMLOGINS dummy 1\n",
                          "NSS upsmon logged in over verified TLS (CERTVERIFY 1)")
        finally:
            self.box.stop(monitor)
        nh.wait_until(lambda: self.logins(server) == b"NUMLOGINS dummy 0\n", "upsmon gone")

        # CERTVERIFY 1 with a database that does not know the CA: no login.
        empty = self.box.path("nssdb-empty")
        os.mkdir(empty)
        sh(["certutil", "-N", "-d", f"sql:{empty}", "--empty-password"])
        monitor = self.run_upsmon(server, "upsmon-untrusted", f"CERTVERIFY 1\nCERTPATH {empty}\n")
        try:
            nh.wait_until(lambda: "Certificate validation failed"
                          in self.box.log_of("upsmon-untrusted"),
                          "upsmon reported the failed verification")
            self.assertEqual(self.logins(server), b"NUMLOGINS dummy 0\n")
        finally:
            self.box.stop(monitor)


if __name__ == "__main__":
    WALNUT_UPSD = sys.argv.pop(1)
    unittest.main(verbosity=2)
