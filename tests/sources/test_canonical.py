"""Steps every reader shares: order-level cells worked out once per run of equal cells."""

from __future__ import annotations

import polars as pl

from icebergops.sources.canonical import once_per_run
from icebergops.sources.cells import clean_text


def test_each_run_is_worked_out_once_and_copied_down() -> None:
    frame = pl.DataFrame({"order": [" 1 ", " 1 ", " 1 ", "2", "2", None, None, " 1 "]})
    outputs = {"order_id": clean_text("order"), "late": pl.col("order").str.contains("2")}
    order_id, late = once_per_run(frame, "order", outputs)
    assert order_id.to_list() == ["1", "1", "1", "2", "2", None, None, "1"]
    assert late.to_list() == [False, False, False, True, True, None, None, False]
    assert (order_id.name, late.name) == ("order_id", "late")


def test_an_output_equal_to_every_cell_is_the_column_itself() -> None:
    """Nothing to trim: the column is used as it is (and named as the output)."""
    frame = pl.DataFrame({"order": ["1", "1", "2", "2", "2", "3", "3"]})
    (order_id,) = once_per_run(frame, "order", {"order_id": clean_text("order")})
    assert order_id.name == "order_id"
    assert order_id.to_list() == frame["order"].to_list()
    # an output of another type is never the column
    (number,) = once_per_run(frame, "order", {"n": pl.col("order").cast(pl.Int64)})
    assert number.dtype == pl.Int64 and number.to_list() == [1, 1, 2, 2, 2, 3, 3]
