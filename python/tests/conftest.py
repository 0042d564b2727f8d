# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: the CLI to compare with, data, and a JSON differ.

Run by tests/suites/python.sh, which builds the extension into
build/python and sets PYTHONPATH and DRIFTMON_CLI.
"""
import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CLI = os.environ.get("DRIFTMON_CLI", os.path.join(ROOT, "build", "driftmon"))


def cli_env():
    """The environment for the CLI: no DRIFT_* settings, and without the
    sanitizer runtime preloaded into python3 (tests/suites/python.sh):
    build/driftmon is not instrumented, and ASan's runtime in it can
    deadlock."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("DRIFT_") and k != "LD_PRELOAD"}


def run_cli(*args, check=True):
    env = cli_env()
    env["DRIFTMON_THREADS"] = env.get("DRIFTMON_THREADS", "2")
    p = subprocess.run([CLI, *args], capture_output=True, text=True,
                       env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"driftmon {' '.join(args)}: exit "
                             f"{p.returncode}: {p.stderr}")
    return p


def cli_json(*args):
    return json.loads(run_cli(*args).stdout)


def diff(a, b, path=""):
    """Every difference between two JSON values, as 'path: a != b'."""
    out = []
    if type(a) != type(b):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
                and not isinstance(a, bool) and a == b:
            return out
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in "
                           f"{'first' if k in a else 'second'}")
            else:
                out += diff(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, f"{path}[{i}]")
    elif a != b and not (isinstance(a, float) and np.isnan(a) and
                         np.isnan(b)):
        out.append(f"{path}: {a!r} != {b!r}")
    return out


def same_report(py, cli_doc):
    """The Python report and the CLI's agree on everything but the time
    and the model label."""
    a, b = dict(py), dict(cli_doc)
    for d in (a, b):
        d.pop("generated_at", None)
        d.pop("model", None)
    return diff(a, b)


@pytest.fixture(autouse=True)
def _threads(monkeypatch):
    monkeypatch.setenv("DRIFTMON_THREADS", "2")
    for k in list(os.environ):
        if k.startswith("DRIFT_"):
            monkeypatch.delenv(k)


def make_frame(n, seed, shift=0.0, missing=True):
    """Mixed training-like data: floats, an integer code, text categories,
    and missing values (NaN / None)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "amount": rng.lognormal(3, 1, n) * (1 + shift),
        "score": rng.normal(shift, 1, n),
        "clicks": rng.poisson(3 + 4 * shift, n).astype(np.int64),
        "country": rng.choice(["de", "fr", "us", "jp"], n,
                              p=[0.4, 0.3, 0.2, 0.1] if not shift else
                              [0.1, 0.2, 0.3, 0.4]),
    })
    if missing:
        df.loc[df.index % 37 == 5, "score"] = np.nan
        df["country"] = df["country"].astype(object)
        df.loc[df.index % 53 == 7, "country"] = None
    return df
