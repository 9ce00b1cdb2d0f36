"""Where the demo store's customers live: real US cities/ZIPs and a few foreign destinations.

Each destination carries its sales tax (US state rate, or the VAT/GST a US seller registered abroad
collects below the low-value threshold) and the warehouse that serves it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

RENO, COLUMBUS = "Reno NV", "Columbus OH"
INTERNATIONAL_SHARE = 0.15  # of Shopify orders

# fmt: off
#: city, state, state name, ZIP, weight, state tax %, warehouse
US_DESTINATIONS: tuple[tuple[str, str, str, str, float, float, str], ...] = (
    ("Boston", "MA", "Massachusetts", "02134", 4, 6.25, COLUMBUS),
    ("Cambridge", "MA", "Massachusetts", "02139", 2, 6.25, COLUMBUS),
    ("Providence", "RI", "Rhode Island", "02903", 1, 7.0, COLUMBUS),
    ("Hartford", "CT", "Connecticut", "06103", 1, 6.35, COLUMBUS),
    ("Burlington", "VT", "Vermont", "05401", 2, 6.0, COLUMBUS),
    ("Portland", "ME", "Maine", "04101", 2, 5.5, COLUMBUS),
    ("Manchester", "NH", "New Hampshire", "03101", 1, 0.0, COLUMBUS),
    ("Hoboken", "NJ", "New Jersey", "07030", 2, 6.625, COLUMBUS),
    ("Princeton", "NJ", "New Jersey", "08540", 1, 6.625, COLUMBUS),
    ("Brooklyn", "NY", "New York", "11215", 5, 4.0, COLUMBUS),
    ("New York", "NY", "New York", "10025", 5, 4.0, COLUMBUS),
    ("Buffalo", "NY", "New York", "14214", 1, 4.0, COLUMBUS),
    ("Philadelphia", "PA", "Pennsylvania", "19104", 3, 6.0, COLUMBUS),
    ("Pittsburgh", "PA", "Pennsylvania", "15213", 2, 6.0, COLUMBUS),
    ("Baltimore", "MD", "Maryland", "21218", 2, 6.0, COLUMBUS),
    ("Washington", "DC", "District of Columbia", "20001", 2, 6.0, COLUMBUS),
    ("Arlington", "VA", "Virginia", "22201", 2, 5.3, COLUMBUS),
    ("Asheville", "NC", "North Carolina", "28801", 2, 4.75, COLUMBUS),
    ("Raleigh", "NC", "North Carolina", "27601", 2, 4.75, COLUMBUS),
    ("Atlanta", "GA", "Georgia", "30306", 3, 4.0, COLUMBUS),
    ("Miami", "FL", "Florida", "33131", 2, 6.0, COLUMBUS),
    ("Orlando", "FL", "Florida", "32801", 2, 6.0, COLUMBUS),
    ("Columbus", "OH", "Ohio", "43215", 2, 5.75, COLUMBUS),
    ("Cleveland", "OH", "Ohio", "44113", 2, 5.75, COLUMBUS),
    ("Ann Arbor", "MI", "Michigan", "48104", 2, 6.0, COLUMBUS),
    ("Detroit", "MI", "Michigan", "48226", 1, 6.0, COLUMBUS),
    ("Chicago", "IL", "Illinois", "60614", 5, 6.25, COLUMBUS),
    ("Madison", "WI", "Wisconsin", "53703", 2, 5.0, COLUMBUS),
    ("Minneapolis", "MN", "Minnesota", "55401", 3, 6.875, COLUMBUS),
    ("Nashville", "TN", "Tennessee", "37203", 2, 7.0, COLUMBUS),
    ("Louisville", "KY", "Kentucky", "40202", 1, 6.0, COLUMBUS),
    ("Austin", "TX", "Texas", "78701", 3, 6.25, COLUMBUS),
    ("Dallas", "TX", "Texas", "75201", 2, 6.25, COLUMBUS),
    ("San Juan", "PR", "Puerto Rico", "00907", 0.5, 10.5, COLUMBUS),
    ("Denver", "CO", "Colorado", "80202", 4, 2.9, RENO),
    ("Boulder", "CO", "Colorado", "80302", 3, 2.9, RENO),
    ("Salt Lake City", "UT", "Utah", "84101", 3, 4.85, RENO),
    ("Boise", "ID", "Idaho", "83702", 2, 6.0, RENO),
    ("Bozeman", "MT", "Montana", "59715", 2, 0.0, RENO),
    ("Seattle", "WA", "Washington", "98101", 5, 6.5, RENO),
    ("Portland", "OR", "Oregon", "97205", 4, 0.0, RENO),
    ("Bend", "OR", "Oregon", "97701", 2, 0.0, RENO),
    ("San Francisco", "CA", "California", "94110", 4, 7.25, RENO),
    ("Los Angeles", "CA", "California", "90026", 5, 7.25, RENO),
    ("San Diego", "CA", "California", "92101", 3, 7.25, RENO),
    ("Sacramento", "CA", "California", "95814", 2, 7.25, RENO),
    ("Reno", "NV", "Nevada", "89501", 1, 6.85, RENO),
    ("Phoenix", "AZ", "Arizona", "85004", 3, 5.6, RENO),
    ("Flagstaff", "AZ", "Arizona", "86001", 1, 5.6, RENO),
    ("Albuquerque", "NM", "New Mexico", "87102", 1, 4.875, RENO),
    ("Anchorage", "AK", "Alaska", "99501", 1, 0.0, RENO),
    ("Honolulu", "HI", "Hawaii", "96813", 1, 4.0, RENO),
)

#: country, city, province, province name, postcode, weight, tax name, tax %, tax threshold USD,
#: warehouse
FOREIGN_DESTINATIONS: tuple[tuple[str, str, str, str, str, float, str, float, float, str], ...] = (
    ("CA", "Toronto", "ON", "Ontario", "M5V 2T6", 14, "", 0.0, 0, COLUMBUS),
    ("CA", "Montréal", "QC", "Québec", "H2X 1Y4", 6, "", 0.0, 0, COLUMBUS),
    ("CA", "Vancouver", "BC", "British Columbia", "V6B 1A1", 10, "", 0.0, 0, RENO),
    ("CA", "Calgary", "AB", "Alberta", "T2P 1J9", 5, "", 0.0, 0, RENO),
    ("GB", "London", "ENG", "England", "EC1V 9HX", 10, "GB VAT 20%", 20.0, 170, COLUMBUS),
    ("GB", "Manchester", "ENG", "England", "M1 1AE", 4, "GB VAT 20%", 20.0, 170, COLUMBUS),
    ("GB", "Edinburgh", "SCT", "Scotland", "EH1 1YZ", 3, "GB VAT 20%", 20.0, 170, COLUMBUS),
    ("DE", "Berlin", "", "", "10115", 7, "DE MwSt 19%", 19.0, 160, COLUMBUS),
    ("DE", "München", "", "", "80331", 5, "DE MwSt 19%", 19.0, 160, COLUMBUS),
    ("FR", "Paris", "", "", "75011", 5, "FR TVA 20%", 20.0, 160, COLUMBUS),
    ("FR", "Lyon", "", "", "69002", 3, "FR TVA 20%", 20.0, 160, COLUMBUS),
    ("NL", "Amsterdam", "", "", "1012 AB", 4, "NL btw 21%", 21.0, 160, COLUMBUS),
    ("AU", "Sydney", "NSW", "New South Wales", "2000", 7, "AU GST 10%", 10.0, 650, RENO),
    ("AU", "Melbourne", "VIC", "Victoria", "3000", 5, "AU GST 10%", 10.0, 650, RENO),
    ("JP", "Shibuya-ku", "JP-13", "Tokyo", "150-0001", 6, "", 0.0, 0, RENO),
    ("NZ", "Auckland", "AUK", "Auckland", "1010", 3, "NZ GST 15%", 15.0, 650, RENO),
)
# fmt: on

COLUMNS = [
    "country",
    "city",
    "province",
    "province_name",
    "zip",
    "weight",
    "tax_name",
    "tax_rate",
    "tax_threshold",
    "warehouse",
]


def destinations() -> pl.DataFrame:
    """Every destination with its probability (``chance``) of receiving a Shopify order."""
    us = [
        ("US", c, s, n, z, w, f"{n} State Tax {r:g}%", r, 1e9, h)
        for c, s, n, z, w, r, h in US_DESTINATIONS
    ]
    frame = pl.DataFrame([*us, *FOREIGN_DESTINATIONS], schema=COLUMNS, orient="row")
    share = (
        pl.when(pl.col("country") == "US")
        .then(1 - INTERNATIONAL_SHARE)
        .otherwise(INTERNATIONAL_SHARE)
    )
    return frame.with_columns(
        pl.col("province", "province_name", "tax_name").replace("", None),
        chance=share * pl.col("weight") / pl.col("weight").sum().over(pl.col("country") == "US"),
    ).drop("weight")


def draw_destinations(count: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Row numbers into :func:`destinations` for ``count`` orders."""
    chance = destinations()["chance"].to_numpy()
    drawn: npt.NDArray[np.int64] = rng.choice(len(chance), count, p=chance / chance.sum())
    return drawn


def excel_guarded(postcode: pl.Expr) -> pl.Expr:
    """Shopify prefixes all-digit postcodes with ``'`` so Excel keeps leading zeros: ``'02134``."""
    return pl.when(postcode.str.contains(r"^\d+$")).then(pl.lit("'") + postcode).otherwise(postcode)
