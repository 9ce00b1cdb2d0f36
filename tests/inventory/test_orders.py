"""Rounding to case packs and MOQs."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icebergops.inventory.orders import effective_moq, moq_warning, round_order


def rounded(raw: float | None, case_pack: int | None, moq: int | None) -> int:
    frame = pl.DataFrame(
        {"raw": [raw], "case_pack": [case_pack], "moq": [moq]},
        schema={"raw": pl.Float64, "case_pack": pl.Int64, "moq": pl.Int64},
    )
    expr = round_order(pl.col("raw"), case_pack=pl.col("case_pack"), moq=pl.col("moq"))
    result = frame.select(expr).item()
    assert isinstance(result, int)
    return result


@pytest.mark.parametrize(
    ("raw", "case_pack", "moq", "expected"),
    [
        (0.0, 6, 10, 0),
        (-4.0, 6, 10, 0),
        (None, 6, 10, 0),
        (0.2, 6, None, 6),
        (0.2, 6, 10, 12),  # MOQ 10 in cases of 6 is 12
        (12.0, 6, 0, 12),
        (12.000000001, 6, 0, 12),  # float noise does not open a case
        (12.5, 6, 0, 18),
        (30.0, 6, 10, 30),
        (7.3, None, None, 8),
        (7.3, 0, 3, 8),
    ],
)
def test_round_order(
    raw: float | None, case_pack: int | None, moq: int | None, expected: int
) -> None:
    assert rounded(raw, case_pack, moq) == expected


@given(
    raw=st.floats(min_value=-50, max_value=5000, allow_nan=False),
    case_pack=st.integers(min_value=1, max_value=48),
    moq=st.integers(min_value=0, max_value=500),
)
def test_rounded_orders_are_whole_cases_at_least_moq_and_tight(
    raw: float, case_pack: int, moq: int
) -> None:
    q = rounded(raw, case_pack, moq)
    assert q >= 0
    assert q % case_pack == 0
    if q > 0:
        assert q >= moq
        assert q >= raw - 1e-6
        # no more than one case beyond the need, unless the MOQ forced it
        assert q < max(raw, moq) + case_pack
    else:
        assert raw <= 1e-9


def test_effective_moq_and_its_warning() -> None:
    frame = pl.DataFrame({"moq": [10, 12, None, 0], "case_pack": [6, 6, 6, None]})
    got = frame.select(
        effective_moq(pl.col("moq"), pl.col("case_pack")).alias("met"),
        moq_warning(pl.col("moq"), pl.col("case_pack")).alias("warning"),
    )
    assert got.get_column("met").to_list() == [12, 12, 0, 0]
    assert got.get_column("warning").to_list() == [
        "MOQ 10 is not a multiple of the case pack 6: at least 12 are ordered",
        None,
        None,
        None,
    ]
