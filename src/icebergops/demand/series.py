"""Which series to forecast: per SKU, per product, per SKU and location, per SKU and channel.

The forecaster works on one key column. At the SKU level that is ``sku``; at the others it is a
``series`` column built from the level's columns (``TEE-M @ Reno NV``; at the product level the
product itself), which :func:`with_level_columns` splits back into them. A missing location or
channel is :data:`NONE`, a series of its own: Amazon orders carry no location, and their units
must not vanish from a per-location forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.history import daily_demand, demand_lines, weekly_demand
from icebergops.demand.stockouts import RATE_DAYS, censor_stockouts, out_of_stock, out_of_stock_at
from icebergops.errors import InputError

LEVELS: dict[str, tuple[str, ...]] = {
    "sku": ("sku",),
    "product": ("product",),
    "sku-location": ("sku", "location"),
    "sku-channel": ("sku", "channel"),
}
#: How the one-line summary counts each level's series.
NOUNS = {
    "sku": "SKUs",
    "product": "products",
    "sku-location": "SKU × location series",
    "sku-channel": "SKU × channel series",
}
SINGULAR = {"SKUs": "SKU", "products": "product"}  # of NOUNS; "series" is both


def counted_series(n: int, level: str) -> str:
    """``n`` series of ``level`` in words, singular for one.

    >>> counted_series(1, "sku"), counted_series(2, "sku"), counted_series(1, "sku-location")
    ('1 SKU', '2 SKUs', '1 SKU × location series')
    """
    noun = NOUNS[level]
    return f"{n:,} {SINGULAR.get(noun, noun) if n == 1 else noun}"


NONE = "(none)"
SEPARATOR = " @ "


@dataclass(frozen=True)
class LevelHistory:
    """Demand history of one level's series, and how to turn its forecasts back into columns."""

    level: str
    key: str  # the forecaster's key column: ``sku``, or ``series``
    history: pl.DataFrame  # key, period, units, revenue, units_observed, censored
    index: pl.DataFrame  # key and the level's columns, one row per series
    products: pl.DataFrame | None  # key, product: for top-down; None at the product level

    @property
    def columns(self) -> tuple[str, ...]:
        return LEVELS[self.level]


def level_lines(order_lines: pl.DataFrame, *, level: str, catalogue: pl.DataFrame) -> pl.DataFrame:
    """Order lines with the level's columns filled in: the product from ``catalogue`` (``sku,
    product``; the SKU itself where it has none), :data:`NONE` for an empty location or channel.
    """
    lines = order_lines
    if level == "product":
        products = catalogue.select("sku", "product").unique("sku")
        lines = lines.join(products, on="sku", how="left").with_columns(
            pl.coalesce("product", "sku").alias("product")
        )
    blank = [c for c in LEVELS[level] if c in ("location", "channel")]
    return lines.with_columns(
        pl.when(pl.col(c).str.strip_chars().fill_null("") == "")
        .then(pl.lit(NONE))
        .otherwise(pl.col(c))
        .alias(c)
        for c in blank
    )


