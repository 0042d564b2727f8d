#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The collector under hostile and failing conditions (issue 15).

    tests/reliability/run.py path/to/driftmon [scenario...]

Scenarios (all by default), each reproducing a failure the attack found:

  disk       the WAL on a 3 MiB tmpfs (mounted here; a loop file system
             when tmpfs cannot be mounted; never skipped): the disk fills
             with WAL -> 503 and /healthz 503; it recovers by itself once
             the sealed segment is uploaded; the disk filled by another
             file with a dirty learned schema and a segment left by a
             kill -9: the restart uploads and retires it, SIGTERM on the
             full disk is prompt and exits 0, and it serves again as soon
             as space returns; every acknowledged record is in the store
  drain      storage down at SIGTERM: exit within --drain-seconds + 2 s,
             one line saying how many records stay in the WAL; the next
             start uploads them
  conns      idle and slow connections (loopback only, bounded in count
             and time): a client past --max-connections gets a 503 with a
             body; /healthz stays reachable (reserved slots, and the
             --health-listen listener throughout); a slowloris sending a
             byte every 0.5 s and a slow body are cut at
             --request-timeout; SIGTERM with idle connections is prompt
  limits     junk model and column names: refused without the token and
             never learned; with the token they fill --max-models /
             --max-columns, and are forgotten after --schema-ttl once
             uploaded while a model in use keeps its types
  labels     POST /v1/labels: bad input gets a 4xx naming the field;
             acknowledged labels survive kill -9 (none lost, none
             doubled); detect's join sees them with the predictions
  privacy    /healthz without the token says only the status; with it
             the details, credentials redacted; a password, sig= and
             AccountKey= in store URLs are printed nowhere

Prints "ok: ..." / "FAIL: ..." lines and a closing
"reliability: N passed, N failed"; exits 1 on any failure.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/driftmon")
ONLY = sys.argv[2:]
TOKEN = "rel-token-0123456789"
passed = 0
failed = 0
T = tempfile.mkdtemp(prefix="dm-rel.")
procs = []
mounts = []
collectors = []


def ok(name):
    global passed
    passed += 1
    print("  ok: " + name, flush=True)


def fail(name, why=""):
    global failed
    failed += 1
    print("  FAIL: " + name + (": " + str(why) if why else ""), flush=True)


def check(name, cond, why=""):
    (ok if cond else lambda n: fail(n, why))(name)
    return cond


