"""Fit a restock plan to a purchasing budget, deferring what loses the least expected margin.

Each order is split into steps: the first is the smallest quantity the supplier accepts (the MOQ
in whole cases, at least one case), then whole cases. A step is worth the margin on the units of
it expected to sell before the next order can arrive: (price − unit cost) × E[units of the step
sold within L + R], which with normal demand is Loss(position + start) − Loss(position + end),
Loss being the expected shortage σ·G((x − μ)/σ) (Silver, Pyke & Thomas, "Inventory and Production
Management in Supply Chains", 4th ed., ch. 6). Steps are kept in order of worth per unit of money
while the running cost stays within the budget: the greedy rule for a knapsack with divisible
items (Dantzig 1957), exact here up to the last step that does not fit. Later steps of one SKU
are worth less (each unit further up is less likely to sell), so an SKU keeps a prefix of its
steps and is never left below its MOQ. Without a price, the margin is taken as the unit cost, so
the ranking falls back to the chance of selling.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from icebergops.errors import ConfigError, InputError
from icebergops.inventory.minimums import supplier_minimums
from icebergops.inventory.orders import pack_size
from icebergops.inventory.safety import expected_shortage

MAX_STEPS = 20  # beyond 20 steps a big order moves in groups of cases: ~2M rows for 100k SKUs


def _steps(ordered: pl.DataFrame, max_steps: int) -> pl.DataFrame:
    """One row per step of each order: ``_row, _step, _start, _end`` (units above position)."""
    pack = pack_size(pl.col("case_pack"))
    first = pl.max_horizontal(pl.col("moq_effective"), pack)
    rest_cases = (pl.col("order_quantity") - first) // pack
    group = ((rest_cases + max_steps - 1) // max_steps).clip(lower_bound=1) * pack
    steps = ordered.select(
        "_row",
        first.alias("_first"),
        group.alias("_group"),
        pl.col("order_quantity").alias("_q"),
        pl.int_ranges(0, 1 + (rest_cases * pack + group - 1) // group).alias("_step"),
    ).explode("_step")
    start = (
        pl.when(pl.col("_step") == 0)
        .then(0)
        .otherwise(pl.col("_first") + (pl.col("_step") - 1) * pl.col("_group"))
    )
    end = pl.min_horizontal(pl.col("_first") + pl.col("_step") * pl.col("_group"), pl.col("_q"))
    return steps.select("_row", "_step", start.alias("_start"), end.alias("_end"))


def _margin() -> pl.Expr:
    """Margin per unit (currency); the unit cost where there is no price (see module docstring)."""
    return pl.coalesce(pl.col("price") - pl.col("unit_cost"), pl.col("unit_cost"))


def _loss(units_above_position: pl.Expr) -> pl.Expr:
    """Expected units short over L + R with ``units_above_position`` more in stock."""
    return expected_shortage(
        mean=pl.col("demand_per_day") * pl.col("protection_days"),
        std=pl.col("protection_std"),
        stock=pl.col("position") + units_above_position,
    )


def _worth(steps: pl.DataFrame, ordered: pl.DataFrame) -> pl.DataFrame:
    """Cost, expected margin and margin per unit of money of each step."""
    cost = (pl.col("_end") - pl.col("_start")) * pl.col("unit_cost")
    worth = _margin() * (_loss(pl.col("_start")) - _loss(pl.col("_end")))
    ratio = pl.when(cost > 0).then(worth / cost).otherwise(float("inf"))
    return (
        steps.join(ordered, on="_row")
        .with_columns(cost.alias("_cost"), ratio.alias("_ratio"))
        .sort("_row", "_step")
        # float noise must not let a later step of an SKU jump ahead of an earlier one
        .with_columns(pl.col("_ratio").cum_min().over("_row"))
    )


def _keep(worth: pl.DataFrame, budget: float) -> pl.DataFrame:
    """Units kept per ``_row``: the best steps while the running cost fits, then :func:`_fill`."""
    ranked = worth.sort(["_ratio", "_row", "_step"], descending=[True, False, False])
    fits = ranked.get_column("_cost").cum_sum() <= budget
    head = int(fits.sum())  # costs are >= 0, so the fitting steps are a prefix
    kept = ranked.head(head).select("_row", "_end")
    left = budget - float(ranked.head(head).get_column("_cost").sum())
    extra = _fill(ranked.slice(head), left)
    return pl.concat([kept, extra]).group_by("_row").agg(pl.col("_end").max().alias("_kept"))


def _fill(tail: pl.DataFrame, left: float) -> pl.DataFrame:
    """Spend what the prefix left over the remaining steps, best first, skipping what won't fit.

    A step that does not fit closes its SKU (its later steps would leave a gap or sit below the
    MOQ), after taking the whole cases of it that do fit. Sequential, but over the steps that
    could still fit only: at most ``left`` divided by the cheapest case.
    """
    tail = tail.filter(pl.col("unit_cost") * pl.col("_pack") <= left)
    rows, steps, starts, ends, costs, case_costs, packs = (
        tail.get_column(name).to_list()
        for name in ("_row", "_step", "_start", "_end", "_cost", "unit_cost", "_pack")
    )
    closed: set[int] = set()
    taken: list[tuple[int, int]] = []
    for row, step, start, end, cost, unit, pack in zip(
        rows, steps, starts, ends, costs, case_costs, packs, strict=True
    ):
        if row in closed:
            continue
        if cost <= left:
            taken.append((row, end))
            left -= cost
            continue
        closed.add(row)
        cases = int(left // (unit * pack)) if step > 0 else 0
        if cases > 0:
            taken.append((row, start + cases * pack))
            left -= cases * unit * pack
    return pl.DataFrame(taken, schema={"_row": pl.UInt32, "_end": pl.Int64}, orient="row")


def fit_budget(
    plan: pl.DataFrame,
    *,
    budget: float,
    max_steps: int = MAX_STEPS,
    currency: str | None = None,
    exchange_rates: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """The plan with ``order_quantity`` cut so the total ``order_value`` is within ``budget``.

    ``plan`` is :func:`~icebergops.inventory.policy.plan_restock`'s output. Adds
    ``deferred_quantity`` (units), ``deferred_value`` (currency) and ``deferred_margin`` (the
    expected margin those units would have earned before the next order arrives). Quantities
    stay whole cases and at least the MOQ, or drop to 0; the total never exceeds ``budget``.
    Supplier minimums are checked again on the cut plan. :func:`deferred` lists the cuts.

    ``budget`` is in ``currency``, the store's (its prices'). Rows costed in another (the plan's
    ``currency`` column) are converted at ``exchange_rates`` (units of ``currency`` per unit of theirs)
    to be ranked and counted against it, and stay in their own currency in the output
    (``deferred_margin`` is the store's); a row in a currency without a rate is an error, as
    are costs in several currencies where the store's is unknown.
    """
    if budget < 0:
        raise ConfigError(f"budget {budget} is negative", hint="give the money you can spend")
    plan = plan.with_row_index("_row")
    ordered = plan.filter(pl.col("order_quantity") > 0)
    unpriced = ordered.filter(pl.col("unit_cost").is_null()).get_column("sku")
    if len(unpriced):
        raise InputError(
            f"{len(unpriced)} SKUs to order have no unit cost, e.g. {unpriced[0]!r}",
            hint=(
                "add unit_cost to suppliers.csv (or Cost per item to the products export), "
                "or plan without a budget"
            ),
        )
    rate = _conversion(ordered, currency, exchange_rates or {})
    money = [c for c in CONVERTED if c in plan.columns]
    # ranked, cut and checked against supplier minimums in the store's currency, then back
    plan = plan.with_columns(rate.alias("_rate")).with_columns(pl.col(money) * pl.col("_rate"))
    ordered = plan.filter(pl.col("order_quantity") > 0)
    if ordered.get_column("order_value").sum() <= budget:
        kept = ordered.select("_row", pl.col("order_quantity").alias("_kept"))
    else:
        needs = ordered.select(
            "_row", "position", "demand_per_day", "protection_days", "protection_std",
            "unit_cost", "price", pack_size(pl.col("case_pack")).alias("_pack"),
        )  # fmt: skip
        kept = _keep(_worth(_steps(ordered, max_steps), needs), budget)
    cut = _apply(plan, kept)
    back = [c for c in (*CONVERTED, "deferred_value") if c in cut.columns]
    return cut.with_columns(pl.col(back) / pl.col("_rate")).drop("_rate")


# Money columns in the supplier's currency; price, revenue and margins are the store's.
CONVERTED = ("unit_cost", "order_value", "min_order_value", "supplier_order_value",
             "supplier_shortfall")  # fmt: skip


def _conversion(ordered: pl.DataFrame, currency: str | None, rates: Mapping[str, float]) -> pl.Expr:
    """Units of the store's ``currency`` per unit of each row's cost currency (1 where it is
    the store's or unnamed); raises where a rate is missing (see :func:`fit_budget`)."""
    if "currency" not in ordered.columns:
        return pl.lit(1.0)
    counts = ordered.get_column("currency").drop_nulls().value_counts(sort=True)
    if currency is None:
        if counts.height > 1:
            main, other = counts["currency"][0], counts["currency"][1]
            sku = ordered.filter(pl.col("currency") == other).get_column("sku")[0]
            raise InputError(
                f"the SKUs to order are costed in {main} and {other} (e.g. {sku!r}), and the "
                "store's currency is unknown: the budget cannot be counted in one",
                hint="set store.currency and store.exchange_rates in icebergops.yaml",
            )
        return pl.lit(1.0)
    foreign = [c for c in counts["currency"] if c != currency]
    for code in foreign:
        if code not in rates:
            sku = ordered.filter(pl.col("currency") == code).get_column("sku")[0]
            raise InputError(
                f"{sku!r} is costed in {code}, and the budget is in {currency}: "
                f"no exchange rate for {code}",
                hint=f"add store.exchange_rates: {{{code}: <{currency} per {code}>}} to "
                "icebergops.yaml, or plan without a budget",
            )
        if not rates[code] > 0:
            raise ConfigError(f"store.exchange_rates.{code}: {rates[code]} is not above 0")
    return pl.col("currency").replace_strict(
        {code: rates[code] for code in foreign}, default=1.0, return_dtype=pl.Float64
    )


def _apply(plan: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """Cut quantities, what was deferred, and the margin the deferred units would have earned."""
    new = pl.col("_kept").fill_null(0).clip(upper_bound=pl.col("order_quantity"))
    was = pl.col("order_quantity") + pl.col("deferred_quantity")
    cut = (
        plan.join(kept, on="_row", how="left")
        .with_columns(
            (pl.col("order_quantity") - new).alias("deferred_quantity"),
            new.cast(pl.Int64).alias("order_quantity"),
        )
        .with_columns(
            (pl.col("deferred_quantity") * pl.col("unit_cost")).alias("deferred_value"),
            (pl.col("order_quantity") * pl.col("unit_cost")).alias("order_value"),
            pl.when(pl.col("deferred_quantity") > 0)
            .then(_margin() * (_loss(pl.col("order_quantity")) - _loss(was)))
            .otherwise(0.0)
            .alias("deferred_margin"),
        )
    )
    flag = "below_supplier_minimum"
    before = pl.col(flag).fill_null(False) if flag in plan.columns else pl.lit(False)
    # a top-up is the top of a row's order, so the budget cuts it first
    topped = (pl.col("top_up_quantity") - pl.col("deferred_quantity")).clip(lower_bound=0)
    if "top_up_quantity" in plan.columns:
        cut = cut.with_columns(topped.alias("top_up_quantity"))
    checked = supplier_minimums(cut.with_columns(before.alias("_below_before")))
    if "reason" in checked.columns:
        checked = checked.with_columns(_below_after_cut())
    return checked.drop("_row", "_kept", "_below_before")


def _below_after_cut() -> pl.Expr:
    """``reason``, saying so where the cut leaves a supplier's order below its minimum."""
    newly = pl.col("below_supplier_minimum") & ~pl.col("_below_before")
    touched = (pl.col("order_quantity") > 0) | (pl.col("deferred_quantity") > 0)
    note = pl.format(
        "; the budget leaves {}'s order at {}, below its minimum {}",
        "supplier",
        pl.col("supplier_order_value").round(2),
        pl.col("min_order_value").max().over("supplier").round(2),
    )
    return pl.concat_str("reason", pl.when(newly & touched).then(note).otherwise(pl.lit("")))


def deferred(plan: pl.DataFrame) -> pl.DataFrame:
    """The rows :func:`fit_budget` cut, the most expected margin lost first."""
    return plan.filter(pl.col("deferred_quantity") > 0).sort("deferred_margin", descending=True)
