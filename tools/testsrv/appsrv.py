#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Host-side servers for the unmodified-program tests (selftests/apps).

  appsrv.py --dir DIR --ready-file FILE [--bind 127.0.0.1]

Makes DIR/www/1m.bin and 128k.bin (random), a test CA and a server certificate
for 127.0.0.1 and apps.test (openssl, DIR/ca.pem), then serves, each on a
free port: HTTP and HTTPS (the files of DIR/www), a DNS server over UDP
(A records of dig.apps.test and dig2.apps.test, NXDOMAIN for the rest),
and a mosquitto broker when mosquitto is installed. Prints
"<service>=<port>" per service (http, https, dns, mqtt) and writes the
ready file. SIGTERM ends it and the broker.
"""
import argparse
import http.server
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading

DNS_TABLE = {"dig.apps.test": "10.11.12.13", "dig2.apps.test": "10.11.12.14"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("appsrv http: " + (fmt % args) + "\n")


def http_server(bind, root, tls=None):
    def handler(*a, **kw):
        return QuietHandler(*a, directory=root, **kw)
    srv = http.server.ThreadingHTTPServer((bind, 0), handler)
    if tls:
        srv.socket = tls.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


def dns_answer(query):
    """The reply to one DNS query (one question, class IN)."""
    if len(query) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qd != 1:
        return None
    i, labels = 12, []
    while i < len(query) and query[i]:
        n = query[i]
        labels.append(query[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qend = i + 5
    if qend > len(query):
        return None
    qtype, = struct.unpack("!H", query[i + 1:i + 3])
    name = ".".join(labels).lower()
    question = query[12:qend]
    addr = DNS_TABLE.get(name)
    rflags = 0x8400 | (flags & 0x0100)     # response, authoritative, RD
    if addr is None:
        return struct.pack("!HHHHHH", qid, rflags | 3, 1, 0, 0, 0) + question
    if qtype != 1:
        return struct.pack("!HHHHHH", qid, rflags, 1, 0, 0, 0) + question
    answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    return struct.pack("!HHHHHH", qid, rflags, 1, 1, 0, 0) + question + answer


def dns_server(bind):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind, 0))

    def loop():
        while True:
            q, peer = s.recvfrom(2048)
            r = dns_answer(q)
            if r:
                s.sendto(r, peer)
    threading.Thread(target=loop, daemon=True).start()
    return s.getsockname()[1]


def make_certs(d):
    """A test CA (ca.pem) and its server certificate (srv.pem, srv.key)."""
    def ossl(*args):
        subprocess.run(["openssl"] + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p = lambda n: os.path.join(d, n)
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
         "-subj", "/CN=qtcpip test CA")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", p("srv.key"), "-out", p("srv.csr"),
         "-subj", "/CN=apps.test")
    with open(p("srv.ext"), "w") as f:
        f.write("subjectAltName=DNS:apps.test,IP:127.0.0.1\n")
    ossl("x509", "-req", "-in", p("srv.csr"), "-CA", p("ca.pem"),
         "-CAkey", p("ca.key"), "-CAcreateserial", "-out", p("srv.pem"),
         "-days", "2", "-extfile", p("srv.ext"))


def free_port(bind):
    with socket.socket() as s:
        s.bind((bind, 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--bind", default="127.0.0.1")
    a = ap.parse_args()
    www = os.path.join(a.dir, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "1m.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    with open(os.path.join(www, "128k.bin"), "wb") as f:
        f.write(os.urandom(128 << 10))
    with open(os.path.join(www, "hello.txt"), "w") as f:
        f.write("hello from the host, through the module\n")
    make_certs(a.dir)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(os.path.join(a.dir, "srv.pem"),
                        os.path.join(a.dir, "srv.key"))
    ports = {"http": http_server(a.bind, www),
             "https": http_server(a.bind, www, tls),
             "dns": dns_server(a.bind)}
    broker = None
    mosq = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
    if mosq:
        port = free_port(a.bind)
        conf = os.path.join(a.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write("listener %d %s\nallow_anonymous true\npersistence false\n"
                    % (port, a.bind))
        broker = subprocess.Popen([mosq, "-c", conf],
                                  stdout=open(os.path.join(a.dir, "mosquitto.log"), "w"),
                                  stderr=subprocess.STDOUT)
        ports["mqtt"] = port

    def stop(*_):
        if broker:
            broker.terminate()
            broker.wait()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    text = "".join("%s=%d\n" % kv for kv in ports.items())
    sys.stdout.write(text)
    sys.stdout.flush()
    with open(a.ready_file, "w") as f:
        f.write(text)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
