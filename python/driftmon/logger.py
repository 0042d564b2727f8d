# SPDX-License-Identifier: Apache-2.0
"""The inference logger for Python gateways (dm_logger)."""
from __future__ import annotations

import time
from typing import Any, Mapping, Optional

from . import _driftmon


class Logger(_driftmon.Logger):
    """Records a model's predictions as hourly Parquet partitions in a store
    (docs/logger.md), through a write-ahead log on local disk.

    Thread-safe: share one Logger between the threads of a Flask or
    FastAPI app.  ``log()`` releases the GIL while it writes the WAL (and
    waits for the disk with ``fsync="always"``); it never waits for the
    network.  Use it as a context manager, or call ``close()`` at shutdown
    so the last records are uploaded::

        logger = driftmon.Logger("./driftmon-data", wal_dir="/var/lib/wal")
        logger.log("spam-detector", "v1", {"url_count": 3}, {"prediction": 0.9})

    Arguments: store (folder or az:// URL), wal_dir (required), prefix
    ("inference-logs"), fsync ("interval", "always", "never"), codec
    ("snappy", "zstd", "none"), host; keywords flush_rows, flush_bytes,
    flush_seconds, fsync_ms, wal_max_bytes, flush_threads,
    close_timeout_ms, retry_max_ms (docs/logger.md); hour_profiles (True:
    the hour profiles of model versions with a baseline are written as
    the logger uploads, docs/hourly-profiles.md; False: not).

    Errors: InvalidArgumentError (a bad record), SchemaError (a value of
    another type than its column's), LoggerFullError (the WAL is at its
    cap: storage has been down), StorageError.
    """

    def log(self, model: str, version: str, features: Mapping[str, Any],
            predictions: Optional[Mapping[str, Any]] = None,
            request_id: Optional[str] = None,
            timestamp: Optional[float] = None) -> None:
        """Appends one record.  features / predictions map column names to
        numbers, str, bool or None; timestamp is seconds since the epoch
        (a float, or a datetime), default now."""
        if timestamp is not None and hasattr(timestamp, "timestamp"):
            timestamp = timestamp.timestamp()
        if not isinstance(features, dict):
            features = dict(features)
        if predictions is not None and not isinstance(predictions, dict):
            predictions = dict(predictions)
        super().log(model, version, features, predictions, request_id,
                    timestamp)

    def flush(self, timeout: float = 0) -> None:
        """Waits until everything logged so far is uploaded (timeout in
        seconds, 0 = no limit); StorageError when storage keeps failing."""
        super().flush(timeout)

    def __enter__(self) -> "Logger":
        return self

    def __exit__(self, *exc) -> None:
        if not self.closed:
            self.close()
