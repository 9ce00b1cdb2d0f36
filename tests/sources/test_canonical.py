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
    """Nothing to trim: the column is used as it is (and named as the output), not gathered
    into a copy; a copy would be one piece, the column here is two."""
    pieces = [
        pl.DataFrame({"order": ["1", "1", "2"]}),
        pl.DataFrame({"order": ["2", "2", "3", "3"]}),
    ]
    frame = pl.concat(pieces, rechunk=False)
    (order_id,) = once_per_run(frame, "order", {"order_id": clean_text("order")})
    assert order_id.name == "order_id"
    assert order_id.to_list() == frame["order"].to_list()
    assert order_id.n_chunks() == frame["order"].n_chunks() == 2
    spaced = frame.with_columns(pl.concat_str(pl.lit(" "), pl.col("order")).alias("order"))
    (trimmed,) = once_per_run(spaced, "order", {"t": clean_text("order")})
    assert trimmed.to_list() == frame["order"].to_list() and trimmed.n_chunks() == 1
    # an output of another type is never the column
    (number,) = once_per_run(frame, "order", {"n": pl.col("order").cast(pl.Int64)})
    assert number.dtype == pl.Int64 and number.to_list() == [1, 1, 2, 2, 2, 3, 3]
