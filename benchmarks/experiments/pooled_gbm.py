"""A pooled LightGBM against the trailing 28-day average and today's forecasts (issue 3).

Not part of the package: the README's "tried and not kept" list gives what this printed on the
six stores on 2026-12-06. It needs LightGBM, which icebergops does not depend on::

    pip install lightgbm
    python benchmarks/experiments/pooled_gbm.py ../shared/data/shopify/orders/rieker_qc_orders_export.csv \
        --horizon 28 --origins 3 --cap largest-16w --with-chosen

The cut-offs, the SKUs scored and the actuals are those of ``icebergops forecast --evaluate``
(:func:`icebergops.demand.evaluate.backtest`), and so is the scoring (``accuracy_table``).

One model over every SKU forecasts each of the next ``horizon`` days directly. Its features at a
cut-off: the SKU's 7-, 28- and 56-day means, the same weekday's last sale and its 4-week mean,
the days since the last sale, the share of zero days in 28, the SKU's age, the weekday and the
step ahead; units are divided by the SKU's 112-day mean. It is trained on 12 weekly cut-offs
(every 2 days where the history is short) before each origin, on their next ``horizon`` days.
"""

from __future__ import annotations

import argparse
import warnings
from datetime import date, timedelta
from pathlib import Path

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl

from icebergops.cli.forecast import _read
from icebergops.config import load_config
from icebergops.demand.calendar import DAY
from icebergops.demand.evaluate import accuracy_table, backtest_errors, method_names
from icebergops.demand.forecast import forecast_demand
from icebergops.demand.series import level_history

CUTOFFS = 12  # training cut-offs before each origin
Matrix = npt.NDArray[np.float64]


def dense(train: pl.DataFrame) -> tuple[pl.Series, Matrix, date]:
    """SKUs × days of units; NaN before a SKU's first day and on censored (stockout) days."""
    first = train["day"].min()
    assert isinstance(first, date)
    span = int(train.select((pl.col("day").max() - first).dt.total_days()).item()) + 1
    skus = train["sku"].unique().sort()
    index = {sku: i for i, sku in enumerate(skus.to_list())}
    units = np.full((len(skus), span), np.nan)
    rows = train["sku"].replace_strict(index, return_dtype=pl.Int64).to_numpy()
    days = (train["day"] - first).dt.total_days().to_numpy()
    values = train["units"].to_numpy().astype(float)
    if "censored" in train.columns:
        values = np.where(train["censored"].to_numpy(), np.nan, values)
    units[rows, days] = values
    return skus, units, first


