"""What the demo store's customers want: promotions, the assortment plan and expected daily demand.

Expected demand is in order lines per SKU per day (a line averages ~1.3 units). It multiplies a base
rate by weekly and yearly seasonality, a growth trend, the holiday season, promotions and each SKU's
life cycle (new launches ramp up, discontinued SKUs stop).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl

Matrix = npt.NDArray[np.float64]

#: amplitude and peak day of year of each season shape
SEASONS: dict[str, tuple[float, int]] = {
    "winter": (0.6, 355),
    "summer": (0.55, 185),
    "gift": (0.35, 350),
    "steady": (0.1, 350),
}
WEEKDAY_FACTOR = np.array([0.92, 0.88, 0.90, 0.95, 1.02, 1.22, 1.18])  # Monday .. Sunday
BASE_LINES_PER_DAY = 66.0  # all regular SKUs together, before seasonality and trend
SLOW_MOVERS = 24  # SKUs selling a few units a month
LAUNCH_RAMP_DAYS = 21
LAUNCHES = (
    "Aurora Heated Vest",
    "Ember Insulated Camp Booties",
    "Insulated Bottle 40 oz",
    "Hearthstone Lantern Candle",
)
DISCONTINUED = (("Classic Camp Stool", ""), ("Trail Tumbler 16 oz", "Sand"))
NOT_STOCKED_IN_RENO = ("Basecamp 4P Tent", "Enamel Dutch Oven 5 qt", "Classic Camp Stool")
FLASH_SALE_SKU = "FW-JKT02-BLA-M"
AMAZON_SHARE = 0.20  # of all demand, carried by the SKUs listed on Amazon
AMAZON_SKUS = 60


class Promotion(NamedTuple):
    name: str
    month: int
    day: int
    days: int
    scope: str  # all / category / sku
    target: str | None  # product type or SKU; None for the whole store
    price_cut: float  # fraction off the regular price
    uplift: float  # fraction added to demand while it runs


PROMOTIONS = (
    Promotion("Winter Layering Event", 1, 12, 8, "category", "Fleece", 0.20, 0.8),
    Promotion("Puffer Flash Sale", 2, 12, 4, "sku", FLASH_SALE_SKU, 0.30, 1.5),
    Promotion("Spring Camp Sale", 5, 8, 10, "category", "Tents", 0.20, 0.9),
    Promotion("Summer Hydration Week", 6, 15, 7, "category", "Drinkware", 0.15, 0.7),
)


def black_friday(year: int) -> date:
    """The day after US Thanksgiving (the fourth Thursday of November).

    >>> black_friday(2026)
    datetime.date(2026, 11, 27)
    """
    first = date(year, 11, 1)
    thanksgiving = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thanksgiving + timedelta(days=1)


def _promotion_rows(year: int) -> list[dict[str, object]]:
    bfcm = black_friday(year)
    promotions = [
        *PROMOTIONS,
        Promotion("Black Friday / Cyber Monday", bfcm.month, bfcm.day, 4, "all", None, 0.25, 1.4),
    ]
    return [
        {
            "name": f"{p.name} {year}",
            "start": date(year, p.month, p.day),
            "end": date(year, p.month, p.day) + timedelta(days=p.days - 1),
            "scope": p.scope,
            "target": p.target,
            "price_cut": p.price_cut,
            "uplift_pct": round(p.uplift * 100),
        }
        for p in promotions
    ]


def promotion_calendar(start: date, end: date) -> pl.DataFrame:
    """The promotions that ran within [start, end] plus the next one after ``end``.

    Columns: name, start, end (dates, inclusive), scope, target, price_cut (fraction off),
    uplift_pct (demand added, percent), upcoming (bool).
    """
    rows = [row for year in range(start.year, end.year + 2) for row in _promotion_rows(year)]
    frame = pl.DataFrame(rows).sort("start", "name")
    past = frame.filter(pl.col("start") >= start, pl.col("end") <= end)
    upcoming = frame.filter(pl.col("start") > end).head(1)
    return pl.concat([past.with_columns(upcoming=False), upcoming.with_columns(upcoming=True)])


def _days_before(end: date, ages: dict[str, int]) -> pl.Expr:
    days = pl.col("title").replace_strict(ages, default=None, return_dtype=pl.Int64)
    return pl.lit(end) - pl.duration(days=days)


def _life_cycle(catalogue: pl.DataFrame, end: date, rng: np.random.Generator) -> pl.DataFrame:
    """Launch dates of the new products (2-6 months ago), stop dates of discontinued SKUs."""
    launch_age = dict(zip(LAUNCHES, rng.integers(60, 181, len(LAUNCHES)).tolist(), strict=True))
    stop_titles = [title for title, _ in DISCONTINUED]
    stop_age = dict(
        zip(stop_titles, rng.integers(150, 300, len(stop_titles)).tolist(), strict=True)
    )
    stopped = pl.any_horizontal(
        (pl.col("title") == title) & (pl.col("colour").fill_null("") == colour)
        for title, colour in DISCONTINUED
    )
    return catalogue.with_columns(
        launch_date=_days_before(end, launch_age),
        discontinued_date=pl.when(stopped).then(_days_before(end, stop_age)),
        stocked_in_reno=~pl.col("title").is_in(NOT_STOCKED_IN_RENO),
    )


def _popularity(catalogue: pl.DataFrame, rng: np.random.Generator) -> pl.Series:
    """Base demand (lines/day): product popularity × variant appeal × a price effect."""
    product = pl.Series(rng.lognormal(0.0, 0.7, catalogue["product_number"].n_unique()))
    size = pl.col("size").replace_strict(
        {"S": 0.7, "M": 1.2, "L": 1.15, "XL": 0.7}, default=1.0, return_dtype=pl.Float64
    )
    colour_rank = pl.col("colour").rank("dense").over("product_number") - 1
    colour = 1.3 / (1 + 0.3 * colour_rank.fill_null(0))
    weight = catalogue.select(
        (pl.lit(product).gather(pl.col("product_number") - 1))
        * size
        * colour
        * (60 / pl.col("price")).sqrt()
    ).to_series()
    return weight / weight.sum() * BASE_LINES_PER_DAY


def _mark_slow_movers(plan: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The least popular regular SKUs become intermittent: 0.03-0.12 lines a day."""
    regular = pl.col("launch_date").is_null() & pl.col("discontinued_date").is_null()
    slow = pl.when(regular).then(pl.col("base_rate")).rank("ordinal") <= SLOW_MOVERS
    trickle = pl.Series(rng.uniform(0.03, 0.12, plan.height))
    return plan.with_columns(slow_mover=slow.fill_null(False)).with_columns(
        base_rate=pl.when("slow_mover").then(trickle).otherwise("base_rate")
    )


