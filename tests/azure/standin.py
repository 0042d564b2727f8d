#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Loopback stand-ins for tests/suites/azure.sh (Debian's python3, stdlib only).

  standin.py tokens PORTFILE LOG
      The Microsoft Entra token endpoints: POST /<tenant>/oauth2/v2.0/token
      (client credentials with a client_assertion: the federated token
      must equal the file named by $EXPECT_ASSERTION_FILE) and the
      instance metadata endpoint GET /metadata/identity/oauth2/token
      (needs "Metadata: true").  Access tokens are JWTs that azurite's
      --oauth basic accepts (audience https://storage.azure.com, issuer
      https://sts.windows.net/<tenant>/).  One JSON line per request in LOG.

  standin.py proxy PORTFILE UPSTREAM_PORT RULES LOG
      Forwards every request to 127.0.0.1:UPSTREAM_PORT, except those that
      a rule in the JSON file RULES (re-read at each request) answers
      with an error first:
        [{"match": "hour%3D14", "status": 503, "retry_after": "1",
          "times": 2}]
      "times" counts down (-1: always).  One JSON line per request in LOG:
      time, method, path, status.

Each server binds port 0 and writes the port it got to PORTFILE.
"""
import base64
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(tenant, oid):
    now = int(time.time())
    head = {"typ": "JWT", "alg": "RS256", "kid": "standin"}
    body = {"aud": "https://storage.azure.com", "iss": "https://sts.windows.net/%s/" % tenant,
            "iat": now - 60, "nbf": now - 60, "exp": now + 3600, "oid": oid, "tid": tenant,
            "sub": oid, "ver": "1.0"}
    return ".".join([b64url(json.dumps(head).encode()), b64url(json.dumps(body).encode()),
                     b64url(b"standin-signature-not-checked")])


class Base(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def record(self, **kw):
        kw["t"] = time.time()
        kw["method"] = self.command
        kw["path"] = self.path
        with LOCK, open(self.server.logpath, "a") as f:
            f.write(json.dumps(kw) + "\n")

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, data=b"", headers=None, ctype="application/json"):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class Tokens(Base):
    def do_POST(self):
        form = urllib.parse.parse_qs(self.body().decode())
        parts = self.path.split("/")
        want = open(os.environ["EXPECT_ASSERTION_FILE"]).read().strip()
        f = {k: v[0] for k, v in form.items()}
        ok = (len(parts) == 5 and parts[2:] == ["oauth2", "v2.0", "token"]
              and f.get("grant_type") == "client_credentials"
              and f.get("client_id") == os.environ.get("EXPECT_CLIENT_ID")
              and f.get("scope") == "https://storage.azure.com/.default"
              and f.get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
              and f.get("client_assertion") == want)
        self.record(kind="workload", ok=ok, fields=sorted(f))
        if not ok:
            return self.reply(401, json.dumps({
                "error": "invalid_client",
                "error_description": "AADSTS700213: No matching federated identity record found"}).encode())
        self.reply(200, json.dumps({"token_type": "Bearer", "expires_in": 3599,
                                    "access_token": jwt(parts[1], "wi-" + f["client_id"])}).encode())

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        ok = (u.path == "/metadata/identity/oauth2/token" and self.headers.get("Metadata") == "true"
              and q.get("api-version") == "2018-02-01" and q.get("resource") == "https://storage.azure.com/")
        self.record(kind="imds", ok=ok, client_id=q.get("client_id"))
        if not ok:
            return self.reply(400, json.dumps({"error": "invalid_request",
                                               "error_description": "bad IMDS request"}).encode())
        now = int(time.time())
        self.reply(200, json.dumps({"access_token": jwt("72f988bf-86f1-41af-91ab-2d7cd011db47", "mi"),
                                    "expires_in": "3599", "expires_on": str(now + 3599),
                                    "resource": "https://storage.azure.com/",
                                    "token_type": "Bearer"}).encode())


class Proxy(Base):
    def rule(self):
        try:
            rules = json.load(open(self.server.rules))
        except (OSError, ValueError):
            return None
        for r in rules:
            if r.get("match", "") in self.path and r.get("times", -1) != 0:
                if r.get("times", -1) > 0:
                    r["times"] -= 1
                    with open(self.server.rules, "w") as f:
                        json.dump(rules, f)
                return r
        return None

    def handle_any(self):
        data = self.body()
        with LOCK:
            r = self.rule()
        if r:
            self.record(status=r["status"], injected=True)
            hdr = {"x-ms-error-code": r.get("code", "ServerBusy")}
            if "retry_after" in r:
                hdr["Retry-After"] = r["retry_after"]
            return self.reply(r["status"], b"<?xml version=\"1.0\"?><Error><Code>%s</Code></Error>"
                              % hdr["x-ms-error-code"].encode(), hdr, "application/xml")
        c = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=30)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        c.request(self.command, self.path, body=data if data or self.command == "PUT" else None, headers=hdrs)
        resp = c.getresponse()
        out = resp.read()
        self.record(status=resp.status)
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", resp.getheader("Content-Length", "0"))
        else:
            self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)
        c.close()

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = handle_any


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    if mode == "tokens":
        srv = ThreadingHTTPServer(("127.0.0.1", 0), Tokens)
        srv.logpath = sys.argv[3]
    elif mode == "proxy":
        srv = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        srv.upstream = int(sys.argv[3])
        srv.rules = sys.argv[4]
        srv.logpath = sys.argv[5]
    else:
        sys.exit("usage: standin.py tokens|proxy ...")
    srv.daemon_threads = True
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