def level_history(
    order_lines: pl.DataFrame,
    *,
    level: str = "sku",
    catalogue: pl.DataFrame,
    freq: Frequency = DAY,
    as_of: date | None = None,
    stock: pl.DataFrame | None = None,
    stockouts: pl.DataFrame | None = None,
) -> LevelHistory:
    """Demand per series of ``level`` per period of ``freq``, stockouts censored.

    Stockouts are found on the daily history, before weeks are summed (see
    :func:`demand.history.weekly_demand`). ``stock`` is the inventory snapshot: a SKU with
    nothing available anywhere is out of stock in each of its series, a product when all its
    SKUs that sold are; per SKU and location, a location the snapshot names for the SKU is out
    of stock where it has nothing available, whatever the others hold, and in stock otherwise;
    series at locations it does not name (Amazon's ``(none)``) follow the SKU as a whole.
    ``stockouts`` (a stockouts file: ``sku, location, start, end``) names days out of stock:
    see :func:`known_out`.
    """
    columns = LEVELS[level]
    lines = level_lines(order_lines, level=level, catalogue=catalogue)
    daily = daily_demand(lines, as_of=as_of, keys=columns)
    key = "sku" if level == "sku" else "series"
    if key == "series":
        daily = daily.with_columns(pl.concat_str(columns, separator=SEPARATOR).alias(key))
    index = daily.select(key, *(c for c in columns if c != key)).unique().sort(key)
    if index[key].n_unique() < index.height:
        raise InputError(
            f"two {level} series would share the name "
            f"{index.filter(pl.col(key).is_duplicated())[key][0]!r}",
            hint=f"a SKU, location or channel contains {SEPARATOR!r}; forecast per SKU",
        )
    daily = daily.drop([c for c in columns if c != key])
    stocked_out = _stocked_out(lines, index, level, stock)
    known = known_out(stockouts, lines, index, level) if stockouts is not None else None
    daily = censor_stockouts(daily, out_of_stock=stocked_out, key=key, known=known)
    history = daily if freq == DAY else weekly_demand(daily, keys=(key,))
    return LevelHistory(level, key, history, index, _families(index, level, catalogue))


def known_out(
    stockouts: pl.DataFrame, lines: pl.DataFrame, index: pl.DataFrame, level: str
) -> pl.DataFrame:
    """``key, day``: the days each series of ``level`` could not sell, from a stockouts file.

    A row without a location is the SKU out everywhere; one with a location, out there. A SKU
    is out (at the SKU level, in each of its channels) on a day the file has it out everywhere,
    or at every location its orders ship from; a SKU and location series where the file names
    that location, or the SKU everywhere; a product on a day all its SKUs still selling then
    (sold by then, and within ``RATE_DAYS`` before) are out.
    """
    rows = stockouts.select(
        "sku",
        pl.col("location").cast(pl.String).str.strip_chars().replace("", None).alias("location"),
        pl.date_ranges("start", "end").alias("day"),
    ).explode("day")
    whole = rows.filter(pl.col("location").is_null()).select("sku", "day")
    if level == "sku-location":
        series = index.select("series", "sku", "location")
        here = rows.filter(pl.col("location").is_not_null()).join(series, on=["sku", "location"])
        everywhere = whole.join(series, on="sku")
        return pl.concat(
            [here.select("series", "day"), everywhere.select("series", "day")]
        ).unique()
    # out at every location the SKU's orders ship from; a location they never name counts for
    # nothing (a typo, another store's warehouse), but where they name none, the file's is all
    # there is to go by
    pairs = (
        lines.filter(pl.col("location").is_not_null() & (pl.col("location") != NONE))
        .select("sku", "location")
        .unique()
        if "location" in lines.columns
        else pl.DataFrame(schema={"sku": pl.String, "location": pl.String})
    )
    places = pairs.group_by("sku").agg(pl.len().alias("places"))
    named = rows.filter(pl.col("location").is_not_null())
    shipping = (
        named.join(pairs, on=["sku", "location"], how="semi")
        .group_by("sku", "day")
        .agg(pl.col("location").n_unique().alias("out"))
        .join(places, on="sku")
        .filter(pl.col("out") >= pl.col("places"))
        .select("sku", "day")
    )
    unplaced = named.join(places, on="sku", how="anti").select("sku", "day")
    located = pl.concat([shipping, unplaced])
    skus = pl.concat([whole, located]).unique()
    if level == "sku":
        return skus
    if level == "sku-channel":
        return skus.join(index.select("series", "sku"), on="sku").select("series", "day")
    # product: every SKU of it still selling that day is out (sold by then, and within the
    # RATE_DAYS before; a SKU discontinued long ago cannot keep its product from being out)
    spans = (
        demand_lines(lines)
        .group_by("sku", "product")
        .agg(pl.col("order_date").min().alias("first"), pl.col("order_date").max().alias("last"))
    )
    days = skus.select("day").unique()
    live = (
        spans.join(days, how="cross")
        .filter(
            (pl.col("first") <= pl.col("day"))
            & (pl.col("last") >= pl.col("day") - pl.duration(days=RATE_DAYS))
        )
        .join(skus.with_columns(pl.lit(True).alias("out")), on=["sku", "day"], how="left")
    )
    return (
        live.group_by("product", "day")
        .agg(pl.col("out").fill_null(False).all())
        .filter(pl.col("out"))
        .select(pl.col("product").alias("series"), "day")
    )


