"""Known events (promotions, launches, holidays) applied to forecasts as a percentage uplift."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from icebergops.demand.calendar import DAY, Frequency

SCALED = ("forecast", "lo_80", "hi_80", "lo_95", "hi_95")


def apply_events(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    *,
    catalogue: pl.DataFrame | None = None,
    key: str = "sku",
    freq: Frequency = DAY,
) -> pl.DataFrame:
    """Multiply forecast and bounds on each event's days by ``1 + uplift_pct / 100`` (events on
    the same day compound), and name the events in an ``events`` column.

    ``forecast`` holds ``key`` (``sku`` or ``product``) and the period column of ``freq``. A
    week is lifted by the mean of its seven days' factors: a three-day sale at +100% lifts its
    week by 3/7 (the days of a week are taken as equal). ``catalogue`` (``sku, product,
    category, product_type``) resolves events scoped to a product or a category (Shopify's
    product category or the merchant's own product type); events scoped to a SKU never lift a
    product's total.

    >>> from datetime import date
    >>> fc = pl.DataFrame({"sku": ["A", "A"], "day": [date(2026, 11, 27), date(2026, 11, 28)],
    ...                    "forecast": [10.0, 10.0]})
    >>> ev = pl.DataFrame({"name": ["Black Friday"], "start": [date(2026, 11, 27)],
    ...                    "end": [date(2026, 11, 27)], "scope": ["all"], "target": [None],
    ...                    "uplift_pct": [150.0]})
    >>> apply_events(fc, ev)["forecast"].to_list()
    [25.0, 10.0]
    """
    time = freq.column
    if "units" in events.columns:  # fixed units: see apply_fixed
        events = events.filter(pl.col("uplift_pct").is_not_null())
    hits = _event_days(forecast, events, catalogue, [key], freq)
    per_day = (
        hits.filter(_applies().fill_null(False))
        .group_by(key, time, "_day")
        .agg((1 + pl.col("uplift_pct") / 100).product().alias("uplift"), pl.col("name"))
    )
    factors = per_day.group_by(key, time).agg(
        # days of the period without an event keep a factor of 1
        ((pl.col("uplift").sum() + freq.days - pl.len()) / freq.days).alias("uplift"),
        pl.col("name")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique()
        .sort()
        .str.join(", ")
        .alias("events"),
    )
    present = [c for c in SCALED if c in forecast.columns]
    return (
        forecast.join(factors, on=[key, time], how="left")
        .with_columns((pl.col(c) * pl.col("uplift").fill_null(1.0)).alias(c) for c in present)
        .drop("uplift")
    )


def _event_days(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    catalogue: pl.DataFrame | None,
    by: Sequence[str],
    freq: Frequency,
) -> pl.DataFrame:
    """Each day of each series' periods (``by``, the period column, ``_day``) joined with the
    events on that day, with the catalogue's columns that :func:`_applies` tests."""
    time, key = freq.column, by[0]
    keys = (catalogue if catalogue is not None else forecast.select(key)).unique(key)
    if key != "sku":
        keys = keys.drop("sku", strict=False)
    for column in ("sku", "product", "category", "product_type"):
        if column not in keys.columns:
            keys = keys.with_columns(pl.lit(None, pl.String).alias(column))
    last_day = pl.col(time) + pl.duration(days=freq.days - 1)
    days = (
        forecast.select(*by, time)
        .unique()
        .with_columns(pl.date_ranges(time, last_day).alias("_day"))
        .explode("_day")
    )
    rows = days.join(keys.drop([c for c in by[1:] if c in keys.columns]), on=key, how="left")
    return rows.join_where(
        events, pl.col("_day") >= pl.col("start"), pl.col("_day") <= pl.col("end")
    )


EVENT = "_event"  # an event's row in events.csv, kept where one row becomes several series'
FIXED = "fixed"  # the column that marks the periods whose units an event fixed


def apply_fixed(
    forecast: pl.DataFrame,
    events: pl.DataFrame | None,
    *,
    catalogue: pl.DataFrame | None = None,
    by: Sequence[str] = ("sku",),
    freq: Frequency = DAY,
) -> pl.DataFrame:
    """Set the units of the events that fix them (``units`` in events.csv): the SKU (or
    product) sells ``units`` over the event's days, whatever the models forecast.

    The units of the event's days inside the forecast (a share of ``units`` if the event runs
    past it) are spread over those days, and over the series they cover (a SKU's locations, a
    product's SKUs), in proportion to the forecast there, evenly where it is 0. The point
    forecast and the expected units both become the fixed units; the bounds move with the
    expected units, and are the fixed units where those were 0. Where fixed events overlap on
    a day of a series, the one further down the file counts and the other's units there are
    dropped (each event is spread first). A ``fixed`` column marks the periods, and the
    event's name joins ``events``; :func:`~.likely.most_likely` leaves a series with a fixed
    period as it is.

    >>> from datetime import date
    >>> fc = pl.DataFrame({"sku": ["A"] * 3, "day": [date(2026, 12, d) for d in (1, 2, 3)],
    ...                    "forecast": [1.0, 3.0, 2.0]})
    >>> ev = pl.DataFrame({"name": ["Trade show"], "start": [date(2026, 12, 1)],
    ...                    "end": [date(2026, 12, 2)], "scope": ["sku"], "target": ["A"],
    ...                    "uplift_pct": [None], "units": [40.0]})
    >>> apply_fixed(fc, ev).select("forecast", "fixed").rows()
    [(10.0, True), (30.0, True), (2.0, False)]
    """
    if events is None or "units" not in events.columns:
        return forecast
    time, by = freq.column, list(by)
    mean = "expected" if "expected" in forecast.columns else "forecast"
    hits = _fixed_days(forecast, events, catalogue, by, freq)
    daily = forecast.select(*by, time, (pl.col(mean) / freq.days).alias("_daily"))
    hits = hits.join(daily, on=[*by, time], how="left")
    days = (pl.col("end") - pl.col("start")).dt.total_days() + 1
    share = pl.col("units") * pl.col("_day").n_unique().over(EVENT) / days
    total = pl.col("_daily").sum().over(EVENT)
    # each event's units spread over all the days and series it covers; then, where events
    # overlap, the later one counts on those days and the earlier one loses their units
    hits = (
        hits.with_columns(
            pl.when(total > 0)
            .then(share * pl.col("_daily") / total)
            .otherwise(share / pl.len().over(EVENT))
            .alias("_fixed")
        )
        .sort(EVENT)
        .unique([*by, "_day"], keep="last")
    )
    periods = hits.group_by(*by, time).agg(
        pl.col("_fixed").sum(),
        pl.col("_daily").sum().alias("_replaced"),
        pl.col("name").unique().sort().str.join(", ").alias("_names"),
    )
    out = forecast.join(periods, on=[*by, time], how="left")
    fixed = pl.col("_fixed").is_not_null()
    new = pl.col(mean) - pl.col("_replaced") + pl.col("_fixed")
    ratio = new / pl.col(mean)
    bounds = [c for c in SCALED if c in forecast.columns and c != "forecast"]
    names = pl.col("_names")
    if "events" in forecast.columns:
        names = pl.concat_str(pl.col("events"), names, separator=", ", ignore_nulls=True)
    was = pl.col(FIXED) if FIXED in forecast.columns else pl.lit(False)
    before = pl.col("events") if "events" in forecast.columns else pl.lit(None, pl.String)
    return out.with_columns(
        *(
            pl.when(~fixed)
            .then(pl.col(c))
            .when(pl.col(mean) > 0)
            .then(pl.col(c) * ratio)
            .otherwise(new)
            .alias(c)
            for c in bounds
        ),
        *(pl.when(fixed).then(new).otherwise(pl.col(c)).alias(c) for c in {mean, "forecast"}),
        pl.when(fixed & ~was).then(names).otherwise(before).alias("events"),
        (was | fixed).alias(FIXED),
    ).drop("_fixed", "_replaced", "_names")


def _numbered(events: pl.DataFrame) -> pl.DataFrame:
    """``events`` with each row's number in ``_event``, unless a caller numbered them already
    (``locations`` does, before one row becomes several series')."""
    return events if EVENT in events.columns else events.with_row_index(EVENT)


def _fixed_days(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    catalogue: pl.DataFrame | None,
    by: Sequence[str],
    freq: Frequency,
) -> pl.DataFrame:
    """The days of the series' periods that each event fixing units covers, with the event's
    row (``_event``: its number among the events, unless a caller kept it already)."""
    events = _numbered(events).filter(pl.col("units").is_not_null())
    return _event_days(forecast, events, catalogue, by, freq).filter(_applies().fill_null(False))


def _applies() -> pl.Expr:
    """Whether an event (``scope``, ``target``) covers a row (``sku``, ``product``, category)."""
    return (
        (pl.col("scope") == "all")
        | ((pl.col("scope") == "sku") & (pl.col("sku") == pl.col("target")))
        | ((pl.col("scope") == "product") & (pl.col("product") == pl.col("target")))
        | (
            (pl.col("scope") == "category")
            & (
                (pl.col("category") == pl.col("target"))
                | (pl.col("product_type") == pl.col("target"))
            )
        )
    )


def _forecast_days(forecast: pl.DataFrame, freq: Frequency) -> tuple[date, date]:
    """The first and the last day the forecast's periods cover."""
    time = pl.col(freq.column)
    ends = [time.min().alias("first"), (time.max() + pl.duration(days=freq.days - 1)).alias("last")]
    first, last = forecast.select(ends).row(0)
    return first, last


def unmatched_events(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    catalogue: pl.DataFrame,
    *,
    freq: Frequency = DAY,
) -> list[str]:
    """Names of scoped events inside the forecast's days whose target nothing here carries."""
    first, last = _forecast_days(forecast, freq)
    known = {
        "sku": set(catalogue["sku"].drop_nulls()),
        "product": set(catalogue["product"].drop_nulls()),
        "category": set(catalogue["category"].drop_nulls())
        | set(catalogue["product_type"].drop_nulls()),
    }
    return [
        str(row["name"])
        for row in events.iter_rows(named=True)
        if row["scope"] != "all"
        and row["start"] <= last
        and row["end"] >= first
        and row["target"] not in known.get(str(row["scope"]), set())
    ]


def unapplied_fixed(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    *,
    catalogue: pl.DataFrame | None = None,
    by: Sequence[str] = ("sku",),
    freq: Frequency = DAY,
) -> list[str]:
    """Names of the events inside the forecast's days that fix units but cover no series of
    ``forecast`` (their SKU or product has no forecast, as one that never sold). An event that
    a later one overrode on all its days is not among them."""
    if "units" not in events.columns:
        return []
    first, last = _forecast_days(forecast, freq)
    events = _numbered(events)
    covered = _fixed_days(forecast, events, catalogue, list(by), freq)[EVENT].implode()
    inside = pl.col("start") <= last, pl.col("end") >= first, pl.col("units").is_not_null()
    missed = events.filter(*inside, ~pl.col(EVENT).is_in(covered))
    return list(dict.fromkeys(missed["name"]))
