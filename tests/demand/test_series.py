"""Series per level: SKU × location and SKU × channel series, products, and back to columns."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from polars.testing import assert_frame_equal

from icebergops.demand.calendar import WEEK
from icebergops.demand.history import daily_demand
from icebergops.demand.series import NONE, known_out, level_history, level_lines, with_level_columns

DAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(21)]  # Monday 1 Jan to Sunday 21 Jan


def lines() -> pl.DataFrame:
    """HAT-S and HAT-L (one product) sold from two warehouses and, without a location, on Amazon."""
    rows = []
    for i, day in enumerate(DAYS):
        rows += [
            ("HAT-S", "Sun Hat - S", day, 1 + i % 3, "Reno NV", "shopify"),
            ("HAT-L", "Sun Hat - L", day, 2, "Columbus OH", "shopify"),
        ]
        if i % 2 == 0:
            rows.append(("HAT-S", "Sun Hat - S", day, 5, "Columbus OH", "shopify"))
        if i % 7 == 3:
            rows.append(("HAT-L", "Sun Hat - L", day, 4, None, "amazon"))
    return pl.DataFrame(
        rows, schema=["sku", "title", "order_date", "quantity", "location", "channel"], orient="row"
    ).with_columns(
        pl.lit(10.0).alias("unit_price"), pl.lit("fulfilled").alias("status"),
        pl.lit(False).alias("is_test"),
    )  # fmt: skip


CATALOGUE = pl.DataFrame({"sku": ["HAT-S", "HAT-L"], "product": ["Sun Hat", "Sun Hat"]})


def test_one_series_per_sku_and_location_summing_to_the_sku() -> None:
    levels = level_history(lines(), level="sku-location", catalogue=CATALOGUE)
    assert levels.index.sort("series").rows() == [
        ("HAT-L @ (none)", "HAT-L", NONE),
        ("HAT-L @ Columbus OH", "HAT-L", "Columbus OH"),
        ("HAT-S @ Columbus OH", "HAT-S", "Columbus OH"),
        ("HAT-S @ Reno NV", "HAT-S", "Reno NV"),
    ]
    split = with_level_columns(levels.history, levels)
    assert split.columns[:3] == ["sku", "location", "day"]
    per_sku = split.group_by("sku", "day").agg(pl.col("units").sum()).sort("sku", "day")
    expected = daily_demand(lines()).select("sku", "day", pl.col("units").cast(pl.Float64))
    assert_frame_equal(per_sku, expected.sort("sku", "day"))
    # the Amazon units (no location) are a series of their own, not dropped
    assert split.filter(pl.col("location") == NONE)["units"].sum() == 3 * 4
    # each series' variants belong to the product at that location, for top-down
    assert levels.products is not None
    assert dict(levels.products.iter_rows())["HAT-S @ Reno NV"] == "Sun Hat @ Reno NV"


def test_channel_and_product_levels_in_weeks() -> None:
    channels = level_history(lines(), level="sku-channel", catalogue=CATALOGUE, freq=WEEK)
    weekly = with_level_columns(channels.history, channels)
    assert sorted(set(weekly.select("sku", "channel").iter_rows())) == [
        ("HAT-L", "amazon"),
        ("HAT-L", "shopify"),
        ("HAT-S", "shopify"),
    ]
    assert weekly.filter(pl.col("channel") == "amazon")["units"].to_list() == [4.0, 4.0, 4.0]
    products = level_history(lines(), level="product", catalogue=CATALOGUE, freq=WEEK)
    assert products.products is None  # nothing to split a product into
    totals = with_level_columns(products.history, products)
    assert totals.columns[:2] == ["product", "week_start"]
    per_week = weekly.group_by("week_start").agg(pl.col("units").sum()).sort("week_start")
    assert totals["units"].to_list() == per_week["units"].to_list()


def stock(rows: list[tuple[str, str, int]]) -> pl.DataFrame:
    """An inventory snapshot: ``(sku, location, available)`` rows, every one stocked."""
    frame = pl.DataFrame(rows, schema=["sku", "location", "available"], orient="row")
    return frame.with_columns(pl.col("available").alias("on_hand"), pl.lit(True).alias("stocked"))


def stopped(sku: str, location: str, since: date) -> pl.DataFrame:
    """:func:`lines` without ``sku``'s sales at ``location`` from ``since`` on."""
    gone = (pl.col("sku") == sku) & (pl.col("location").fill_null("") == location)
    return lines().filter(~(gone & (pl.col("order_date") >= since)))


def censored_days(history: pl.DataFrame, out: pl.DataFrame) -> dict[str, int]:
    """Censored days per SKU × location series, with ``out`` as the inventory snapshot."""
    levels = level_history(history, level="sku-location", catalogue=CATALOGUE, stock=out)
    return dict(levels.history.group_by("series").agg(pl.col("censored").sum()).iter_rows())


def test_a_sku_out_of_stock_now_censors_each_of_its_series() -> None:
    # HAT-L stops selling at Columbus for the last 9 days: only the inventory says why
    history = stopped("HAT-L", "Columbus OH", date(2024, 1, 13))
    censored = censored_days(history, stock([("HAT-L", "Columbus OH", 0), ("HAT-S", "Reno NV", 4)]))
    # the Amazon series last sold on 18 Jan: its last 3 days are censored too; HAT-S is in stock
    assert censored == {
        "HAT-L @ Columbus OH": 9,
        "HAT-L @ (none)": 3,
        "HAT-S @ Columbus OH": 0,
        "HAT-S @ Reno NV": 0,
    }


