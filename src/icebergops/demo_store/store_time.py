"""The store's clock: local (US Eastern) timestamps written the way each export writes them."""

from __future__ import annotations

import polars as pl

STORE_TIME_ZONE = "America/New_York"


def in_store_time_zone(local: pl.Expr) -> pl.Expr:
    """Attach the store's time zone to a naive local datetime.

    A wall-clock time skipped by the spring-forward change (02:xx) moves one hour later, as a
    clock would; a repeated one (autumn) takes its first occurrence.
    """
    zoned = local.dt.replace_time_zone(STORE_TIME_ZONE, ambiguous="earliest", non_existent="null")
    later = (local + pl.duration(hours=1)).dt.replace_time_zone(
        STORE_TIME_ZONE, ambiguous="earliest", non_existent="null"
    )
    return pl.coalesce(zoned, later)


def shopify_timestamp(local: pl.Expr) -> pl.Expr:
    """``2026-05-31 23:06:04 -0400``: local time with its UTC offset (-0500 winter, -0400 summer)."""
    return in_store_time_zone(local).dt.strftime("%Y-%m-%d %H:%M:%S %z")


def amazon_timestamp(local: pl.Expr) -> pl.Expr:
    """``2026-11-03T14:22:10+00:00``: ISO 8601 in UTC, as Seller Central reports write it."""
    utc = in_store_time_zone(local).dt.convert_time_zone("UTC")
    return utc.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
