"""Demand classes after Syntetos, Boylan & Croston (2005): smooth, erratic, intermittent, lumpy.

ADI is the average interval between non-zero demands (periods); CV² the squared coefficient of
variation of the non-zero demand sizes. The cut-offs 1.32 and 0.49 are the paper's.
"""

from __future__ import annotations

import polars as pl

ADI_CUT = 1.32
CV2_CUT = 0.49


def demand_classes(history: pl.DataFrame, *, keys: tuple[str, ...] = ("sku",)) -> pl.DataFrame:
    """ADI, CV² and class per series of ``history`` (``*keys, day, units``), in periods.

    Syntetos, A. A., Boylan, J. E. & Croston, J. D. (2005), "On the categorization of demand
    patterns", Journal of the Operational Research Society 56, 495–503.

    >>> h = pl.DataFrame({"sku": ["A"] * 6, "day": list(range(6)), "units": [3, 0, 0, 4, 0, 3]})
    >>> demand_classes(h).row(0)
    ('A', 2.0, 0.02, 'intermittent', 3)
    """
    sizes = pl.col("units").filter(pl.col("units") > 0)
    classes = history.group_by(*keys, maintain_order=True).agg(
        (pl.len() / sizes.len()).alias("adi"),
        (sizes.std(ddof=0) / sizes.mean()).pow(2).alias("cv2"),
        sizes.len().alias("demand_periods"),
    )
    smooth_interval = pl.col("adi") < ADI_CUT
    steady_size = pl.col("cv2").fill_null(0.0) < CV2_CUT
    return classes.select(
        *keys,
        "adi",
        "cv2",
        pl.when(pl.col("demand_periods") == 0)
        .then(pl.lit("no demand"))
        .when(smooth_interval & steady_size)
        .then(pl.lit("smooth"))
        .when(smooth_interval)
        .then(pl.lit("erratic"))
        .when(steady_size)
        .then(pl.lit("intermittent"))
        .otherwise(pl.lit("lumpy"))
        .alias("demand_class"),
        "demand_periods",
    )