def test_a_location_out_of_stock_censors_that_series_only() -> None:
    # HAT-S stops selling at Columbus for the last 8 days while Reno still holds 6 of it
    history = stopped("HAT-S", "Columbus OH", date(2024, 1, 14))
    out = stock([("HAT-S", "Columbus OH", 0), ("HAT-S", "Reno NV", 6), ("HAT-L", "Reno NV", 0),
                 ("HAT-L", "Columbus OH", 5)])  # fmt: skip
    censored = censored_days(history, out)
    # HAT-L is out at Reno, where it never sold: its Columbus series is in stock as far as we know
    assert censored == {
        "HAT-S @ Columbus OH": 8,
        "HAT-S @ Reno NV": 0,
        "HAT-L @ Columbus OH": 0,
        "HAT-L @ (none)": 0,
    }
    per_sku = level_history(history, level="sku", catalogue=CATALOGUE, stock=out)
    assert per_sku.history["censored"].sum() == 0  # the SKU as a whole still has stock


def known(*rows: tuple[str, str | None, date, date]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["sku", "location", "start", "end"], orient="row")


def censored_at(
    level: str, out: pl.DataFrame, history: pl.DataFrame | None = None
) -> dict[str, int]:
    """Days out per series of ``level`` (every series, 0 where none): 21 days of history are
    too few to impute a rate from (14 days before or after), so :func:`known_out` is asked."""
    history = lines() if history is None else history
    levels = level_history(history, level=level, catalogue=CATALOGUE)
    index = levels.index
    found = known_out(out, level_lines(history, level=level, catalogue=CATALOGUE), index, level)
    days = dict(found.group_by(levels.key).len().iter_rows())
    return {key: days.get(key, 0) for key in index[levels.key]}


def test_a_stockouts_file_censors_its_days_at_each_level() -> None:
    """HAT-S sells from Reno and Columbus: out at Reno alone is no SKU stockout, out at both is;
    a row without a location is the SKU out everywhere."""
    reno = ("HAT-S", "Reno NV", date(2024, 1, 5), date(2024, 1, 8))  # 4 days
    columbus = ("HAT-S", "Columbus OH", date(2024, 1, 7), date(2024, 1, 10))  # 2 of them shared
    everywhere = ("HAT-L", None, date(2024, 1, 15), date(2024, 1, 16))
    out = known(reno, columbus, everywhere)
    assert censored_at("sku", out) == {"HAT-S": 2, "HAT-L": 2}
    assert censored_at("sku-location", out) == {
        "HAT-S @ Reno NV": 4,
        "HAT-S @ Columbus OH": 4,
        "HAT-L @ Columbus OH": 2,
        "HAT-L @ (none)": 2,
    }
    assert censored_at("sku-channel", out) == {
        "HAT-S @ shopify": 2,
        "HAT-L @ shopify": 2,
        "HAT-L @ amazon": 2,
    }
    # the product is out only where both of its SKUs are: never here
    assert censored_at("product", out) == {"Sun Hat": 0}
    both = known(everywhere, ("HAT-S", None, date(2024, 1, 16), date(2024, 1, 17)))
    assert censored_at("product", both) == {"Sun Hat": 1}


def test_a_location_the_sku_never_ships_from_counts_for_nothing() -> None:
    """Out at Columbus and at a Portland it never sold from: Reno still sells it, so the SKU is
    not out (it was: two named locations were taken for its two)."""
    days = (date(2024, 1, 5), date(2024, 1, 8))
    out = known(("HAT-S", "Columbus OH", *days), ("HAT-S", "Portland OR", *days))
    assert censored_at("sku", out)["HAT-S"] == 0
    assert censored_at("sku-location", out)["HAT-S @ Columbus OH"] == 4
    # a SKU whose orders name no location: the file's location is all there is to go by
    unplaced = lines().with_columns(pl.lit(None, pl.String).alias("location"))
    assert censored_at("sku", out, unplaced)["HAT-S"] == 4


def test_a_product_is_out_when_the_skus_still_selling_are() -> None:
    """HAT-S last sold 90 days before the stretch: it cannot keep Sun Hat from being out (the
    product was never out while any SKU it ever sold was not)."""
    start = date(2024, 1, 1)
    rows = [("HAT-L", start + timedelta(days=i), 2) for i in range(200)]
    rows += [("HAT-S", start + timedelta(days=i), 1) for i in range(60)]
    history = pl.DataFrame(rows, schema=["sku", "order_date", "quantity"], orient="row").with_columns(
        pl.lit(10.0).alias("unit_price"), pl.lit("fulfilled").alias("status"),
        pl.lit(False).alias("is_test"), pl.lit("Reno NV").alias("location"),
    )  # fmt: skip
    out = known(("HAT-L", None, start + timedelta(days=150), start + timedelta(days=155)))
    assert censored_at("product", out, history) == {"Sun Hat": 6}
    # while HAT-S still sold (its last sale within the 56 days before), it is not
    early = known(("HAT-L", None, start + timedelta(days=70), start + timedelta(days=75)))
    assert censored_at("product", early, history) == {"Sun Hat": 0}
