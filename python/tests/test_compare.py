# SPDX-License-Identifier: Apache-2.0
"""driftmon.compare and driftmon.baseline equal the CLI on the same data:
every statistic of the JSON report and every field of the baseline."""
import json
import os

import numpy as np
import pandas as pd
import pytest

import driftmon
from conftest import ROOT, cli_json, diff, make_frame, run_cli, same_report


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("cmp")
    ref, cur = make_frame(3000, 1), make_frame(2000, 2, shift=0.3)
    ref.to_csv(d / "ref.csv", index=False)
    cur.to_csv(d / "cur.csv", index=False)
    return ref, cur, str(d / "ref.csv"), str(d / "cur.csv")


def test_compare_dataframes_equals_cli(data):
    ref, cur, rp, cp = data
    py = driftmon.compare(ref, cur)
    cli = cli_json("compare", "-r", rp, "-c", cp, "--format", "json")
    assert same_report(py.to_dict(), cli) == []
    assert py.drift_detected and cli["drift_detected"]
    # the report is about every column, with real statistics
    names = [f["name"] for f in py.to_dict()["features"]]
    assert names == ["amount", "score", "clicks", "country"]
    assert py.to_dict()["features"][1]["baseline"]["missing"] == \
        int(ref["score"].isna().sum())


def test_compare_files_equals_cli(data):
    _, _, rp, cp = data
    py = driftmon.compare(rp, cp)
    cli = cli_json("compare", "-r", rp, "-c", cp, "--format", "json")
    assert diff(py.to_dict(), cli) == [] or \
        same_report(py.to_dict(), cli) == []
    assert py.to_dict()["model"] == cp


def test_compare_thresholds_equal_cli_flags(data):
    ref, cur, rp, cp = data
    py = driftmon.compare(ref, cur, psi_threshold=0.05, alpha=0.001,
                          min_ks_d=0.2, min_samples=50,
                          critical_threshold=0.9, test="psi")
    cli = cli_json("compare", "-r", rp, "-c", cp, "--format", "json",
                   "--psi-threshold", "0.05", "--alpha", "0.001",
                   "--min-ks-d", "0.2", "--min-samples", "50",
                   "--critical-threshold", "0.9", "--test", "psi")
    assert same_report(py.to_dict(), cli) == []
    assert py.to_dict()["thresholds"]["psi"] == 0.05


def test_compare_no_drift_same_distribution():
    ref, cur = make_frame(4000, 5), make_frame(4000, 6)
    r = driftmon.compare(ref, cur)
    assert not r.drift_detected
    assert r.status == "ok" or r.drifted_features == []


def test_compare_selection_and_bins_equal_cli(data):
    ref, cur, rp, cp = data
    py = driftmon.compare(ref, cur, features=["amount", "clicks"],
                          categorical=["clicks"], bins=5)
    cli = cli_json("compare", "-r", rp, "-c", cp, "--format", "json",
                   "--features", "amount,clicks", "--categorical",
                   "clicks", "--bins", "5")
    assert same_report(py.to_dict(), cli) == []
    assert [f["name"] for f in py.to_dict()["features"]] == \
        ["amount", "clicks"]
    assert py.to_dict()["features"][1]["type"] == "categorical"


def test_compare_missing_values_equals_cli(tmp_path):
    """NaN in a Parquet reference: an error naming the remedy; listed in
    missing_values, missing in both datasets, as the CLI's flag."""
    pq = os.path.join(ROOT, "tests", "data", "parquet",
                      "duckdb_v1_snappy.parquet")
    with pytest.raises(driftmon.FormatError, match="NaN is not allowed"):
        driftmon.compare([pq], [pq])
    py = driftmon.compare([pq], [pq], missing_values=["nan", "inf", "-inf"])
    cli = cli_json("compare", "-r", pq, "-c", pq, "--format", "json",
                   "--missing-values", "nan,inf,-inf")
    assert same_report(py.to_dict(), cli) == []
    f64 = [f for f in py.to_dict()["features"] if f["name"] == "f64"][0]
    assert (f64["current"]["missing"], f64["current"]["invalid"]) == (11, 0)
    with pytest.raises(TypeError, match="missing_values"):
        driftmon.compare(driftmon.baseline([pq], missing_values=["nan",
                                                                 "inf",
                                                                 "-inf"]),
                         [pq], missing_values=["nan"])


