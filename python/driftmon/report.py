# SPDX-License-Identifier: Apache-2.0
"""The drift report of a comparison or an hourly run."""
from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Optional

from . import _driftmon


class Report:
    """A drift report: the JSON report of ``driftmon compare`` / ``detect``
    (docs/report-format.md), with views for notebooks.

    ``to_dict()`` is the parsed JSON, ``to_frame()`` one row per analysed
    column, ``save_html()`` the self-contained HTML report; in Jupyter the
    report renders itself (``_repr_html_``).
    """

    __slots__ = ("json", "_d", "_html", "location")

    def __init__(self, text: str):
        self.json: str = text
        self._d: Dict[str, Any] = json.loads(text)
        self._html: Optional[str] = None
        #: where detect() stored the report (None: not stored)
        self.location: Optional[str] = None

    # the headline
    @property
    def drift_detected(self) -> bool:
        return bool(self._d.get("drift_detected"))

    @property
    def drift_score(self) -> float:
        return float(self._d.get("drift_score") or 0.0)

    @property
    def status(self) -> str:
        return self._d.get("status", "")

    @property
    def samples(self) -> int:
        return int(self._d.get("samples") or 0)

    @property
    def alerts(self) -> List[Dict[str, Any]]:
        return copy.deepcopy(self._d.get("alerts", []))

    @property
    def drifted_features(self) -> List[str]:
        return [f["name"] for f in self._d.get("features", [])
                if f.get("drifted")]

    def to_dict(self) -> Dict[str, Any]:
        """The JSON report as a dict (a copy)."""
        return copy.deepcopy(self._d)

    def to_frame(self):
        """A pandas DataFrame, one row per analysed column (index: name):
        status, PSI, KS / chi-square / the column's test and p-values, and
        the baseline's and current side's count, missing, mean, std..."""
        import pandas as pd
        rows = []
        for f in self._d.get("features", []):
            row: Dict[str, Any] = {}
            for k, v in f.items():
                if k in ("baseline", "current") and isinstance(v, dict):
                    for kk, vv in v.items():
                        if not isinstance(vv, (list, dict)):
                            row[f"{k}_{kk}"] = vv
                elif not isinstance(v, (list, dict)):
                    row[k] = v
            rows.append(row)
        frame = pd.DataFrame(rows)
        return frame.set_index("name") if "name" in frame else frame

    def to_html(self) -> str:
        """The self-contained HTML report (no scripts, nothing fetched)."""
        if self._html is None:
            self._html = _driftmon.html_from_json(self.json, "<report>")
        return self._html

    def save_html(self, path) -> None:
        """Writes the HTML report to path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_html())

    def save_json(self, path) -> None:
        """Writes the JSON report to path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.json)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        d = self._d
        return (f"<driftmon.Report {d.get('model')!r} "
                f"{d.get('model_version')!r}: {self.status}, "
                f"{d.get('features_drifted', 0)}/"
                f"{d.get('features_total', 0)} features drifted, "
                f"score {self.drift_score:.3f}, {self.samples} samples>")
