"""Properties that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from icebergops.outputs import FORMULA_STARTS, escape_formulas
from icebergops.sources.cells import parse_integer, parse_number

cells = st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=30)


@given(cells)
def test_no_escaped_cell_starts_a_formula_and_nothing_else_changes(
    values: list[str | None],
) -> None:
    escaped = escape_formulas(pl.DataFrame({"cell": values}, schema={"cell": pl.String}))["cell"]
    for before, after in zip(values, escaped.to_list(), strict=True):
        if before is None:
            assert after is None
        elif before.startswith(FORMULA_STARTS):
            assert after == "'" + before
        else:
            assert after == before


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=1, max_size=20))
def test_integers_survive_the_text_round_trip(numbers: list[int]) -> None:
    frame = pl.DataFrame({"q": [str(n) for n in numbers]})
    assert frame.select(parse_integer("q"))["q"].to_list() == numbers


@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=20))
def test_decimals_survive_the_text_round_trip(numbers: list[float]) -> None:
    frame = pl.DataFrame({"p": [repr(n) for n in numbers]})
    assert frame.select(parse_number("p"))["p"].to_list() == numbers


@given(st.text(alphabet="abcxyz.!", min_size=1, max_size=8))
def test_words_are_never_numbers(word: str) -> None:
    frame = pl.DataFrame({"q": [word]})
    assert frame.select(parse_integer("q"))["q"].to_list() == [None]
