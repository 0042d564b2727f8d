# SPDX-License-Identifier: Apache-2.0
"""The hourly job from Python: ``driftmon.detect`` (as ``driftmon detect``)."""
from __future__ import annotations

from typing import Optional

from . import _driftmon
from .report import Report


def detect(model: str, version: str, store: Optional[str] = None,
           window_hours: Optional[int] = None, **kwargs) -> Report:
    """Runs the hourly drift check of model/version against a store."""
    if not hasattr(_driftmon, "detect"):
        raise _driftmon.InvalidArgumentError(
            "detect: this build of libdriftmon has no dm_job_detect")
    raise NotImplementedError