def test_spec_equals_cli(data, tmp_path):
    ref, cur, rp, cp = data
    spec = tmp_path / "spec.yaml"
    spec.write_text("version: 1\ndefaults:\n  psi_threshold: 0.5\ncolumns:\n"
                    "  clicks:\n    role: ignored\n"
                    "  amount:\n    test: psi\n    psi_threshold: 0.01\n")
    py = driftmon.compare(ref, cur, spec=str(spec))
    cli = cli_json("compare", "-r", rp, "-c", cp, "--format", "json",
                   "--spec", str(spec))
    assert same_report(py.to_dict(), cli) == []
    doc = py.to_dict()
    assert doc["thresholds"]["psi"] == 0.5
    assert "clicks" in json.dumps(doc["columns_not_monitored"])


def test_baseline_equals_cli(data, tmp_path):
    ref, _, rp, _ = data
    out = tmp_path / "b.json"
    run_cli("baseline", "-m", "m1", "-v", "v1", "-i", rp, "--output",
            str(out), "--dry-run")
    cli = json.loads(out.read_text())
    b = driftmon.baseline(ref, model="m1", version="v1")
    py = json.loads(b.to_json())
    for d in (py, cli):
        d.pop("created_at", None)
    assert diff(py, cli) == []
    assert b.rows == 3000 and b.model == "m1" and b.version == "v1"
    # and the CLI compares against the baseline written from Python
    b.save(tmp_path / "py.json")
    again = driftmon.load_baseline(tmp_path / "py.json")
    assert diff(json.loads(again.to_json()), json.loads(b.to_json())) == []


def test_stored_baseline_is_what_detect_reads(data, tmp_path):
    ref, _, _, _ = data
    store = str(tmp_path / "store")
    b = driftmon.baseline(ref, model="spam", version="v2")
    loc = b.store(store)
    assert loc.endswith("baselines/spam/v2/baseline.json")
    got = driftmon.load_baseline(model="spam", version="v2", store=store)
    assert got.rows == 3000
    lst = run_cli("list", "baselines", "--store", store)
    assert "spam" in lst.stdout


