# SPDX-License-Identifier: Apache-2.0
"""driftmon: data drift monitoring for ML models, from Python.

The same C engine as the ``driftmon`` command (libdriftmon), called on
your DataFrames and arrays without copying them::

    import driftmon
    base = driftmon.baseline(train_df, model="spam-detector", version="v1")
    report = driftmon.compare(base, todays_df)
    report.drift_detected, report.to_frame()

See docs/python.md for the walk-through.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from . import _columns
from ._driftmon import (BASELINE_FORMAT_VERSION, REPORT_FORMAT_VERSION,
                        ConflictError, DriftmonError, EmptyDataError,
                        FormatError, InvalidArgumentError, LoggerFullError,
                        NotFoundError, SchemaError, StorageError)
from . import _driftmon
from .report import Report
from .logger import Logger
from .client import CollectorClient, CollectorError

__all__ = [
    "baseline", "profile", "compare", "detect", "load_baseline", "Baseline",
    "Profile", "Report", "Logger", "CollectorClient", "CollectorError",
    "DriftmonError", "FormatError", "InvalidArgumentError", "SchemaError",
    "EmptyDataError", "NotFoundError", "StorageError", "ConflictError",
    "LoggerFullError", "REPORT_FORMAT_VERSION", "BASELINE_FORMAT_VERSION",
    "default_store",
]
__version__ = "0.1.0"

PathLike = Union[str, "os.PathLike[str]"]


def default_store() -> str:
    """The store the CLI uses: $DRIFTMON_STORE, else ./driftmon-data."""
    return os.environ.get("DRIFTMON_STORE") or "./driftmon-data"


def _is_paths(data) -> bool:
    if isinstance(data, (str, bytes, os.PathLike)):
        return True
    return (isinstance(data, (list, tuple)) and len(data) > 0 and
            all(isinstance(p, (str, os.PathLike)) for p in data))


def _paths(data) -> List[str]:
    if isinstance(data, (str, os.PathLike)):
        return [os.fspath(data)]
    if isinstance(data, bytes):
        return [data.decode()]
    return [os.fspath(p) for p in data]


def _spec_text(spec) -> Optional[tuple]:
    """(text, name) of a spec given as a path, YAML text or a dict."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        try:
            import yaml
        except ImportError as e:  # pragma: no cover
            raise TypeError("a spec as a dict needs PyYAML; pass the YAML "
                            "text or a file path") from e
        return yaml.safe_dump(spec, sort_keys=False), "<spec>"
    if isinstance(spec, os.PathLike) or (isinstance(spec, str) and
                                          "\n" not in spec):
        path = os.fspath(spec)
        try:
            with open(path, encoding="utf-8") as f:
                return f.read(), path
        except OSError as e:
            raise NotFoundError(f"cannot read spec '{path}': "
                                f"{e.strerror}") from None
    return str(spec), "<spec>"


class Profile:
    """A profile of some rows (a window of current data, or a baseline).

    Memory is bounded by the columns and sketch sizes, never by rows.
    """

    __slots__ = ("_p", "name")

    def __init__(self, handle: "_driftmon.Profile", name: str):
        self._p = handle
        self.name = name

    @property
    def rows(self) -> int:
        """Rows profiled."""
        return self._p.rows

    @property
    def columns(self):
        """A DataFrame: one row per column (type, role, logical type,
        the reason it was inferred, count, missing, invalid)."""
        import pandas as pd
        return pd.DataFrame(self._p.columns,
                            columns=["name", "type", "role", "ltype",
                                     "reason", "count", "missing",
                                     "invalid"]).set_index("name")

    def __repr__(self) -> str:
        return (f"<driftmon.{type(self).__name__} {self.name!r}: "
                f"{self.rows} rows, {len(self._p.columns)} columns>")


