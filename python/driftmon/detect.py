# SPDX-License-Identifier: Apache-2.0
"""The hourly job from Python: ``driftmon.detect`` (as ``driftmon detect``)."""
from __future__ import annotations

import datetime as _dt
import os
import warnings as _warnings
from typing import Iterable, Optional, Union

from . import _driftmon
from .report import Report

# keyword -> the CLI flag (dm_job_settings_set name)
_SETTINGS = {
    "window_hours": "window-hours", "psi_threshold": "psi-threshold",
    "min_samples": "min-samples", "critical_threshold": "critical-threshold",
    "alpha": "alpha", "min_ks_d": "min-ks-d", "test": "test",
    "test_threshold": "test-threshold",
}


class DetectWarning(UserWarning):
    """A warning of the hourly job (a log file skipped, no logs found)."""


def detect(model: str, version: str, store: Optional[str] = None,
           window_hours: Optional[int] = None, *,
           at: Union[None, float, _dt.datetime] = None,
           inputs: Optional[Iterable[str]] = None, strict: bool = False,
           write: bool = True, **settings) -> Report:
    """Runs the hourly drift check, as ``driftmon detect --model M
    --version V`` does, through the same library call (dm_job_detect).

    store: a folder or az:// URL (default $DRIFTMON_STORE, else
    ./driftmon-data); the baseline baselines/<model>/<version>/
    baseline.json and the logs inference-logs/year=/month=/day=/hour=/
    are read from it.  window_hours: hours ending at ``at`` (default now,
    rounded down to the hour), default $DRIFT_ANALYSIS_WINDOW_HOURS or
    24.  inputs: local files to profile instead of the window (--input).
    strict: malformed rows are errors (--strict).  write: store the report
    (drift-reports/<model>/<version>/..., latest.json, and the HTML
    copies), as the CLI does unless --no-write; the report's location is
    ``report.location``.  settings: psi_threshold, min_samples,
    critical_threshold, alpha, min_ks_d, test, test_threshold -- over the
    DRIFT_* environment and the spec stored with the baseline, as flags.

    The returned report is the CLI's JSON report (the same statistics and
    verdict).  Warnings of the job (skipped files, no logs in the window)
    are issued as DetectWarning.  Alertmanager, webhooks, metrics and
    the text summary are the CLI's (`driftmon detect`); notifications are
    not sent from here.
    """
    flags = {}
    if window_hours is not None:
        settings["window_hours"] = window_hours
    for k, v in settings.items():
        if k not in _SETTINGS:
            raise TypeError(f"detect() got an unexpected keyword argument "
                            f"'{k}'; settings are " +
                            ", ".join(sorted(_SETTINGS)))
        if v is not None:
            flags[_SETTINGS[k]] = v
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=_dt.timezone.utc)
        at = at.timestamp()
    if store is None:
        store = os.environ.get("DRIFTMON_STORE") or "./driftmon-data"
    paths = [os.fspath(p) for p in inputs] if inputs else None
    text, location, warned = _driftmon.detect(model, version, store, flags,
                                              at, paths, strict, write)
    for w in warned:
        _warnings.warn(w, DetectWarning, stacklevel=2)
    rep = Report(text)
    rep.location = location
    return rep
