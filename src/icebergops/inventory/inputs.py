"""From the seller's canonical tables to what :func:`~icebergops.inventory.policy.plan_restock`
needs: demand over each SKU's protection period, selling prices, stock and one supplier per SKU.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import polars as pl

from icebergops.demand.arrays import DailySeries, as_series
from icebergops.demand.history import demand_lines
from icebergops.inventory.leadtime import incoming_units, lead_times

# The forecast's 80% band is forecast ± the 80% quantile of absolute daily errors; for normal
# errors that quantile is z(0.90)·σ, so σ = (hi_80 − forecast) / 1.2816.
BAND_80_Z = NormalDist().inv_cdf(0.90)
INTERMITTENT = ("intermittent", "lumpy")
UNKNOWN_SUPPLIER = "(unknown supplier)"
BLOCK_ROWS = 4096  # SKUs per window-sum matrix (4,096 × 364 days × 8 bytes = 12 MB)
_LARGEST = np.iinfo(np.int64).max


def demand_rates(forecast: pl.DataFrame, protection: pl.DataFrame) -> pl.DataFrame:
    """Units per day each SKU is expected to sell over its protection period (lead time +
    review), and the daily spread σ_d read off the forecast's 80% band.

    ``forecast``: ``sku, day, forecast, hi_80`` (daily, from the forecast command);
    ``protection``: ``sku, protection_days``. SKUs without a protection period use the whole
    forecast. Returns ``sku, demand_per_day, demand_std_per_day, forecast_days`` plus ``model``,
    ``method`` and ``demand_class`` where the forecast has them.

    >>> fc = pl.DataFrame({"sku": ["A"] * 3, "day": [1, 2, 3], "forecast": [2.0, 4.0, 9.0],
    ...                    "hi_80": [4.5631, 6.5631, 11.5631]})
    >>> demand_rates(fc, pl.DataFrame({"sku": ["A"], "protection_days": [2.0]})).row(0)
    ('A', 3.0, 2.0, 2)
    """
    described = [c for c in ("model", "method", "demand_class") if c in forecast.columns]
    days = pl.int_range(pl.len()).over("sku")
    within = pl.col("protection_days").is_null() | (days < pl.col("protection_days").ceil())
    return (
        forecast.sort("sku", "day")
        .join(protection, on="sku", how="left")
        .filter(within)
        .group_by("sku", maintain_order=True)
        .agg(
            pl.col("forecast").mean().alias("demand_per_day"),
            ((pl.col("hi_80") - pl.col("forecast")) / BAND_80_Z).mean().alias("demand_std_per_day"),
            pl.len().alias("forecast_days"),
            *(pl.col(c).first() for c in described),
        )
        .with_columns(pl.col("demand_per_day", "demand_std_per_day").round(4))
    )


def demand_quantiles(
    history: pl.DataFrame | DailySeries,
    protection: pl.DataFrame,
    *,
    year_days: int = 364,
    levels: Sequence[str] = (),
) -> pl.DataFrame:
    """For intermittent SKUs: the service-level quantile of units sold in any window of the
    protection period's length over the last year (empirical demand, not Croston's intervals,
    which do not hold for demand that is mostly zeros).

    ``history``: ``sku, day, units`` (daily, zero-filled; or laid out by
    :func:`~icebergops.demand.arrays.daily_series`); ``protection``: ``sku, protection_days,
    service_level`` for the SKUs wanted. A window is ``ceil(protection_days)`` consecutive rows of
    the SKU's last ``year_days`` days of the history; the quantile is the "higher" one, the
    sorted window sums at ceil(level·(n − 1)). Returns ``sku, demand_quantile`` (units over the
    period), none for a SKU with no whole window. With ``levels`` (columns of ``protection``
    that each hold a service level, as several plans of one origin want), one column of
    quantiles per level column, named as it: the windows are summed and sorted once for all.

    >>> from datetime import date, timedelta
    >>> h = pl.DataFrame({"sku": ["A"] * 10, "day": [date(2026, 1, 1) + timedelta(d) for d in range(10)],
    ...                   "units": [0, 3, 0, 0, 0, 0, 5, 0, 0, 0]})
    >>> p = pl.DataFrame({"sku": ["A"], "protection_days": [3.0], "service_level": [0.95]})
    >>> demand_quantiles(h, p).row(0)
    ('A', 5.0)
    """
    series = as_series(history)
    names = list(levels) or ["service_level"]
    wanted = series.keys.with_row_index("_series").join(
        protection.select(
            "sku",
            pl.col("protection_days").ceil().cast(pl.Int64).clip(lower_bound=0).alias("_w"),
            *names,
        ),
        on="sku",
    )
    which, width = wanted["_series"].to_numpy().astype(np.int64), wanted["_w"].to_numpy()
    recent = _recent_rows(series, year_days)[which]
    level = wanted.select(pl.col(names).cast(pl.Float64)).to_numpy().reshape(-1, len(names))
    found = np.full((wanted.height, len(names)), np.nan)
    span = int(recent.max(initial=0))
    # row e of the view: the span units before row e of the history (zeros before its start)
    units = np.concatenate([np.zeros(span, series.units.dtype), series.units])
    view = np.lib.stride_tricks.sliding_window_view(units, span) if span else units[:, None]
    # one matrix per window length, at most BLOCK_ROWS SKUs each: memory stays ~10 MB a block
    for w in np.unique(width):
        rows = np.flatnonzero(width == w)
        for block in np.array_split(rows, -(-len(rows) // BLOCK_ROWS)):
            laid = view[series.ends[which[block]]]
            found[block] = _quantile(laid, recent[block], int(w), level[block])
    outputs = list(levels) or ["demand_quantile"]
    quantiles = [pl.Series(name, found[:, i]).fill_nan(None) for i, name in enumerate(outputs)]
    some = pl.any_horizontal(pl.col(outputs).is_not_null())
    return wanted.select("sku", *quantiles).filter(some)


def _recent_rows(series: DailySeries, year_days: int) -> npt.NDArray[np.int64]:
    """Rows per series in the last ``year_days`` days of the whole history (its last rows)."""
    if len(series.day) == 0:
        return series.rows
    recent = series.day > series.day.max() - year_days
    return np.add.reduceat(recent.view(np.uint8), series.starts, dtype=np.int64)


def _quantile(
    laid: npt.NDArray[np.int64] | npt.NDArray[np.float64],
    recent: npt.NDArray[np.int64],
    width: int,
    level: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The "higher" ``level`` quantiles of units in ``width`` consecutive rows among the last
    ``recent`` of each row of ``laid`` (a series' rows, right-aligned): sorted window sums at
    ceil(level·(n − 1)), one column per column of ``level`` (rows × levels). NaN where no
    window fits or the level is missing; 0 for no rows.

    The columns before a series' recent rows are zeroed, so running totals start at its first
    recent row: the additions of a polars ``cum_sum`` over those rows alone, and float units
    give the same window sums bit for bit.
    """
    count = (recent - width + 1 if width > 0 else np.minimum(recent, 1))[:, None]
    at = np.ceil(level * (count - 1))
    usable = (count > 0) & ~np.isnan(at)
    found = np.full(level.shape, np.nan)
    if width == 0 or not usable.any():
        return np.where(usable, 0.0, found)
    span = laid.shape[1]
    before = np.arange(span)[None, :] < (span - recent)[:, None]
    laid[before] = 0
    start = np.zeros((len(recent), 1), laid.dtype)
    totals = np.concatenate([start, laid.cumsum(axis=1)], axis=1)
    sums = totals[:, width:] - totals[:, : span + 1 - width]
    # a window starting before the recent rows is no window: sorted last, never picked
    sums[before[:, : span + 1 - width]] = np.inf if laid.dtype.kind == "f" else _LARGEST
    sums.sort(axis=1)
    rows = np.nonzero(usable)[0]
    found[usable] = sums[rows, at[usable].astype(np.intp)]
    return found


