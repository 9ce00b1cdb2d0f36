"""Order quantities as suppliers accept them: whole case packs, at least the MOQ, supplier minimums."""

from __future__ import annotations

import polars as pl

# A raw need of 12.000000001 units is 12 units, not a 13th that opens another case.
_EPSILON = 1e-9


def pack_size(case_pack: pl.Expr) -> pl.Expr:
    """Units per case; a missing or non-positive case pack means single units."""
    return pl.when(case_pack > 0).then(case_pack).otherwise(1).fill_null(1).cast(pl.Int64)


def effective_moq(moq: pl.Expr, case_pack: pl.Expr) -> pl.Expr:
    """The MOQ rounded up to whole cases (units): MOQ 10 in cases of 6 can only be met by 12.

    >>> pl.select(effective_moq(pl.lit(10), pl.lit(6))).item()
    12
    """
    pack = pack_size(case_pack)
    wanted = moq.fill_null(0).clip(lower_bound=0).cast(pl.Int64)
    return ((wanted + pack - 1) // pack) * pack


def moq_warning(moq: pl.Expr, case_pack: pl.Expr) -> pl.Expr:
    """A message where the MOQ is not a whole number of cases, null where it is."""
    met = effective_moq(moq, case_pack)
    return (
        pl.when(moq.is_not_null() & (met != moq))
        .then(
            pl.format(
                "MOQ {} is not a multiple of the case pack {}: at least {} are ordered",
                moq,
                pack_size(case_pack),
                met,
            )
        )
        .otherwise(pl.lit(None, pl.String))
    )


def round_order(raw: pl.Expr, *, case_pack: pl.Expr, moq: pl.Expr) -> pl.Expr:
    """Units to order for a raw need (units): up to whole cases, then up to the MOQ; 0 if none.

    >>> pl.select(round_order(pl.lit(13.4), case_pack=pl.lit(6), moq=pl.lit(10))).item()
    18
    >>> pl.select(round_order(pl.lit(3.0), case_pack=pl.lit(6), moq=pl.lit(10))).item()
    12
    """
    pack = pack_size(case_pack)
    units = (raw - _EPSILON).ceil().clip(lower_bound=0).cast(pl.Int64)
    rounded = ((units + pack - 1) // pack) * pack
    return (
        pl.when(raw.fill_null(0) > _EPSILON)
        .then(pl.max_horizontal(rounded, effective_moq(moq, case_pack)))
        .otherwise(0)
        .cast(pl.Int64)
    )


def supplier_minimums(plan: pl.DataFrame) -> pl.DataFrame:
    """Flag suppliers whose order this run is worth less than their minimum order value.

    Adds ``supplier_order_value`` (currency, the sum of ``order_value`` over the supplier's
    rows), ``supplier_shortfall`` (what is missing to reach ``min_order_value``) and
    ``below_supplier_minimum``. Suppliers with nothing to order are not flagged. The plan is
    not topped up: which extra units are worth buying is the seller's call (more of an A item
    or a first order of something new), so the shortfall is reported, not spent.

    >>> p = pl.DataFrame({"supplier": ["a", "a", "b"], "order_value": [40.0, 30.0, 0.0],
    ...                   "min_order_value": [100.0, 100.0, 50.0]})
    >>> supplier_minimums(p).get_column("below_supplier_minimum").to_list()
    [True, True, False]
    """
    total = pl.col("order_value").fill_null(0.0).sum().over("supplier")
    minimum = pl.col("min_order_value").max().over("supplier")
    short = (minimum - pl.col("supplier_order_value")).clip(lower_bound=0.0)
    return plan.with_columns(
        pl.when(pl.col("supplier").is_not_null()).then(total).alias("supplier_order_value")
    ).with_columns(
        pl.when(pl.col("supplier_order_value") > 0).then(short).alias("supplier_shortfall"),
        ((pl.col("supplier_order_value") > 0) & (short > 0))
        .fill_null(False)
        .alias("below_supplier_minimum"),
    )
