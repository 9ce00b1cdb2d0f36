"""Country names as exports write them → ISO 3166-1 alpha-2 (names unknown here stay as written)."""

from __future__ import annotations

import polars as pl

NAMES = {
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "eire": "IE",
    "ireland": "IE",
    "france": "FR",
    "germany": "DE",
    "deutschland": "DE",
    "netherlands": "NL",
    "belgium": "BE",
    "luxembourg": "LU",
    "switzerland": "CH",
    "austria": "AT",
    "spain": "ES",
    "portugal": "PT",
    "italy": "IT",
    "norway": "NO",
    "sweden": "SE",
    "denmark": "DK",
    "finland": "FI",
    "iceland": "IS",
    "poland": "PL",
    "lithuania": "LT",
    "latvia": "LV",
    "estonia": "EE",
    "czech republic": "CZ",
    "czechia": "CZ",
    "slovakia": "SK",
    "hungary": "HU",
    "greece": "GR",
    "cyprus": "CY",
    "malta": "MT",
    "romania": "RO",
    "bulgaria": "BG",
    "croatia": "HR",
    "slovenia": "SI",
    "channel islands": "JE",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "canada": "CA",
    "mexico": "MX",
    "brazil": "BR",
    "australia": "AU",
    "new zealand": "NZ",
    "japan": "JP",
    "china": "CN",
    "hong kong": "HK",
    "singapore": "SG",
    "south korea": "KR",
    "korea": "KR",
    "india": "IN",
    "israel": "IL",
    "lebanon": "LB",
    "bahrain": "BH",
    "united arab emirates": "AE",
    "saudi arabia": "SA",
    "rsa": "ZA",
    "south africa": "ZA",
    "turkey": "TR",
    "türkiye": "TR",
}


def to_iso(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Known country names become ISO codes; two-letter codes and unknown names are kept.

    Mapped once per distinct name (a file has a few dozen) and joined back.
    """
    names = frame.select(pl.col(column).unique()).with_columns(
        pl.col(column)
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(NAMES, default=pl.col(column).str.strip_chars(), return_dtype=pl.String)
        .alias("__iso")
    )
    joined = frame.join(names, on=column, how="left", nulls_equal=True, maintain_order="left")
    return joined.with_columns(pl.col("__iso").alias(column)).drop("__iso")