def features(units: Matrix, cut: int, horizon: int, first: date) -> tuple[Matrix, Matrix]:
    """Features (SKUs × steps × features) at day index ``cut``, and each SKU's 112-day mean."""
    seen = units[:, : cut + 1]

    def mean(days: int) -> Matrix:
        return np.asarray(np.nanmean(seen[:, -days:], axis=1))

    level = np.nan_to_num(mean(112))
    scale = np.where(level > 0, level, 1.0)
    sold = np.nan_to_num(seen) > 0
    age = cut - np.argmax(~np.isnan(seen), axis=1)
    since = np.where(sold.any(axis=1), np.argmax(sold[:, ::-1], axis=1), 999)
    zeros = 1 - sold[:, -28:].mean(axis=1)
    steps = []
    for step in range(1, horizon + 1):
        back = cut + step - 7 * ((step + 6) // 7)  # the same weekday, last seen
        weeks = [back - 7 * k for k in range(4) if back - 7 * k >= 0]
        weekday = np.nanmean(np.stack([seen[:, day] for day in weeks]), axis=0)
        steps.append(
            np.column_stack(
                [
                    np.full(len(level), step),
                    np.full(len(level), (first + timedelta(days=cut + step)).weekday()),
                    mean(7) / scale,
                    mean(28) / scale,
                    mean(56) / scale,
                    np.log1p(level),
                    np.minimum(age, 400),
                    np.minimum(since, 400),
                    zeros,
                    np.nan_to_num(seen[:, back]) / scale,
                    np.nan_to_num(weekday) / scale,
                ]
            )
        )
    return np.stack(steps, axis=1), level


def pooled_forecast(train: pl.DataFrame, horizon: int, cap: str, loss: str) -> pl.DataFrame:
    """``sku, day, forecast`` for the ``horizon`` days after ``train``."""
    skus, units, first = dense(train)
    last = units.shape[1] - 1
    step = 7 if last - horizon - 7 * (CUTOFFS - 1) >= 56 else 2
    inputs, targets = [], []
    for k in range(CUTOFFS):
        cut = last - horizon - step * k
        if cut < 21:
            break
        x, level = features(units, cut, horizon, first)
        target = units[:, cut + 1 : cut + horizon + 1]
        if cap == "mean-10x":
            target = np.minimum(target, 10 * level[:, None])
        elif cap == "largest-16w":
            largest = np.nan_to_num(np.nanmax(units[:, max(0, cut - 111) : cut + 1], axis=1))
            target = np.minimum(target, largest[:, None])
        keep = (level > 0)[:, None] & ~np.isnan(target)
        inputs.append(x[keep])
        targets.append((target / np.where(level > 0, level, 1.0)[:, None])[keep])
    if not inputs:
        raise SystemExit("the history is too short for the training cut-offs")
    params = {
        "objective": loss,
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 200,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "feature_fraction": 0.8,
        "verbose": -1,
        "num_threads": 2,
        "seed": 1,
    }
    data = lgb.Dataset(np.concatenate(inputs), np.concatenate(targets), categorical_feature=[1])
    model = lgb.train(params, data, num_boost_round=300)
    x, level = features(units, last, horizon, first)
    predicted = np.asarray(model.predict(x.reshape(-1, x.shape[-1]))).reshape(len(skus), horizon)
    days = [first + timedelta(days=last + step) for step in range(1, horizon + 1)]
    return pl.DataFrame(
        {
            "sku": np.repeat(skus.to_numpy(), horizon),
            "day": days * len(skus),
            "forecast": (np.clip(predicted, 0, None) * level[:, None]).ravel(),
        }
    ).with_columns(pl.col("day").cast(pl.Date))


def mean_of(a: pl.DataFrame, b: pl.DataFrame, name: str) -> pl.DataFrame:
    """The two forecasts' mean per SKU and day (``a`` alone where ``b`` has none)."""
    other = b.select("sku", "day", pl.col("forecast").alias("other"))
    joined = a.join(other, on=["sku", "day"], how="left")
    mean = (pl.col("forecast") + pl.col("other").fill_null(pl.col("forecast"))) / 2
    return joined.select("sku", "day", mean.alias("forecast"), pl.lit(name).alias("model"))


def eligible(history: pl.DataFrame, cutoff: date, horizon: int) -> pl.DataFrame:
    """The history up to ``cutoff`` of the SKUs with 3 horizons of it, as ``backtest`` takes."""
    train = history.filter(pl.col("day") <= cutoff)
    longer = train.group_by("sku").len().filter(pl.col("len") >= 3 * horizon)
    return train.join(longer.select("sku"), on="sku")


def actuals(history: pl.DataFrame, cutoff: date, horizon: int) -> pl.DataFrame:
    """Units sold in the ``horizon`` days after ``cutoff``, stockout days left out."""
    ahead = (pl.col("day") > cutoff) & (pl.col("day") <= cutoff + timedelta(horizon))
    actual = history.filter(ahead)
    if "censored" in actual.columns:
        actual = actual.filter(~pl.col("censored"))
    return actual.select("sku", "day", "units")


def selected(
    history: pl.DataFrame, cutoff: date, args: argparse.Namespace, products: pl.DataFrame | None
) -> pl.DataFrame:
    """Per SKU, today's forecast, the pooled one or their mean: whichever came closest on the
    horizon totals of the two horizons before ``cutoff`` (as ``select_models`` ranks models)."""
    errors = []
    for back in (1, 2):
        start = cutoff - timedelta(back * args.horizon)
        train = eligible(history, start, args.horizon)
        if train.is_empty():
            continue
        options = three(train, args, products)
        totals = options.join(actuals(history, start, args.horizon), on=["sku", "day"])
        errors.append(
            totals.group_by("sku", "model").agg(
                (pl.col("forecast").sum() - pl.col("units").sum()).abs().alias("error")
            )
        )
    train = eligible(history, cutoff, args.horizon)
    options = three(train, args, products)
    if not errors:
        return options.filter(pl.col("model") == "chosen")
    order = {"chosen": 0, "chosen + pooled": 1, "pooled": 2}  # ties go to today's forecast
    best = (
        pl.concat(errors)
        .group_by("sku", "model")
        .agg(pl.col("error").mean())
        .sort("sku", pl.col("error").round(9), pl.col("model").replace_strict(order))
        .group_by("sku", maintain_order=True)
        .first()
        .select("sku", "model")
    )
    picked = options.join(best, on=["sku", "model"])  # each SKU's chosen option
    fallback = options.filter(pl.col("model") == "chosen").join(best, on="sku", how="anti")
    return pl.concat([picked, fallback]).with_columns(model=pl.lit("selected per SKU"))


def three(
    train: pl.DataFrame, args: argparse.Namespace, products: pl.DataFrame | None
) -> pl.DataFrame:
    chosen = forecast_demand(train, horizon=args.horizon, products=products)
    chosen = chosen.select("sku", "day", "forecast").with_columns(model=pl.lit("chosen"))
    pooled = pooled_forecast(train, args.horizon, args.cap, args.loss)
    return pl.concat(
        [
            chosen,
            pooled.with_columns(model=pl.lit("pooled")),
            mean_of(chosen.drop("model"), pooled, "chosen + pooled"),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("orders", nargs="+", type=Path)
    parser.add_argument("--horizon", type=int, default=28, help="days")
    parser.add_argument("--origins", type=int, default=3)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat)
    parser.add_argument("--cap", choices=["none", "mean-10x", "largest-16w"], default="none")
    parser.add_argument("--loss", choices=["regression", "tweedie"], default="regression")
    parser.add_argument("--with-chosen", action="store_true", help="and today's forecasts")
    parser.add_argument(
        "--select", action="store_true", help="and a choice per SKU among today's, pooled, mean"
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # means of empty stretches
    settings = load_config(args.config)
    lines, families = _read(args.orders, None, None, settings, args.as_of)
    levels = level_history(
        lines, level="sku", catalogue=families, freq=DAY, as_of=args.as_of, stock=None
    )
    history = levels.history
    average = method_names(DAY)["WindowAverage"]
    last = history["day"].max()
    assert isinstance(last, date)
    frames = []
    for back in range(args.origins, 0, -1):  # as demand.evaluate.backtest cuts them
        cutoff = last - timedelta(days=back * args.horizon)
        train = eligible(history, cutoff, args.horizon)
        if train.is_empty():
            continue
        actual = actuals(history, cutoff, args.horizon)
        pooled = pooled_forecast(train, args.horizon, args.cap, args.loss)
        rate = train.sort("sku", "day").group_by("sku").agg(pl.col("units").tail(28).mean())
        trailing = pooled.select("sku", "day").join(rate, on="sku")
        trailing = trailing.rename({"units": "forecast"}).with_columns(model=pl.lit(average))
        methods = [
            pooled.with_columns(model=pl.lit("pooled")),
            trailing,
            mean_of(pooled, trailing, "pooled + trailing average"),
        ]
        if args.with_chosen:
            chosen = forecast_demand(train, horizon=args.horizon, products=levels.products)
            chosen = chosen.select("sku", "day", "forecast")
            methods += [
                chosen.with_columns(model=pl.lit("chosen")),
                mean_of(chosen, pooled, "chosen + pooled"),
            ]
        if args.select:
            methods.append(selected(history, cutoff, args, levels.products))
        scored = pl.concat(methods, how="vertical_relaxed").join(actual, on=["sku", "day"])
        frames.append(scored.with_columns(cutoff=pl.lit(cutoff)))
        print(f"origin {cutoff}: done", flush=True)
    table = accuracy_table(backtest_errors(pl.concat(frames), history))
    with pl.Config(tbl_rows=10, tbl_width_chars=120, tbl_hide_dataframe_shape=True):
        print(table.select("model", "wape_horizon", "bias_horizon", "rmsse", "series"))


if __name__ == "__main__":
    main()
