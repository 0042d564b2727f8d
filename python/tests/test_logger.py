# SPDX-License-Identifier: Apache-2.0
"""driftmon.Logger: records from many threads land in the store's hourly
Parquet partitions (read back with `driftmon parquet cat`), errors are
exceptions, and driftmon detect's reader profiles the files; the
collector client posts the collector's JSON."""
import glob
import http.server
import json
import os
import threading
import time

import pytest

import driftmon
from conftest import run_cli

T0 = 1764806400.0  # 2025-12-04T00:00:00Z


def _read_back(store):
    files = sorted(glob.glob(os.path.join(
        store, "inference-logs", "year=*", "month=*", "day=*", "hour=*",
        "*.parquet")))
    rows = []
    for f in files:
        out = run_cli("parquet", "cat", f, "--format", "jsonl").stdout
        rows += [json.loads(line) for line in out.splitlines() if line]
    return files, rows


def test_records_from_threads_read_back(tmp_path):
    store, wal = str(tmp_path / "store"), str(tmp_path / "wal")
    lg = driftmon.Logger(store, wal, flush_seconds=3600)
    n_threads, per = 4, 250

    def worker(t):
        for i in range(per):
            lg.log("spam", "v1",
                   {"url_count": t * 1000 + i, "domain": f"d{i % 3}",
                    "flag": i % 2 == 0, "maybe": None},
                   {"prediction": i / per}, request_id=f"r{t}-{i}",
                   timestamp=T0 + 60 * (i % 120))

    threads = [threading.Thread(target=worker, args=(t,))
               for t in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lg.flush(30)
    st = lg.stats()
    assert st["records_logged"] == n_threads * per
    assert st["records_pending"] == 0
    lg.close()
    assert lg.closed
    files, rows = _read_back(store)
    assert len(rows) == n_threads * per
    # two hours of timestamps: two hour partitions
    assert {os.path.basename(os.path.dirname(f)) for f in files} == \
        {"hour=00", "hour=01"}
    by_id = {r["request_id"]: r for r in rows}
    r = by_id["r2-7"]
    assert r["model_name"] == "spam" and r["model_version"] == "v1"
    assert r["url_count"] == 2007
    assert r["domain"] == "d1"
    assert r["prediction"] == pytest.approx(7 / per)
    assert r["flag"] in (False, 0)
    assert r["maybe"] is None


def test_logged_data_is_what_detect_reads(tmp_path):
    """A baseline from Python and logs from the Python logger: the CLI's
    detect compares them."""
    import numpy as np
    import pandas as pd
    store, wal = str(tmp_path / "store"), str(tmp_path / "wal")
    rng = np.random.default_rng(7)
    train = pd.DataFrame({"x": rng.normal(size=2000),
                          "c": rng.choice(["a", "b"], 2000)})
    driftmon.baseline(train, model="m", version="v1").store(store)
    now = time.time()
    with driftmon.Logger(store, wal) as lg:
        for i in range(400):
            lg.log("m", "v1", {"x": float(rng.normal(3, 1)),
                               "c": "a" if i % 2 else "b"},
                   {"prediction": 0.5}, timestamp=now - 3 * 3600)
    p = run_cli("detect", "-m", "m", "-v", "v1", "--store", store,
                check=False)
    assert p.returncode in (0, 3), p.stderr
    assert "Samples analyzed: 400" in p.stdout
    assert "x" in p.stdout


def test_logger_errors(tmp_path):
    lg = driftmon.Logger(str(tmp_path / "s"), str(tmp_path / "w"))
    lg.log("m", "v", {"a": 1.0})
    with pytest.raises(driftmon.SchemaError) as e:
        lg.log("m", "v", {"a": "text"})
    assert "'a'" in str(e.value)
    with pytest.raises(driftmon.InvalidArgumentError):
        lg.log("m", "v", {"timestamp": 1.0})
    with pytest.raises(TypeError, match="expected a number"):
        lg.log("m", "v", {"a": [1, 2]})
    with pytest.raises(ValueError, match="timestamp"):
        lg.log("m", "v", {"a": 1.0}, timestamp=-5)
    lg.close()
    with pytest.raises(ValueError, match="closed"):
        lg.log("m", "v", {"a": 1.0})
    lg.close()  # twice is fine
    with pytest.raises(driftmon.DriftmonError):
        driftmon.Logger(str(tmp_path / "s"), str(tmp_path / "w"),
                        codec="lzma")
    with pytest.raises(ValueError, match="fsync"):
        driftmon.Logger(str(tmp_path / "s"), str(tmp_path / "w2"),
                        fsync="sometimes")
    with pytest.raises(TypeError):
        driftmon.Logger(str(tmp_path / "s"), str(tmp_path / "w3"),
                        flush_rowz=3)


def test_log_releases_the_gil(tmp_path):
    """With fsync="always" every call waits for the disk; other Python
    threads keep running meanwhile (the GIL is released)."""
    lg = driftmon.Logger(str(tmp_path / "s"), str(tmp_path / "w"),
                         fsync="always")
    stop = threading.Event()
    ticks = [0]

    def spin():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    for i in range(100):
        lg.log("m", "v", {"a": float(i)})
    stop.set()
    t.join()
    lg.close()
    assert ticks[0] > 0


class _Collector(http.server.BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Collector.got.append((self.path, self.headers.get("Authorization"),
                               json.loads(body)))
        code = 400 if b"bad" in body else 202
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"features.bad: refused\n" if code == 400 else b"")

    def log_message(self, *a):
        pass


def test_collector_client():
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    th = threading.Thread(target=srv.serve_forever)
    th.start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}"
        c = driftmon.CollectorClient(url, token="tok")
        c.log("spam", "v1", {"url_count": 3, "domain": "x"},
              {"prediction": 0.9}, request_id="r1", timestamp=T0)
        path, auth, body = _Collector.got[-1]
        assert path == "/v1/predictions" and auth == "Bearer tok"
        assert body == [{"model_name": "spam", "model_version": "v1",
                         "features": {"url_count": 3, "domain": "x"},
                         "predictions": {"prediction": 0.9},
                         "request_id": "r1", "timestamp": T0}]
        with pytest.raises(driftmon.CollectorError) as e:
            c.log("spam", "v1", {"bad": 1})
        assert e.value.status == 400 and "refused" in str(e.value)
    finally:
        srv.shutdown()
        th.join()
    with pytest.raises(driftmon.CollectorError) as e:
        driftmon.CollectorClient(url, timeout=2).log("m", "v", {"a": 1})
    assert e.value.status == 0


def test_collector_client_against_driftmon_collect(tmp_path):
    store = str(tmp_path / "store")
    portf = tmp_path / "port"
    from conftest import CLI, cli_env
    import subprocess
    proc = subprocess.Popen([CLI, "collect", "--listen", "127.0.0.1:0",
                             "--port-file", str(portf), "--wal-dir",
                             str(tmp_path / "wal"), "--store", store,
                             "--flush-seconds", "1"],
                            env=cli_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if portf.exists() and portf.read_text().strip():
                break
            time.sleep(0.05)
        port = int(portf.read_text())
        c = driftmon.CollectorClient(f"http://127.0.0.1:{port}")
        c.log_many([{"model_name": "m", "model_version": "v",
                     "timestamp": T0, "features": {"a": i}}
                    for i in range(10)])
        with pytest.raises(driftmon.CollectorError) as e:
            c.log("m", "v", {"a": 1}, timestamp=-1)
        assert e.value.status == 400
    finally:
        proc.terminate()
        proc.wait(30)
    _, rows = _read_back(store)
    assert sorted(r["a"] for r in rows) == list(range(10))
