"""Order quantities as suppliers accept them: whole case packs, at least the MOQ.

Supplier minimum order values are :mod:`icebergops.inventory.minimums`.
"""

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
