# SPDX-License-Identifier: Apache-2.0
"""Bad input raises a DriftmonError subclass carrying the library's
one-line message (file or data, row, column), never a crash."""
import numpy as np
import pandas as pd
import pytest

import driftmon


def test_infinite_value_names_row_and_column():
    df = pd.DataFrame({"a": [1.0, 2.0, np.inf, 4.0], "b": [1, 2, 3, 4]})
    with pytest.raises(driftmon.FormatError) as e:
        driftmon.baseline(df)
    assert "row 3" in str(e.value) and "'a'" in str(e.value)
    assert "<DataFrame>" in str(e.value)
    assert e.value.row == 3 and e.value.column == "a"
    assert isinstance(e.value, driftmon.DriftmonError)
    assert isinstance(e.value, ValueError)


def test_bad_file_value_names_file(tmp_path):
    p = tmp_path / "train.csv"
    p.write_text("x,y\n1,2\n3,abc\n5,6\n")
    with pytest.raises(driftmon.DriftmonError) as e:
        driftmon.baseline(str(p), spec="version: 1\ncolumns:\n  y:\n"
                                       "    type: numeric\n")
    assert "train.csv" in str(e.value) and "row 2" in str(e.value)


def test_missing_file():
    with pytest.raises(driftmon.NotFoundError) as e:
        driftmon.baseline("/nonexistent/train.csv")
    assert "/nonexistent/train.csv" in str(e.value)
    assert isinstance(e.value, FileNotFoundError)


def test_empty_data():
    with pytest.raises(driftmon.EmptyDataError) as e:
        driftmon.baseline(pd.DataFrame({"a": np.array([], dtype=float)}))
    assert "no data rows" in str(e.value)


def test_bad_spec_names_line():
    with pytest.raises(driftmon.FormatError) as e:
        driftmon.baseline(pd.DataFrame({"a": [1.0, 2.0]}),
                          spec="version: 1\ncolumns:\n  a:\n    role: boss\n")
    assert "line 4" in str(e.value) and "boss" in str(e.value)


def test_missing_spec_file():
    with pytest.raises(driftmon.NotFoundError):
        driftmon.baseline(pd.DataFrame({"a": [1.0]}), spec="/no/spec.yaml")


def test_bad_thresholds():
    df = pd.DataFrame({"a": np.arange(200.0)})
    with pytest.raises(ValueError, match="alpha"):
        driftmon.compare(df, df, alpha=0.9)
    with pytest.raises(ValueError, match="min_samples"):
        driftmon.compare(df, df, min_samples=1.5)
    with pytest.raises(ValueError, match="not one of"):
        driftmon.compare(df, df, test="t-test")
    with pytest.raises(TypeError, match="psi_treshold"):
        driftmon.compare(df, df, psi_treshold=0.1)
    with pytest.raises(ValueError, match="bins"):
        driftmon.baseline(df, bins=1)


def test_unsupported_inputs():
    with pytest.raises(TypeError, match="complex"):
        driftmon.baseline(pd.DataFrame({"z": np.ones(3, dtype=complex)}))
    with pytest.raises(ValueError, match="differ in length"):
        driftmon.baseline({"a": np.ones(3), "b": np.ones(4)})
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        driftmon.baseline(42)
    with pytest.raises(TypeError, match="Baseline"):
        driftmon.profile(pd.DataFrame({"a": [1.0]}), reference="x")


def test_corrupt_baseline(tmp_path):
    p = tmp_path / "b.json"
    p.write_text('{"baseline_version": 2, "features": 3}')
    with pytest.raises(driftmon.FormatError) as e:
        driftmon.load_baseline(p)
    assert "b.json" in str(e.value)
    p.write_text('{"baseline_version": 99}')
    with pytest.raises(driftmon.DriftmonError):
        driftmon.load_baseline(p)


def test_current_without_baseline_columns():
    base = driftmon.baseline(pd.DataFrame({"a": np.arange(300.0)}))
    with pytest.raises(driftmon.SchemaError) as e:
        driftmon.compare(base, pd.DataFrame({"zz": np.arange(300.0)}))
    assert e.value.code > 0


def test_current_bad_values_are_counted_not_raised():
    base = driftmon.baseline(pd.DataFrame({"a": np.arange(300.0)}))
    cur = pd.DataFrame({"a": np.r_[np.arange(299.0), np.inf]})
    r = driftmon.compare(base, cur).to_dict()
    assert r["features"][0]["current"]["invalid"] == 1


def test_category_code_out_of_range_is_an_error():
    from driftmon import _columns, _driftmon
    cols = [("k", _columns.CODES, np.array([0, 5], dtype=np.int8), None,
             False, 0, _columns.I8, [b"a"])]
    with pytest.raises(driftmon.FormatError, match="row 2"):
        _driftmon.profile_columns("<t>", cols, 2, {}, None)
    with pytest.raises(ValueError, match="3 values, expected 2"):
        _driftmon.profile_columns(
            "<t>", [("x", _columns.F64, np.ones(3), None, True, 0, 0,
                     None)], 2, {}, None)


def test_element_size_checked():
    from driftmon import _columns, _driftmon
    with pytest.raises(ValueError, match="do not fit"):
        _driftmon.profile_columns(
            "<t>", [("x", _columns.F64, np.ones(4, dtype=np.int32), None,
                     True, 0, 0, None)], 4, {}, None)
    with pytest.raises(ValueError, match="do not fit"):
        _driftmon.profile_columns(
            "<t>", [("k", _columns.CODES, np.zeros(4, dtype=np.int16),
                     None, False, 0, _columns.I8, [b"a"])], 4, {}, None)
