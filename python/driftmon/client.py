# SPDX-License-Identifier: Apache-2.0
"""A thin client for the HTTP collector (``driftmon collect``), stdlib only."""
from __future__ import annotations

import datetime as _dt
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Iterable, Mapping, Optional

from ._driftmon import DriftmonError


class CollectorError(DriftmonError):
    """The collector refused a request or could not be reached; .status is
    the HTTP status (0 when there was no answer)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


def _record(model: str, version: str, features: Mapping[str, Any],
            predictions: Optional[Mapping[str, Any]], request_id:
            Optional[str], timestamp) -> Dict[str, Any]:
    rec: Dict[str, Any] = {"model_name": model, "model_version": version,
                           "features": dict(features)}
    if predictions:
        rec["predictions"] = dict(predictions)
    if request_id is not None:
        rec["request_id"] = request_id
    if timestamp is not None:
        if isinstance(timestamp, _dt.datetime):
            timestamp = timestamp.timestamp()
        rec["timestamp"] = float(timestamp)
    return rec


class CollectorClient:
    """Posts records to a collector's /v1/predictions (docs/collector.md).

    client = CollectorClient("http://collector:8080", token="...")
    client.log("spam-detector", "v1", {"url_count": 3}, {"prediction": 0.9})
    """

    def __init__(self, url: str, token: Optional[str] = None,
                 timeout: float = 10.0):
        self.url = url.rstrip("/") + "/v1/predictions"
        self.token = token
        self.timeout = timeout

    def log(self, model: str, version: str, features: Mapping[str, Any],
            predictions: Optional[Mapping[str, Any]] = None,
            request_id: Optional[str] = None, timestamp=None) -> None:
        """Sends one record."""
        self.log_many([_record(model, version, features, predictions,
                               request_id, timestamp)])

    def log_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Sends records (dicts in the collector's JSON shape) as one
        request: all are accepted or none."""
        body = json.dumps(list(records), allow_nan=False).encode()
        req = urllib.request.Request(self.url, data=body, method="POST")
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                r.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip()
            raise CollectorError(f"collector {self.url}: HTTP {e.code}: "
                                 f"{detail[:300]}", e.code) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise CollectorError(f"collector {self.url}: {reason}") \
                from None
