# SPDX-License-Identifier: Apache-2.0
"""driftmon.detect is `driftmon detect`: the same report on the same
store, window and settings (dm_job_detect underneath both)."""
import json
import os

import numpy as np
import pandas as pd
import pytest

import driftmon
from conftest import cli_json, run_cli, same_report

AT = "2025-12-04T12:00:00Z"
AT_S = 1764849600.0


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("det")
    st = str(d / "store")
    rng = np.random.default_rng(11)
    train = pd.DataFrame({"x": rng.normal(size=3000),
                          "y": rng.exponential(size=3000),
                          "c": rng.choice(["a", "b", "c"], 3000)})
    train.to_csv(d / "train.csv", index=False)
    run_cli("baseline", "-m", "m", "-v", "v1", "-i", str(d / "train.csv"),
            "--store", st)
    with driftmon.Logger(st, str(d / "wal")) as lg:
        for h in range(6):  # 06:00 .. 11:59, x drifting upwards
            for i in range(150):
                lg.log("m", "v1", {"x": float(rng.normal(0.15 * h, 1)),
                                   "y": float(rng.exponential()),
                                   "c": "abc"[i % 3]},
                       {"prediction": float(rng.random())},
                       timestamp=AT_S - (6 - h) * 3600 + i)
    return st


def test_detect_equals_cli(store):
    cli = cli_json("detect", "-m", "m", "-v", "v1", "--store", store,
                   "--at", AT, "--format", "json", "--no-write")
    py = driftmon.detect("m", "v1", store=store, at=AT_S, write=False)
    d = py.to_dict()
    assert same_report(d, cli) == []
    assert d["samples"] == 900 and d["model"] == "m"
    assert d["window"]["end"] == AT
    assert py.location is None


def test_detect_settings_equal_cli_flags(store):
    cli = cli_json("detect", "-m", "m", "-v", "v1", "--store", store,
                   "--at", AT, "--format", "json", "--no-write",
                   "--window-hours", "3", "--psi-threshold", "0.05",
                   "--min-samples", "10", "--test", "psi")
    py = driftmon.detect("m", "v1", store=store, at=AT_S, write=False,
                         window_hours=3, psi_threshold=0.05,
                         min_samples=10, test="psi")
    assert same_report(py.to_dict(), cli) == []
    assert py.samples == 450


def test_detect_environment(store, monkeypatch):
    monkeypatch.setenv("DRIFT_ANALYSIS_WINDOW_HOURS", "2")
    py = driftmon.detect("m", "v1", store=store, at=AT_S, write=False)
    assert py.samples == 300
    monkeypatch.setenv("DRIFT_ALPHA", "7")
    with pytest.raises(driftmon.InvalidArgumentError, match="DRIFT_ALPHA"):
        driftmon.detect("m", "v1", store=store, at=AT_S)


def test_detect_writes_the_report(store):
    py = driftmon.detect("m", "v1", store=store, at=AT_S)
    assert py.location and os.path.exists(py.location)
    latest = os.path.join(store, "drift-reports", "m", "latest.json")
    assert json.load(open(latest)) == py.to_dict()
    assert os.path.exists(latest[:-5] + ".html")
    st = run_cli("status", "-m", "m", "--store", store, check=False)
    assert "m" in st.stdout


def test_detect_errors_and_warnings(store):
    with pytest.raises(driftmon.NotFoundError, match="no baseline"):
        driftmon.detect("m", "v9", store=store, at=AT_S)
    with pytest.raises(driftmon.InvalidArgumentError):
        driftmon.detect("../m", "v1", store=store)
    with pytest.raises(TypeError, match="psi_treshold"):
        driftmon.detect("m", "v1", store=store, psi_treshold=1)
    with pytest.warns(driftmon.DetectWarning, match="no inference logs"):
        r = driftmon.detect("m", "v1", store=store, at=AT_S - 86400 * 30,
                            write=False)
    assert r.samples == 0