# ---- the collector ---------------------------------------------------------
class Collector:
    def __init__(self, name, wal, store, args=(), token=TOKEN, env=None):
        self.dir = os.path.join(T, name)
        os.makedirs(self.dir, exist_ok=True)
        self.portfile = os.path.join(self.dir, "port")
        self.hportfile = None
        self.errpath = os.path.join(self.dir, "stderr")
        self.wal, self.store, self.args, self.token = wal, store, list(args), token
        self.env = dict(os.environ)
        self.env.pop("DRIFTMON_COLLECTOR_TOKEN", None)
        if token:
            self.env["DRIFTMON_COLLECTOR_TOKEN"] = token
        if env:
            self.env.update(env)
        self.p = None
        self.hport = None
        collectors.append(self)

    def start(self, wait=True):
        if os.path.exists(self.portfile):
            os.unlink(self.portfile)
        cmd = [BIN, "collect", "--listen", "127.0.0.1:0", "--port-file",
               self.portfile, "--wal-dir", self.wal, "--store", self.store] + self.args
        self.err = open(self.errpath, "ab")
        self.p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err,
                                  env=self.env)
        procs.append(self.p)
        if not wait:
            return True
        t0 = time.time()
        while time.time() - t0 < 10:
            if os.path.exists(self.portfile) and open(self.portfile).read().strip():
                self.port = int(open(self.portfile).read())
                break
            if self.p.poll() is not None:
                return False
            time.sleep(0.05)
        else:
            return False
        if "--health-listen" in self.args:
            for line in self.stderr().splitlines():
                if "health checks on port" in line:
                    self.hport = int(line.rsplit(" ", 1)[1])
        return True

    def stderr(self):
        try:
            return open(self.errpath, errors="replace").read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signals; returns (exit code, seconds to exit)."""
        t0 = time.time()
        self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
            return ("timeout", time.time() - t0)
        return (rc, time.time() - t0)

    def kill9(self):
        self.p.kill()
        self.p.wait()

    def request(self, method, path, body=None, auth=True, port=None, timeout=10):
        """(status, body text) or (None, error)."""
        h = {}
        if auth and self.token:
            h["Authorization"] = "Bearer " + self.token
        if body is not None:
            h["Content-Type"] = "application/json"
        try:
            c = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read().decode(errors="replace")
            c.close()
            return r.status, data
        except Exception as e:  # reset, refused, timeout
            return None, repr(e)

    def post(self, recs, **kw):
        body = "\n".join(json.dumps(r) for r in recs)
        return self.request("POST", "/v1/predictions", body, **kw)

    def health(self, path="/healthz", **kw):
        return self.request("GET", path, **kw)

    def wait_health(self, code, timeout, path="/healthz"):
        t0 = time.time()
        while time.time() - t0 < timeout:
            st, _ = self.health(path, auth=False)
            if st == code:
                return time.time() - t0
            time.sleep(0.1)
        return None


def records(n, model="spam-detector", version="v1", start=0, extra=None):
    out = []
    for i in range(start, start + n):
        f = {"url_count": i % 17, "sender_domain": "d%d.example.com" % (i % 5),
             "body": "x%d" % i + "y" * 300}
        if extra:
            f.update(extra)
        out.append({"model_name": model, "model_version": version,
                    "request_id": "%s-%d" % (model, i), "features": f,
                    "prediction": (i % 100) / 100.0})
    return out


def store_ids(store):
    """request_ids of every Parquet file under store (a list)."""
    ids = []
    for root, _, files in os.walk(store):
        for f in files:
            if not f.endswith(".parquet"):
                continue
            out = subprocess.run([BIN, "parquet", "cat", os.path.join(root, f),
                                  "--columns", "request_id", "--format", "csv"],
                                 capture_output=True, text=True)
            ids += [l for l in out.stdout.splitlines()[1:] if l]
    return ids


def small_fs(name, size_mb=3):
    """A small file system of its own: tmpfs, else a loop ext2."""
    d = os.path.join(T, name)
    os.makedirs(d, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % size_mb, "tmpfs", d],
                       capture_output=True, text=True)
    if r.returncode == 0:
        mounts.append(d)
        return d, "tmpfs"
    img = os.path.join(T, name + ".img")
    subprocess.run(["truncate", "-s", "%dM" % size_mb, img], check=True)
    subprocess.run(["mkfs.ext2", "-q", "-F", img], check=True, capture_output=True)
    r2 = subprocess.run(["mount", "-o", "loop", img, d], capture_output=True, text=True)
    if r2.returncode != 0:
        # a failure, never a skip
        raise RuntimeError("cannot mount a small file system (tmpfs: %s; loop: %s); "
                           "run as root" % (r.stderr.strip(), r2.stderr.strip()))
    mounts.append(d)
    return d, "loop ext2"


def fill(path):
    """Writes a file at path until the disk is full; returns its size."""
    n = 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return 0
    for blk in (1 << 16, 4096, 512, 1):
        while True:
            try:
                w = os.write(fd, b"\0" * blk)
                if w <= 0:
                    break
                n += w
            except OSError:
                break
    os.close(fd)
    return n


# ---- scenarios --------------------------------------------------------------
def sc_disk():
    print("== the WAL's disk full", flush=True)
    fs, kind = small_fs("walfs", 3)
    print("    (a 3 MiB %s at %s)" % (kind, fs))
    store = os.path.join(T, "disk-store")
    wal = os.path.join(fs, "wal")
    c = Collector("disk", wal, store, ["--flush-seconds", "60", "--drain-seconds", "10"])
    check("disk: starts", c.start())
    accepted = set()
    first503 = None
    for i in range(1000):
        recs = records(100, start=i * 100)
        st, body = c.post(recs)
        if st == 202:
            accepted.update(r["request_id"] for r in recs)
        elif st == 503:
            first503 = body
            break
        else:
            fail("disk: unexpected answer", (st, body))
            break
    check("disk: the WAL fills the disk -> 503 'No space left on device'",
          first503 is not None and "No space left on device" in first503, first503)
    st, body = c.health(auth=False)
    check("disk: /healthz answers 503 at once while the WAL cannot be written",
          st == 503 and "cannot be written" in body, (st, body))
    t = c.wait_health(200, 15)
    check("disk: readiness comes back by itself (the full segment is uploaded "
          "and deleted) in %.1f s" % (t or -1), t is not None)
    recs = records(50, start=900000)
    st, body = c.post(recs)
    if check("disk: records accepted again after the recovery", st == 202, (st, body)):
        accepted.update(r["request_id"] for r in recs)
    print("    %d records acknowledged" % len(accepted))

    # a dirty learned schema and a segment left by kill -9, then the disk
    # filled by another file
    recs = records(100, model="fraud", start=0, extra={"newcol": "a"})
    st, _ = c.post(recs)
    if st == 202:
        accepted.update(r["request_id"] for r in recs)
    c.kill9()
    filler = os.path.join(fs, "filler")
    fill(filler)
    c2 = Collector("disk2", wal, store, ["--flush-seconds", "60", "--drain-seconds", "10"])
    check("disk: restarts on the full disk", c2.start())
    t0 = time.time()
    while time.time() - t0 < 15 and set(store_ids(store)) < accepted:
        time.sleep(0.3)
    check("disk: the restart uploads the killed run's segment although nothing "
          "can be written (schema, manifest)", set(store_ids(store)) >= accepted)
    segs = [f for f in os.listdir(wal) if f.endswith(".wal")]
    check("disk: and retires it (no segment left)", not segs, segs)
    fill(filler)  # whatever the deletions gave back
    st, body = c2.post(records(20, model="fraud", start=5000))
    check("disk: a POST on the full disk gets 503", st == 503, (st, body))
    st, body = c2.health(auth=False)
    check("disk: /healthz 503 on the full disk", st == 503, (st, body))
    rc, secs = c2.stop()
    loops = c2.stderr().count("cannot save the learned schema")
    check("disk: SIGTERM on the full disk exits 0 in %.1f s" % secs,
          rc == 0 and secs < 5, (rc, secs))
    check("disk: 'cannot save the learned schema' reported once, not looped "
          "(%d)" % loops, loops <= 1, loops)
    c3 = Collector("disk3", wal, store, ["--flush-seconds", "1", "--drain-seconds", "10"])
    check("disk: starts again on the full disk", c3.start())
    st, _ = c3.health(auth=False)
    check("disk: not ready on the full disk", st == 503, st)
    os.unlink(filler)
    t = c3.wait_health(200, 5)
    check("disk: ready again %.1f s after space returns" % (t or -1), t is not None and t < 3)
    recs = records(100, model="fraud", start=7000, extra={"newcol": "b"})
    st, body = c3.post(recs)
    if check("disk: serves again", st == 202, (st, body)):
        accepted.update(r["request_id"] for r in recs)
    rc, secs = c3.stop()
    check("disk: SIGTERM exits 0 in %.1f s" % secs, rc == 0 and secs < 5, (rc, secs))
    ids = store_ids(store)
    check("disk: every acknowledged record is in the store exactly once "
          "(%d acknowledged, %d stored)" % (len(accepted), len(ids)),
          set(ids) == accepted and len(ids) == len(set(ids)),
          sorted(accepted - set(ids))[:5])
    sch = os.path.join(wal, "schema.json")
    check("disk: the learned schema is saved once there is space",
          os.path.exists(sch) and "newcol" in open(sch).read())


def sc_drain():
    print("== storage down at shutdown", flush=True)
    real = os.path.join(T, "drain-store")
    os.makedirs(real)
    link = os.path.join(T, "drain-link")
    os.symlink(real, link)
    wal = os.path.join(T, "drain-wal")
    c = Collector("drain", wal, link, ["--flush-seconds", "1", "--drain-seconds", "2"])
    check("drain: starts", c.start())
    os.unlink(link)
    os.symlink(os.path.join(T, "no-such", "place"), link)
    recs = records(300, model="drain")
    st, _ = c.post(recs)
    check("drain: records acknowledged while storage is down", st == 202, st)
    time.sleep(1.5)
    rc, secs = c.stop()
    lines = [l for l in c.stderr().splitlines() if "stay in the write-ahead log" in l]
    check("drain: SIGTERM exits (1) within --drain-seconds + 2 s (%.1f s)" % secs,
          rc == 1 and secs < 4.5, (rc, secs))
    check("drain: one line says how many records stay in the WAL",
          len(lines) == 1 and "300 records" in lines[0], lines)
    os.unlink(link)
    os.symlink(real, link)
    c2 = Collector("drain2", wal, link, ["--flush-seconds", "1"])
    c2.start()
    rc, secs = c2.stop()
    ids = store_ids(real)
    check("drain: the next start uploads them (%d)" % len(ids),
          rc == 0 and sorted(ids) == sorted(r["request_id"] for r in recs), rc)


def sc_conns():
    print("== idle and slow connections", flush=True)
    wal = os.path.join(T, "conn-wal")
    store = os.path.join(T, "conn-store")
    c = Collector("conns", wal, store,
                  ["--max-connections", "16", "--reserve-connections", "4",
                   "--request-timeout", "3", "--health-listen", "127.0.0.1:0"])
    check("conns: starts", c.start() and c.hport)
    # 1. the regular pool full of idle sockets
    idle = []
    for _ in range(16):
        s = socket.create_connection(("127.0.0.1", c.port))
        s.send(b"P")
        idle.append(s)
    time.sleep(0.3)
    st, body = c.post(records(1, model="over"))
    check("conns: a client past --max-connections gets 503 with a body",
          st == 503 and "too many connections" in body, (st, body))
    st, body = c.health(auth=False)
    check("conns: /healthz on the main port is answered from a reserved slot",
          st == 200, (st, body))
    st, _ = c.health(auth=False, port=c.hport)
    check("conns: /healthz on --health-listen answers", st == 200, st)
    for s in idle:
        s.close()
    time.sleep(0.3)

    # 2. slowloris: 40 sockets, one byte every 0.5 s, for at most 8 s
    n = 40
    closed_after = [None] * n
    t_start = time.time()

    def loris(i):
        t0 = time.time()
        try:
            s = socket.create_connection(("127.0.0.1", c.port), timeout=2)
        except OSError:
            closed_after[i] = 0.0
            return
        s.settimeout(0.5)
        req = b"POST /v1/predictions HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 100
        k = 0
        while time.time() - t0 < 8:
            try:
                if k < len(req):
                    s.send(req[k:k + 1])
                    k += 1
                d = s.recv(100)
                if d == b"" or d:
                    closed_after[i] = time.time() - t0
                    break
            except socket.timeout:
                continue
            except OSError:
                closed_after[i] = time.time() - t0
                break
        s.close()

    th = [threading.Thread(target=loris, args=(i,)) for i in range(n)]
    for t in th:
        t.start()
    probes = []
    time.sleep(0.2)
    while time.time() - t_start < 4.5:
        t0 = time.time()
        st, _ = c.health(auth=False, port=c.hport, timeout=2)
        probes.append((st, time.time() - t0))
        time.sleep(0.4)
    for t in th:
        t.join()
    worst = max(x for x in closed_after if x is not None) if any(
        x is not None for x in closed_after) else None
    check("conns: every slowloris socket is closed by the server within "
          "--request-timeout + 1 s (%d sockets, slowest %.1f s)" % (n, worst or -1),
          all(x is not None and x <= 4.0 for x in closed_after), closed_after)
    check("conns: /healthz on --health-listen answered all %d probes during the "
          "attack (slowest %.2f s)" % (len(probes), max(p[1] for p in probes)),
          probes and all(p[0] == 200 and p[1] < 1 for p in probes), probes)
    st, body = c.post(records(5, model="after"))
    check("conns: authorised POSTs are served after the attack", st == 202, (st, body))

    # 3. a slow body
    t0 = time.time()
    s = socket.create_connection(("127.0.0.1", c.port))
    s.send(("POST /v1/predictions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Length: 1000\r\n\r\n" % TOKEN).encode())
    s.settimeout(0.5)
    got, closed = b"", None
    while time.time() - t0 < 8:
        try:
            s.send(b"[")
            d = s.recv(1000)
            got += d
            if d == b"":
                closed = time.time() - t0
                break
        except socket.timeout:
            continue
        except OSError:
            closed = time.time() - t0
            break
    s.close()
    check("conns: a body sent a byte at a time is cut at the deadline "
          "(%.1f s) and nothing accepted" % (closed or -1),
          closed is not None and closed <= 4.0 and b"202" not in got, (closed, got[:80]))
    st, body = c.request("GET", "/metrics", auth=False)
    cut = [l for l in body.splitlines() if l.startswith("driftmon_collector_connections_cut_total")]
    # 16 + 4 slowloris sockets admitted (the others are refused at once
    # past the reserve), then the slow body
    check("conns: metrics count the connections cut (%s)" % (cut[0] if cut else "?"),
          cut and int(cut[0].split()[1]) >= 16 + 4 + 1)

    # 4. SIGTERM with idle connections open
    idle = [socket.create_connection(("127.0.0.1", c.port)) for _ in range(10)]
    time.sleep(0.2)
    rc, secs = c.stop()
    check("conns: SIGTERM with 10 idle connections exits 0 in %.1f s" % secs,
          rc == 0 and secs < 3, (rc, secs))
    for s in idle:
        s.close()


def sc_limits():
    print("== limits that junk could use up", flush=True)
    wal = os.path.join(T, "lim-wal")
    store = os.path.join(T, "lim-store")
    c = Collector("limits", wal, store,
                  ["--max-models", "50", "--max-columns", "100", "--schema-ttl", "3",
                   "--flush-seconds", "1"])
    check("limits: starts", c.start())
    junk = [{"model_name": "junk-%d" % i, "model_version": "v", "features": {"a": 1}}
            for i in range(60)]
    codes = set()
    for k in range(20):
        st, _ = c.post(junk[:50], auth=False)
        codes.add(st)
    check("limits: junk without the token is refused (401)", codes == {401}, codes)
    st, body = c.post(records(3, model="real"))
    check("limits: the real model is learned", st == 202, (st, body))
    st, body = c.health()
    check("limits: nothing learned from unauthenticated junk",
          st == 200 and json.loads(body).get("schema_entries") == 1 + 4, body)
    # authenticated junk fills the models
    st, _ = c.post(junk[:49])
    check("limits: authenticated junk fills --max-models", st == 202, st)
    st, body = c.post(records(1, model="newcomer"))
    check("limits: a new model past the limit gets 413",
          st == 413 and "more than 50 models" in body, (st, body))
    # the real model keeps logging; the junk is uploaded and ages
    t0 = time.time()
    newcomer = None
    while time.time() - t0 < 10:
        c.post(records(1, model="real", start=100))
        st, body = c.post(records(1, model="newcomer"))
        if st == 202:
            newcomer = time.time() - t0
            break
        time.sleep(0.5)
    check("limits: junk is forgotten after --schema-ttl once uploaded: a new model "
          "is accepted %.1f s later" % (newcomer or -1), newcomer is not None)
    st, body = c.post([{"model_name": "real", "model_version": "v1",
                        "features": {"url_count": "a string"}}])
    check("limits: a model in use keeps its learned types",
          st == 400 and "type conflict" in body, (st, body))
    # columns
    cols = {"junkcol%d" % i: 1 for i in range(95)}
    st, body = c.post([{"model_name": "real", "model_version": "v1", "features": cols}])
    check("limits: junk columns fill --max-columns", st == 202, (st, body))
    st, body = c.post([{"model_name": "real", "model_version": "v1",
                        "features": {"fresh_a": 1, "fresh_b": 2}}])
    check("limits: a new column past the limit gets 413",
          st == 413 and "more than 100 columns" in body, (st, body))
    t0 = time.time()
    fresh = None
    while time.time() - t0 < 10:
        c.post(records(1, model="real", start=200))
        st, body = c.post([{"model_name": "real", "model_version": "v1",
                            "features": {"fresh_a": 1, "fresh_b": 2}}])
        if st == 202:
            fresh = time.time() - t0
            break
        time.sleep(0.5)
    check("limits: junk columns are forgotten too (%.1f s)" % (fresh or -1),
          fresh is not None)
    st, body = c.request("GET", "/metrics", auth=False)
    exp = [l for l in body.splitlines() if l.startswith("driftmon_logger_schema_expired_total")]
    check("limits: metrics count the forgotten entries (%s)" % (exp[0] if exp else "?"),
          exp and int(exp[0].split()[1]) >= 49 + 95)
    rc, _ = c.stop()
    check("limits: exits 0", rc == 0, rc)


def sc_privacy():
    print("== /healthz privacy and redaction", flush=True)
    wal = os.path.join(T, "priv-wal")
    secret = "pw-S3cret-777"
    url = "http://alice:%s@127.0.0.1:9/devstoreaccount1/logs" % secret
    c = Collector("privacy", wal, url, ["--flush-seconds", "1", "--drain-seconds", "2"],
                  env={"AZURE_STORAGE_SAS_TOKEN": "sv=2024&sig=SASsecret1234567",
                       "DRIFTMON_AZURE_RETRIES": "0", "DRIFTMON_AZURE_ALLOW_HTTP": "1"})
    started = c.start()
    check("privacy: starts with a store URL carrying a password", started, c.stderr())
    if not started:
        return
    st, _ = c.post(records(5, model="priv"))
    check("privacy: records acknowledged", st == 202, st)
    t0 = time.time()
    body = ""
    while time.time() - t0 < 10:
        st, body = c.health()
        if "last_error" in body:
            break
        time.sleep(0.3)
    check("privacy: with the token, /healthz has the details (the upload error)",
          "last_error" in body and "wal_bytes" in body, body)
    check("privacy: ... with the credentials redacted",
          secret not in body and "SASsecret" not in body, body)
    st, pub = c.health(auth=False)
    check("privacy: without the token, /healthz has the status only",
          st == 200 and set(json.loads(pub)) == {"status"}, pub)
    check("privacy: ... no URL, path or error text",
          "127.0.0.1" not in pub and wal not in pub and "error" not in pub, pub)
    st, pub = c.request("GET", "/healthz", auth=False)
    h = {"Authorization": "Bearer wrong-token"}
    cc = http.client.HTTPConnection("127.0.0.1", c.port, timeout=5)
    cc.request("GET", "/healthz", headers=h)
    wrong = cc.getresponse().read().decode()
    check("privacy: a wrong token gets the status only", set(json.loads(wrong)) == {"status"},
          wrong)
    st, m = c.request("GET", "/metrics", auth=False)
    check("privacy: metrics carry no URL or secret", secret not in m and "127.0.0.1" not in m)
    rc, secs = c.stop()
    err = c.stderr()
    check("privacy: stderr never prints the password or the SAS signature",
          secret not in err and "SASsecret" not in err, err[-500:])
    check("privacy: stderr shows the URL redacted", "http://REDACTED@127.0.0.1:9/devstoreaccount1/logs" in err,
          err[:300])
    check("privacy: SIGTERM with storage down exits 1 in %.1f s, saying what stays" % secs,
          rc == 1 and secs < 6.5 and "stay in the write-ahead log" in err, (rc, secs))
    # an unusable URL's error message
    r = subprocess.run([BIN, "collect", "--listen", "127.0.0.1:0", "--wal-dir",
                        os.path.join(T, "priv-wal2"), "--store",
                        "ftp://bob:%s@host/x" % secret], capture_output=True, text=True,
                       timeout=10, env={k: v for k, v in os.environ.items()
                                        if k != "DRIFTMON_COLLECTOR_TOKEN"})
    check("privacy: a refused store URL's message hides the password",
          r.returncode != 0 and secret not in r.stderr and "REDACTED" in r.stderr, r.stderr)


def label_records(n, model="lab", version="v1", start=0):
    """Label records of the requests records(n, model) made: 1 when the
    score is at least 0.5, except every 4th (the model's mistakes)."""
    out = []
    for i in range(start, start + n):
        score = (i % 100) / 100.0
        y = int(score >= 0.5) if i % 4 else int(score < 0.5)
        out.append({"request_id": "%s-%d" % (model, i), "model_name": model,
                    "model_version": version, "label": y if i % 2 else str(y),
                    "timestamp": "2025-03-01T10:%02d:30Z" % (i % 60)})
    return out


def post_labels(c, recs, **kw):
    body = "\n".join(json.dumps(r) for r in recs)
    return c.request("POST", "/v1/labels", body, **kw)


def sc_labels():
    print("== POST /v1/labels: bad input, kill -9, the join", flush=True)
    store = os.path.join(T, "labels-store")
    wal = os.path.join(T, "labels-wal")
    c = Collector("labels", wal, store, ["--flush-seconds", "600",
                                         "--max-body-bytes", "64KiB"])
    check("labels: starts", c.start())
    preds = records(240, model="lab")
    for r in preds:
        r["timestamp"] = "2025-03-01T10:%02d:00Z" % (int(r["request_id"].split("-")[1]) % 60)
        r["features"].pop("body")
    st, _ = c.post(preds)
    check("labels: predictions acknowledged", st == 202, st)
    good = label_records(1)[0]
    bad = [("missing request id", dict((k, v) for k, v in good.items() if k != "request_id"),
            400, "request_id"),
           ("empty request id", dict(good, request_id=""), 400, "request_id"),
           ("label neither class nor number", dict(good, label=[1]), 400, "label"),
           ("unknown field", dict(good, score=0.3), 400, "score"),
           ("bad timestamp", dict(good, timestamp="yesterday"), 400, "timestamp")]
    for name, rec, code, field in bad:
        st, body = post_labels(c, [rec])
        try:
            e = json.loads(body)
        except ValueError:
            e = {}
        check("labels: %s -> %d naming the field" % (name, code),
              st == code and e.get("field") == field and "\n" not in e.get("error", "\n"),
              (st, body))
    st, body = c.request("POST", "/v1/labels", '{"request_id": "x", ')
    check("labels: bad JSON -> 400 with a one-line reason",
          st == 400 and "malformed JSON" in body and "\n" not in body, (st, body))
    st, body = c.request("POST", "/v1/labels", "\n".join(
        json.dumps(dict(good, request_id="big-%d" % i)) for i in range(1200)))
    check("labels: oversize body -> 413", st == 413 and "larger than" in body, (st, body))
    st, body = post_labels(c, [good], auth=False)
    check("labels: no token -> 401", st == 401, (st, body))
    st, body = c.request("GET", "/v1/labels")
    check("labels: GET -> 405", st == 405 and "POST" in body, (st, body))
    # acknowledged batches, then kill -9 before any upload
    acked = []
    labs = label_records(200, model="lab")
    for k in range(0, 200, 20):
        st, body = post_labels(c, labs[k:k + 20])
        if st == 202:
            acked += [r["request_id"] for r in labs[k:k + 20]]
    check("labels: 10 batches acknowledged", len(acked) == 200, len(acked))
    check("labels: none uploaded before the kill (all in the WAL)",
          not os.path.isdir(os.path.join(store, "labels")))
    c.kill9()
    c2 = Collector("labels2", wal, store, ["--flush-seconds", "1"])
    check("labels: restarts after kill -9", c2.start())
    rc, _ = c2.stop()
    ids = store_ids(os.path.join(store, "labels"))
    check("labels: kill -9 lost none of the %d acknowledged labels (%d stored, no duplicate)"
          % (len(acked), len(ids)),
          rc == 0 and sorted(ids) == sorted(acked), (rc, len(ids)))
    check("labels: stored under labels/year=2025/month=03/day=01/hour=10",
          os.path.isdir(os.path.join(store, "labels/year=2025/month=03/day=01/hour=10")))
    # detect's join sees them
    train = os.path.join(T, "labels-train.csv")
    with open(train, "w") as f:
        f.write("url_count,sender_domain,prediction\n")
        for i in range(400):
            f.write("%d,d%d.example.com,%.2f\n" % (i % 17, i % 5, (i % 100) / 100.0))
    out = subprocess.run([BIN, "baseline", "--store", store, "--model", "lab",
                          "--version", "v1", "--input", train],
                         capture_output=True, text=True)
    check("labels: baseline", out.returncode == 0, out.stderr)
    out = subprocess.run([BIN, "detect", "--store", store, "--model", "lab",
                          "--version", "v1", "--at", "2025-03-01T11:00:00Z",
                          "--no-write", "--prediction-column", "prediction",
                          "--format", "json"], capture_output=True, text=True)
    try:
        perf = json.loads(out.stdout)["performance"]
    except (ValueError, KeyError) as e:
        perf = {"error": repr(e), "stderr": out.stderr}
    y = [int(r["label"]) for r in labs]
    pred = [int((i % 100) / 100.0 >= 0.5) for i in range(200)]
    acc = sum(a == b for a, b in zip(y, pred)) / 200.0
    check("labels: detect joins them (200/240 labelled, accuracy %.3f)" % acc,
          perf.get("predictions") == 240 and perf.get("labelled") == 200 and
          abs(perf.get("accuracy", -1) - acc) < 1e-12, perf)


SCENARIOS = [("disk", sc_disk), ("drain", sc_drain), ("conns", sc_conns),
             ("limits", sc_limits), ("privacy", sc_privacy),
             ("labels", sc_labels)]


def main():
    t0 = time.time()
    try:
        for name, fn in SCENARIOS:
            if ONLY and name not in ONLY:
                continue
            try:
                fn()
            except Exception as e:  # a crash of the test is a failure
                import traceback
                traceback.print_exc()
                fail("%s: the scenario raised %r" % (name, e))
        # under ASan/UBSan: no report from any collector run
        bad = [c.dir for c in collectors
               if "Sanitizer" in c.stderr() or "runtime error:" in c.stderr()]
        check("no sanitizer report from %d collector runs" % len(collectors), not bad, bad)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for m in mounts:
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(T, ignore_errors=True)
    print("reliability: %d passed, %d failed (%.0f s)" % (passed, failed, time.time() - t0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
