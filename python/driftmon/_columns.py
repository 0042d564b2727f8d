# SPDX-License-Identifier: Apache-2.0
"""DataFrames and arrays as column descriptions for libdriftmon.

Every column becomes a tuple ``(name, kind, data, missing, nan_missing,
hint, code_kind, categories)`` that ``_driftmon.profile_columns`` hands to
``dm_mem_reader_open`` (include/driftmon/table.h).  ``data`` is an object
with the buffer protocol that stays a *view* of the caller's memory
wherever the dtype allows:

===========================  ==============================================
dtype                        how libdriftmon reads it
===========================  ==============================================
float64                      in place (zero copy); NaN is missing
float32, (u)int8..64         in place, converted to double per batch
bool                         in place, as the booleans false/true
datetime64 (naive or tz)     in place, seconds since the epoch; NaT missing
timedelta64                  in place, seconds
Int*/UInt*/Float*/boolean    values and mask in place; <NA> missing
category                     codes in place, categories as text
object / string              factorised (one int64 code per row), as text
===========================  ==============================================
"""
from __future__ import annotations

import numpy as np

# dm_mem_kind (include/driftmon/table.h)
F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, BOOL, TIME_NS, TIME_S, STR, \
    CODES = range(15)
# dm_ltype
LTYPE_UNKNOWN, LTYPE_BOOLEAN, LTYPE_TIMESTAMP = 0, 3, 5

_INT_KINDS = {
    np.dtype(np.int64): I64, np.dtype(np.int32): I32,
    np.dtype(np.int16): I16, np.dtype(np.int8): I8,
    np.dtype(np.uint64): U64, np.dtype(np.uint32): U32,
    np.dtype(np.uint16): U16, np.dtype(np.uint8): U8,
}


def _text(v) -> bytes:
    """A category value as the text a CSV file would hold."""
    if isinstance(v, (bool, np.bool_)):
        return b"true" if v else b"false"
    if isinstance(v, bytes):
        return v
    return str(v).encode("utf-8", "replace")


def _numpy_column(name: str, a: np.ndarray):
    """One 1-D NumPy array (a view) as a column tuple."""
    dt = a.dtype
    if dt == np.float64:
        return (name, F64, a, None, True, LTYPE_UNKNOWN, 0, None)
    if dt == np.float32:
        return (name, F32, a, None, True, LTYPE_UNKNOWN, 0, None)
    if dt in _INT_KINDS:
        return (name, _INT_KINDS[dt], a, None, False, LTYPE_UNKNOWN, 0, None)
    if dt == np.bool_:
        return (name, BOOL, a.view(np.uint8), None, False, LTYPE_BOOLEAN, 0,
                None)
    if dt.kind == "M":
        unit = np.datetime_data(dt)[0]
        if unit == "ns":
            return (name, TIME_NS, a.view(np.int64), None, False,
                    LTYPE_TIMESTAMP, 0, None)
        secs = a.astype("datetime64[ns]").view(np.int64)
        return (name, TIME_NS, secs, None, False, LTYPE_TIMESTAMP, 0, None)
    if dt.kind == "m":
        ns = a.astype("timedelta64[ns]").view(np.int64)
        return (name, TIME_NS, ns, None, False, LTYPE_UNKNOWN, 0, None)
    if dt.kind in "OUS":
        import pandas as pd
        return _factorised(name, pd.Series(a, copy=False))
    raise TypeError(f"column '{name}': unsupported dtype {dt}")


def _factorised(name: str, s):
    import pandas as pd
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    cats = [_text(v) for v in np.asarray(uniques, dtype=object)]
    return (name, CODES, np.ascontiguousarray(codes), None, False,
            LTYPE_UNKNOWN, I64 if codes.dtype == np.int64 else
            _INT_KINDS[codes.dtype], cats)


def _series_column(name: str, s):
    """One pandas Series as a column tuple, its buffers viewed in place."""
    import pandas as pd
    from pandas.api import types as pt

    dt = s.dtype
    if isinstance(dt, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        cats = [_text(v) for v in s.cat.categories]
        return (name, CODES, codes, None, False, LTYPE_UNKNOWN,
                _INT_KINDS[codes.dtype], cats)
    if isinstance(dt, pd.DatetimeTZDtype) or (
            pt.is_datetime64_any_dtype(dt) and isinstance(dt, np.dtype)):
        arr = s.array
        ns = arr.asi8 if hasattr(arr, "asi8") else \
            np.asarray(s).view(np.int64)
        return (name, TIME_NS, ns, None, False, LTYPE_TIMESTAMP, 0, None)
    arr = s.array
    if hasattr(arr, "_data") and hasattr(arr, "_mask"):
        # nullable Int*/UInt*/Float*/boolean: values and mask in place
        data, mask = arr._data, arr._mask.view(np.uint8)
        col = _numpy_column(name, data)
        if col[1] == BOOL:
            return (name, BOOL, data.view(np.uint8), mask, False,
                    LTYPE_BOOLEAN, 0, None)
        return (name, col[1], col[2], mask, col[4], col[5], 0, None)
    if isinstance(dt, np.dtype) and dt.kind != "O":
        return _numpy_column(name, s.to_numpy(copy=False))
    # object, string[python], ...: text values
    return _factorised(name, s)


def from_data(data, names=None):
    """(columns, nrows) for a DataFrame, a dict of arrays or a 2-D array."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(data, pd.Series):
        data = data.to_frame()
    if pd is not None and isinstance(data, pd.DataFrame):
        cols = [_series_column(str(n), data.iloc[:, j])
                for j, n in enumerate(data.columns)]
        return cols, len(data)
    if isinstance(data, dict):
        cols, nrows = [], None
        for n, v in data.items():
            if pd is not None and isinstance(v, pd.Series):
                c = _series_column(str(n), v)
            else:
                a = np.asarray(v)
                if a.ndim != 1:
                    raise ValueError(f"column '{n}': expected a 1-D array")
                c = _numpy_column(str(n), a)
            k = len(c[2])
            if nrows is not None and k != nrows:
                raise ValueError(f"column '{n}': {k} values, expected "
                                 f"{nrows} (columns differ in length)")
            nrows = k
            cols.append(c)
        return cols, nrows or 0
    if isinstance(data, np.ndarray):
        if data.dtype.names:
            return from_data({n: data[n] for n in data.dtype.names})
        if data.ndim == 1:
            data = data.reshape(-1, 1)
        if data.ndim != 2:
            raise ValueError(f"expected a 2-D array, got {data.ndim}-D")
        if names is None:
            names = [f"x{j}" for j in range(data.shape[1])]
        if len(names) != data.shape[1]:
            raise ValueError(f"{len(names)} names for {data.shape[1]} "
                             "columns")
        return ([_numpy_column(str(n), data[:, j])
                 for j, n in enumerate(names)], data.shape[0])
    raise TypeError("expected a pandas DataFrame, a dict of arrays, a NumPy "
                    f"array or file paths, got {type(data).__name__}")