class Baseline(Profile):
    """A baseline: the profile of the training data plus its PSI bin edges.

    ``to_json()`` is the stored format (docs/baseline-format.md), the same
    file ``driftmon baseline`` writes.
    """

    __slots__ = ()

    @property
    def model(self) -> Optional[str]:
        return self._p.meta["model"]

    @property
    def version(self) -> Optional[str]:
        return self._p.meta["version"]

    @property
    def created_at(self) -> Optional[str]:
        return self._p.meta["created_at"]

    @property
    def warnings(self) -> List[str]:
        """Warnings of the schema inference (one sentence each)."""
        return self._p.warnings

    def to_json(self) -> str:
        """The baseline file's text (docs/baseline-format.md)."""
        return self._p.to_json()

    def save(self, path: PathLike) -> None:
        """Writes the baseline file to a local path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    def store(self, store: Optional[str] = None) -> str:
        """Writes baselines/<model>/<version>/baseline.json to a store (a
        folder or an az:// URL; default $DRIFTMON_STORE) where
        ``driftmon detect`` finds it.  Returns its location."""
        if not self.model or not self.version:
            raise InvalidArgumentError("a baseline needs model= and "
                                       "version= to be stored")
        key = f"baselines/{self.model}/{self.version}/baseline.json"
        return _driftmon.store_put(store or default_store(), key,
                                   self.to_json().encode())


def load_baseline(path: Optional[PathLike] = None, *,
                  model: Optional[str] = None, version: Optional[str] = None,
                  store: Optional[str] = None) -> Baseline:
    """Reads a baseline file: a local path, or the stored one of model and
    version (``baselines/<model>/<version>/baseline.json`` in the store)."""
    if path is not None:
        path = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise NotFoundError(f"cannot read '{path}': {e.strerror}") \
                from None
        return Baseline(_driftmon.baseline_from_json(text, path), path)
    if not model or not version:
        raise InvalidArgumentError("load_baseline: give a path, or model= "
                                   "and version=")
    key = f"baselines/{model}/{version}/baseline.json"
    text = _driftmon.store_get(store or default_store(), key)
    return Baseline(_driftmon.baseline_from_json(text.decode(), key), key)


def _build(data, *, reference: Optional[Baseline], name: Optional[str],
           names: Optional[Sequence[str]], options: Dict[str, Any]):
    ref = reference._p if reference is not None else None
    if _is_paths(data):
        paths = _paths(data)
        return _driftmon.profile_files(paths, options, ref), \
            name or paths[0]
    cols, nrows = _columns.from_data(data, names)
    label = name or ("<DataFrame>" if hasattr(data, "iloc") else "<array>")
    return _driftmon.profile_columns(label, cols, nrows, options, ref), label


def baseline(data, model: Optional[str] = None, version: Optional[str] = None,
             spec=None, *, features: Optional[Iterable[str]] = None,
             exclude: Optional[Iterable[str]] = None,
             categorical: Optional[Iterable[str]] = None,
             bins: Optional[int] = None,
             missing_values: Optional[Iterable[str]] = None,
             names: Optional[Sequence[str]] = None,
             name: Optional[str] = None) -> Baseline:
    """Profiles training data into a baseline.

    data: a pandas DataFrame, a dict of arrays, a 2-D NumPy array (columns
    named by ``names``, default x0, x1, ...) or one or more CSV / Parquet
    file paths.  float64 columns are read in place, without a copy; see
    driftmon._columns for every dtype.  model, version: recorded in the
    baseline (needed by ``Baseline.store``).  spec: a monitoring spec
    (docs/spec-format.md) as a file path, YAML text or a dict.  features,
    exclude, categorical, bins, missing_values: as the CLI's flags.

    Raises FormatError (a value that is not a number, NaN in a file...),
    SchemaError, EmptyDataError (no rows), NotFoundError (a file).
    """
    opts: Dict[str, Any] = {"model": model, "version": version}
    for k, v in (("features", features), ("exclude", exclude),
                 ("categorical", categorical),
                 ("missing_values", missing_values)):
        if v is not None:
            opts[k] = [str(x) for x in v]
    if bins is not None:
        opts["bins"] = bins
    st = _spec_text(spec)
    if st:
        opts["spec"], opts["spec_name"] = st
    handle, label = _build(data, reference=None, name=name, names=names,
                           options=opts)
    return Baseline(handle, label)


def profile(data, reference: Baseline, *, names: Optional[Sequence[str]] =
            None, name: Optional[str] = None) -> Profile:
    """Profiles current data (inference logs) against a baseline: its
    columns, types and bin edges.  Values that do not parse are counted
    as invalid rather than raised."""
    if not isinstance(reference, Baseline):
        raise TypeError("reference must be a driftmon.Baseline")
    handle, label = _build(data, reference=reference, name=name,
                           names=names, options={})
    return Profile(handle, label)


_THRESHOLDS = ("psi_threshold", "psi_minor", "alpha", "min_ks_d",
               "critical_threshold", "min_samples", "test", "test_threshold")


def compare(reference, current, *, model: Optional[str] = None,
            version: str = "vs reference", spec=None,
            features: Optional[Iterable[str]] = None,
            exclude: Optional[Iterable[str]] = None,
            categorical: Optional[Iterable[str]] = None,
            bins: Optional[int] = None,
            missing_values: Optional[Iterable[str]] = None,
            **thresholds) -> Report:
    """Compares current data with reference data, as ``driftmon compare``.

    reference: a Baseline, or data (DataFrame, arrays, file paths) that is
    profiled like training data first.  current: data or a Profile made
    against that baseline.  thresholds: psi_threshold (0.2), psi_minor
    (0.1), alpha (0.01), min_ks_d (0.05), critical_threshold (0.5),
    min_samples (100), test ("auto", "ks", "psi", "chi2", ...),
    test_threshold (docs/drift-decision.md).  model, version: the report's
    headline (the CLI puts the current file's name and "vs reference").
    features, exclude, categorical, bins, missing_values: for a reference
    given as data, as the CLI's flags (``missing_values=["NaN"]``: a
    Parquet NaN is missing in both, as ``--missing-values NaN``).

    Returns a Report with the same content as the CLI's JSON report.
    """
    bad = set(thresholds) - set(_THRESHOLDS)
    if bad:
        raise TypeError("compare() got unexpected keyword argument(s) " +
                        ", ".join(sorted(bad)) + "; thresholds are " +
                        ", ".join(_THRESHOLDS))
    if isinstance(reference, Baseline):
        base = reference
        if any(x is not None for x in (spec, features, exclude,
                                       categorical, bins, missing_values)):
            raise TypeError("spec, features, exclude, categorical, bins "
                            "and missing_values apply when the reference "
                            "is data, not a Baseline")
    else:
        base = baseline(reference, spec=spec, features=features,
                        exclude=exclude, categorical=categorical, bins=bins,
                        missing_values=missing_values)
    if isinstance(current, Profile) and not isinstance(current, Baseline):
        cur = current
    else:
        # compared once, as `driftmon compare` does: counted against the
        # baseline's stored ECDF rather than sketched (docs/statistics.md)
        handle, label = _build(current, reference=base, name=None,
                               names=None,
                               options={"window_ecdf": True,
                                        "window_test": thresholds.get("test")})
        cur = Profile(handle, label)
    cfg = {k: v for k, v in thresholds.items() if v is not None}
    text = _driftmon.compare(base._p, cur._p, cfg, model or cur.name,
                             version)
    return Report(text)


from .detect import DetectWarning, detect  # noqa: E402
__all__ += ["DetectWarning"]