def selling_prices(order_lines: pl.DataFrame, *, today: date, days: int = 365) -> pl.DataFrame:
    """``sku, price, revenue, units``: the average price paid per unit and the revenue over
    the last ``days`` before ``today`` (for revenue at risk and ABC classes); price and revenue
    are null where the export has no prices."""
    since = today - timedelta(days=days)
    lines = demand_lines(order_lines).filter(pl.col("order_date") > since)
    paid = pl.col("quantity") * pl.col("unit_price")
    priced = pl.col("quantity").filter(pl.col("unit_price").is_not_null()).sum()
    return lines.group_by("sku").agg(
        pl.when(priced > 0).then(paid.sum() / priced).alias("price"),
        pl.when(priced > 0).then(paid.sum()).alias("revenue"),
        pl.col("quantity").sum().alias("units"),
    )


def stock_levels(
    inventory: pl.DataFrame, purchase_orders: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``sku, on_hand, committed, incoming`` summed over locations (rows "not stocked" out).

    With ``purchase_orders``, incoming is what open purchase orders still owe (the export's own
    incoming column would count the same units twice).
    """
    stocked = (
        inventory.filter(pl.col("stocked").fill_null(True))
        if "stocked" in inventory.columns
        else inventory
    )
    totals = stocked.group_by("sku").agg(
        pl.col("on_hand").sum(),
        pl.col("committed").fill_null(0).sum(),
        pl.col("incoming").fill_null(0).sum(),
    )
    if purchase_orders is None:
        return totals
    owed = incoming_units(purchase_orders).select("sku", "incoming", "next_expected_date")
    return (
        totals.drop("incoming")
        .join(owed, on="sku", how="full", coalesce=True)
        .with_columns(pl.col("on_hand", "committed", "incoming").fill_null(0))
    )


def supplier_for_skus(
    skus: pl.Series,
    suppliers: pl.DataFrame,
    learned: pl.DataFrame,
    *,
    vendors: pl.DataFrame | None = None,
    default_days: float = 14.0,
) -> pl.DataFrame:
    """One supplier row per SKU of ``skus``, as :func:`~icebergops.inventory.leadtime.lead_times`.

    A SKU with rows of its own in ``suppliers`` keeps the first of them (the file's order is the
    seller's preference). Otherwise it takes the default row (empty ``sku``) of the supplier
    named like its product's vendor (``vendors``: ``sku, vendor``), or of the only supplier
    with a default row. SKUs left over plan with ``default_days``, no case pack nor MOQ, under
    their product's vendor where ``vendors`` names one (a purchase order per vendor), else
    ``(unknown supplier)``; their lead time is still learned from ``learned`` where the POs
    name that vendor. ``in_suppliers_file`` says whether a row's terms come from ``suppliers``.
    """
    own = suppliers.filter(pl.col("sku").is_not_null()).unique(
        "sku", keep="first", maintain_order=True
    )
    defaults = suppliers.filter(pl.col("sku").is_null()).get_column("supplier").unique()
    wanted = pl.DataFrame({"sku": skus}).unique().join(own.select("sku"), on="sku", how="anti")
    if vendors is not None:
        vendors = vendors.unique("sku", keep="first", maintain_order=True)
        by_vendor = vendors.filter(pl.col("vendor").is_in(defaults.implode()))
        wanted = wanted.join(
            by_vendor.select("sku", pl.col("vendor").alias("supplier")), on="sku", how="left"
        )
    else:
        wanted = wanted.with_columns(pl.lit(None, pl.String).alias("supplier"))
    sole = defaults[0] if len(defaults) == 1 else None
    adopted = wanted.with_columns(pl.col("supplier").fill_null(pl.lit(sole, pl.String)))
    matched = adopted.filter(pl.col("supplier").is_not_null())
    unknown = adopted.filter(pl.col("supplier").is_null()).drop("supplier")
    if vendors is not None:  # without terms, the product's vendor is still whom to order from
        named = vendors.filter(pl.col("vendor").str.strip_chars() != "")
        unknown = unknown.join(
            named.select("sku", pl.col("vendor").alias("supplier")), on="sku", how="left"
        )
    else:
        unknown = unknown.with_columns(pl.lit(None, pl.String).alias("supplier"))
    # terms-less rows still go through lead_times: a vendor's PO history gives their lead time
    untermed = unknown.select(pl.col("supplier").fill_null(pl.lit(UNKNOWN_SUPPLIER)), "sku")
    rows = pl.concat(
        [suppliers.filter(pl.col("sku").is_null()), own, matched, untermed],
        how="diagonal_relaxed",
    )
    planned = lead_times(rows, learned, default_days=default_days)
    return planned.with_columns(
        (~pl.col("sku").is_in(untermed.get_column("sku").implode())).alias("in_suppliers_file")
    )