def unmatched_stockouts(stockouts: pl.DataFrame, history: pl.DataFrame) -> str | None:
    """A warning for the stockouts file's rows that censor nothing: a SKU without a sale in
    ``history`` (``sku, day``: a SKU's first day is its first sale, the last is the history's),
    or days outside it (the wrong year, say).

    >>> from datetime import date
    >>> h = pl.DataFrame({"sku": ["A", "A"], "day": [date(2026, 1, 1), date(2026, 1, 2)]})
    >>> rows = pl.DataFrame({"sku": ["A", "B"], "start": [date(2025, 1, 1), date(2026, 1, 1)],
    ...     "end": [date(2025, 1, 3), date(2026, 1, 2)]})
    >>> print(unmatched_stockouts(rows, h).split(":")[0])
    2 rows of the stockouts file censor nothing, e.g. A 2025-01-01 to 2025-01-03
    """
    spans = (
        history.group_by("sku")
        .agg(pl.col("day").min().alias("first"))
        .with_columns(pl.lit(history["day"].max()).alias("last"))
    )
    checked = stockouts.join(spans, on="sku", how="left")
    idle = checked.filter(
        pl.col("first").is_null()
        | (pl.col("end") < pl.col("first"))
        | (pl.col("start") > pl.col("last"))
    )
    if idle.is_empty():
        return None
    first, last = str(history["day"].min()), str(history["day"].max())
    row = idle.row(0, named=True)
    rows = "1 row" if idle.height == 1 else f"{idle.height:,} rows"
    verb = "censors" if idle.height == 1 else "censor"
    return (
        f"{rows} of the stockouts file {verb} nothing, e.g. {row['sku']} {row['start']} to "
        f"{row['end']}: that SKU has no history on those days (the orders run from {first} to "
        f"{last}): a wrong year, or a typo in the SKU?"
    )


def _stocked_out(
    lines: pl.DataFrame, index: pl.DataFrame, level: str, stock: pl.DataFrame | None
) -> pl.Series | None:
    """The series (key values) out of stock now, from the inventory snapshot ``stock``."""
    everywhere = out_of_stock(stock)
    if stock is None or everywhere is None:
        return None
    gone = pl.col("sku").is_in(everywhere.implode())
    if level == "product":
        products = lines.select("sku", "product").unique().group_by("product").agg(gone.all())
        return products.filter(pl.col("sku"))["product"]
    if level == "sku-location":  # where the snapshot names the location, it decides
        here = out_of_stock_at(stock)
        index = index.join(here, on=["sku", "location"], how="left")
        gone = pl.when(pl.col("out_here").is_not_null()).then(pl.col("out_here")).otherwise(gone)
    return index.filter(gone)[index.columns[0]]


def _families(index: pl.DataFrame, level: str, catalogue: pl.DataFrame) -> pl.DataFrame | None:
    """``key, product`` for top-down: a SKU's series at a location or in a channel belong to
    the product there (``product @ location``)."""
    products = catalogue.select("sku", "product").unique("sku")
    if level == "product":
        return None
    if level == "sku":
        return products
    other = LEVELS[level][1]
    return index.join(products, on="sku", how="left").select(
        "series", pl.concat_str("product", other, separator=SEPARATOR).alias("product")
    )


def with_level_columns(forecast: pl.DataFrame, levels: LevelHistory) -> pl.DataFrame:
    """``forecast`` (by the forecaster's key) with the level's columns first, the key dropped."""
    if levels.key == "sku":
        return forecast
    return forecast.join(levels.index, on=levels.key, how="left").select(
        *levels.columns, pl.exclude(levels.key, *levels.columns)
    )