def test_value_model(tmp_path):
    """Booleans, datetimes, categories and nullable dtypes map to the
    schema's logical types and missing values, as their CSV text does."""
    n = 600
    rng = np.random.default_rng(3)
    flags = rng.random(n) < 0.3
    when = pd.Timestamp("2025-01-01", tz="UTC") + \
        pd.to_timedelta(np.arange(n) * 3600, unit="s")
    codes = pd.array(rng.integers(0, 5, n), dtype="Int64")
    codes[::10] = pd.NA
    df = pd.DataFrame({
        "flag": flags,
        "nullable_flag": pd.array(flags, dtype="boolean"),
        "event_time": when,
        "naive_time": when.tz_localize(None),
        "code": codes,
        "color": pd.Categorical(rng.choice(["red", "green"], n)),
        "color_text": rng.choice(["red", "green"], n).astype(object),
        "x": rng.normal(size=n),
    })
    df.loc[::7, "nullable_flag"] = pd.NA
    b = driftmon.baseline(df)
    cols = b.columns
    assert cols.loc["flag", "ltype"] == "boolean"
    assert cols.loc["nullable_flag", "ltype"] == "boolean"
    assert cols.loc["nullable_flag", "missing"] == int(
        df["nullable_flag"].isna().sum())
    assert cols.loc["event_time", "ltype"] == "timestamp"
    assert cols.loc["naive_time", "ltype"] == "timestamp"
    assert cols.loc["code", "missing"] == 60
    assert cols.loc["code", "count"] == n - 60
    assert cols.loc["color", "type"] == "categorical"
    assert cols.loc["color_text", "type"] == "categorical"
    # the same table as CSV gives the CLI the same schema
    csv = tmp_path / "t.csv"
    df.assign(flag=np.where(flags, "true", "false"),
              nullable_flag=df["nullable_flag"].map(
                  {True: "true", False: "false"}),
              event_time=df["event_time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
              naive_time=df["naive_time"].dt.strftime("%Y-%m-%d %H:%M:%S")
              ).to_csv(csv, index=False)
    out = tmp_path / "b.json"
    run_cli("baseline", "-m", "m", "-v", "v", "-i", str(csv), "--output",
            str(out), "--dry-run")
    cli = {c["name"]: c for c in json.loads(out.read_text())["features"]}
    for name in df.columns:
        assert cols.loc[name, "role"] == cli[name]["role"], name
        assert cols.loc[name, "ltype"] == cli[name]["ltype"], name
        assert cols.loc[name, "missing"] == cli[name]["missing"], name
    # timestamps are seconds since the epoch
    spec = "version: 1\ncolumns:\n  t:\n    role: feature\n"
    t = driftmon.baseline(pd.DataFrame({"t": when.tz_localize(None)}),
                          spec=spec)
    doc = json.loads(t.to_json())["features"][0]
    assert doc["ltype"] == "timestamp"
    assert doc["min"] == when[0].timestamp()
    assert doc["max"] == when[-1].timestamp()


def test_numpy_inputs():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(2000, 3))
    b = a + np.array([0, 0, 1.0])
    r = driftmon.compare(a, b)
    assert r.drifted_features == ["x2"]
    r2 = driftmon.compare({"u": a[:, 0], "v": a[:, 2]},
                          {"u": b[:, 0], "v": b[:, 2]})
    assert r2.drifted_features == ["v"]
    # a Fortran-ordered DataFrame (strided columns) is read the same
    f = pd.DataFrame(np.asfortranarray(a), columns=["x0", "x1", "x2"])
    c = pd.DataFrame(np.ascontiguousarray(a), columns=["x0", "x1", "x2"])
    base_f = json.loads(driftmon.baseline(f).to_json())
    base_c = json.loads(driftmon.baseline(c).to_json())
    assert diff(base_f, base_c) == []


def test_report_views(data, tmp_path):
    ref, cur, _, _ = data
    r = driftmon.compare(ref, cur, model="spam", version="v1")
    frame = r.to_frame()
    assert list(frame.index) == ["amount", "score", "clicks", "country"]
    assert frame.loc["score", "psi"] == r.to_dict()["features"][1]["psi"]
    assert frame.loc["amount", "baseline_count"] == 3000
    html = r._repr_html_()
    assert html.startswith("<!DOCTYPE html") or "<html" in html[:200]
    assert "amount" in html and "spam" in html
    r.save_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text() == html
    r.save_json(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == r.to_dict()
    assert "drift" in repr(r)


def test_profile_against_baseline_then_compare(data):
    ref, cur, _, _ = data
    base = driftmon.baseline(ref)
    p = driftmon.profile(cur, base)
    assert p.rows == 2000
    a = driftmon.compare(base, p).to_dict()
    b = driftmon.compare(base, cur).to_dict()
    # a Profile keeps a sketch of the window (exact quantiles at 2,000
    # rows); compare() on data counts the window against the baseline's
    # stored ECDF, as `driftmon compare` does, and interpolates the
    # window's quantiles between stored points: everything else is equal
    # (KS D too: both are exact here)
    diffs = same_report(a, b)
    assert all(".current.quantiles." in d for d in diffs), diffs