def _list_on_amazon(plan: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """List ~60 SKUs (whole products) on Amazon.com, sharing enough demand to make ~20% of it."""
    settled = plan.group_by("product_number").agg(
        skus=pl.len(),
        settled=(pl.col("launch_date").is_null() & pl.col("discontinued_date").is_null()).all(),
    )
    eligible = settled.filter("settled").sort("product_number")
    order = rng.permutation(eligible.height)
    counts = eligible["skus"].to_numpy()[order].cumsum()
    chosen = eligible["product_number"].to_numpy()[order][
        : int(np.searchsorted(counts, AMAZON_SKUS)) + 1
    ]
    fba = dict(zip(chosen.tolist(), (rng.random(len(chosen)) < 0.7).tolist(), strict=True))
    listed = plan.with_columns(on_amazon=pl.col("product_number").is_in(chosen.tolist()))
    listed_rate = float(listed.filter("on_amazon")["base_rate"].sum())
    share = min(0.6, AMAZON_SHARE * float(listed["base_rate"].sum()) / listed_rate)
    alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))
    asins = ["B0" + "".join(row) for row in rng.choice(alphabet, (plan.height, 8))]
    return listed.with_columns(
        amazon_share=pl.when("on_amazon").then(share).otherwise(0.0),
        fba=pl.col("product_number").replace_strict(fba, default=None, return_dtype=pl.Boolean),
        asin=pl.when("on_amazon").then(pl.Series(asins)),
    )


def assortment_plan(catalogue: pl.DataFrame, *, end: date, seed: int = 7) -> pl.DataFrame:
    """Per SKU: base_rate (lines/day), launch_date, discontinued_date, slow_mover, stocked_in_reno,
    on_amazon, amazon_share (fraction of its demand), fba (Amazon fulfils) and asin."""
    rng = np.random.default_rng([seed, 2])
    columns = [
        "sku",
        "product_number",
        "title",
        "colour",
        "size",
        "price",
        "product_type",
        "season",
    ]
    plan = _life_cycle(catalogue.select(columns), end, rng)
    plan = plan.with_columns(base_rate=_popularity(catalogue, rng))
    return _list_on_amazon(_mark_slow_movers(plan, rng), rng)


def _season_matrix(day_of_year: Matrix, seasons: list[str]) -> Matrix:
    amplitude = np.array([SEASONS[s][0] for s in seasons])
    peak = np.array([SEASONS[s][1] for s in seasons])
    angle = 2 * np.pi * (day_of_year[:, None] - peak[None, :]) / 365.25
    factor: Matrix = 1 + amplitude[None, :] * np.cos(angle)
    return factor


def _calendar_factor(days: pl.Series) -> Matrix:
    """Weekday × holiday season × growth (+18%/year) for each day."""
    weekday = WEEKDAY_FACTOR[days.dt.weekday().to_numpy() - 1]
    month, day = days.dt.month().to_numpy(), days.dt.day().to_numpy()
    holiday = np.where((month == 12) & (day <= 22) | (month == 11) & (day >= 15), 1.3, 1.0)
    holiday = np.where((month == 12) & (day >= 24), 0.75, holiday)
    age = np.arange(len(days), dtype=np.float64)
    trend = 1 + 0.18 * (age - age.mean()) / 365
    factor: Matrix = weekday * holiday * trend
    return factor


def _life_matrix(days: pl.Series, plan: pl.DataFrame) -> Matrix:
    """1 while a SKU sells, 0 before launch and after discontinuation, ramping up after launch."""
    day = days.to_physical().to_numpy()[:, None]
    launch = plan["launch_date"].to_physical().fill_null(-(10**6)).to_numpy()
    stop = plan["discontinued_date"].to_physical().fill_null(10**6).to_numpy()
    ramp = np.clip((day - launch[None, :] + 1) / LAUNCH_RAMP_DAYS, 0.0, 1.0)
    live: Matrix = ramp * (day < stop[None, :])
    return live


def _in_scope(plan: pl.DataFrame, scope: str, target: str | None) -> npt.NDArray[np.bool_]:
    if scope == "all":
        return np.ones(plan.height, dtype=np.bool_)
    column = "product_type" if scope == "category" else "sku"
    return (plan[column] == target).to_numpy()


def _promotion_matrices(
    days: pl.Series, plan: pl.DataFrame, promotions: pl.DataFrame
) -> tuple[Matrix, Matrix, npt.NDArray[np.int64]]:
    """Demand uplift factor, price cut (fraction) and promotion index (-1: none) per day × SKU."""
    shape = (len(days), plan.height)
    uplift, cut, which = np.ones(shape), np.zeros(shape), np.full(shape, -1, dtype=np.int64)
    for index, promo in enumerate(promotions.iter_rows(named=True)):
        running = ((days >= promo["start"]) & (days <= promo["end"])).to_numpy()
        cell = running[:, None] & _in_scope(plan, promo["scope"], promo["target"])[None, :]
        uplift[cell] = 1 + promo["uplift_pct"] / 100
        cut[cell] = promo["price_cut"]
        which[cell] = index
    return uplift, cut, which


def expected_demand(
    plan: pl.DataFrame, promotions: pl.DataFrame, *, start: date, end: date
) -> pl.DataFrame:
    """Expected order lines per day × SKU, with the price asked that day (USD).

    Columns: date, sku, expected_lines, unit_price, compare_at_price (regular price on promotion
    days, else null), promotion (name or null). Sorted by date then SKU order of ``plan``.
    """
    days = pl.date_range(start, end, "1d", eager=True)
    past = promotions.filter(~pl.col("upcoming"))
    day_of_year = days.dt.ordinal_day().to_numpy().astype(np.float64)
    uplift, cut, which = _promotion_matrices(days, plan, past)
    rate = (
        plan["base_rate"].to_numpy()[None, :]
        * _calendar_factor(days)[:, None]
        * _season_matrix(day_of_year, plan["season"].to_list())
        * _life_matrix(days, plan)
        * uplift
    )
    regular = np.broadcast_to(plan["price"].to_numpy()[None, :], rate.shape)
    promoted = which.ravel() >= 0
    return pl.DataFrame(
        {
            "date": np.repeat(days.to_numpy(), plan.height),
            "sku": np.tile(plan["sku"].to_numpy(), len(days)),
            "expected_lines": rate.ravel(),
            "unit_price": np.round(regular * (1 - cut), 2).ravel(),
            "compare_at_price": np.where(promoted, regular.ravel(), np.nan),
            "promotion": past["name"].to_numpy()[np.maximum(which.ravel(), 0)],
        }
    ).with_columns(
        pl.col("compare_at_price").fill_nan(None),
        pl.when(pl.Series(promoted)).then("promotion").alias("promotion"),
    )
