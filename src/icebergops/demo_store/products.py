"""The demo store's assortment: ~70 products of Fernwood Outfitters, expanded into ~200 SKUs.

Everything here is hand-written reference data plus :func:`build_catalogue`, which turns it into one
row per SKU (money in USD, weights in grams).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import polars as pl


class ProductType(NamedTuple):
    code: str  # SKU prefix
    vendor: str
    category: str  # Shopify Standard Product Taxonomy path
    season: str  # winter / summer / gift / steady (see demand.SEASONS)
    cost_ratio: float  # unit cost / price
    weight_unit: str  # the unit the merchant displays: kg, lb, g or oz
    hs_code: str  # six-digit HS subheading; empty when the merchant never filled it in
    origin: str  # ISO 3166-1 alpha-2 country of origin
    tags: str
    bullets: tuple[str, str, str]


class Product(NamedTuple):
    title: str
    type: str
    price: float  # USD, the smallest variant
    grams: int  # the smallest variant
    colours: str = ""  # "|"-separated option values
    sizes: str = ""
    size_step: float = 0.0  # USD added per size step


CASCADE, RIDGELINE, LUSITANA, SUMMIT = (
    "Cascade Textile Co.",
    "Ridgeline Gear Ltd.",
    "Lusitana Home",
    "Summit Housewares",
)
_APPAREL = "Apparel & Accessories > Clothing"
_CAMPING = "Sporting Goods > Outdoor Recreation > Camping & Hiking"
_WARM = ("Traps body heat without the bulk", "Packs into its own pocket", "Lifetime warranty")
_GEAR = ("Field-tested in the Sierra Nevada", "Repair kit included", "Lifetime warranty")
_HOME = ("Made in small batches", "Gift-ready packaging", "Ships within 1 business day")

# fmt: off
TYPES: dict[str, ProductType] = {
    "Jackets": ProductType(
        "JKT", CASCADE, f"{_APPAREL} > Outerwear > Coats & Jackets", "winter", 0.42, "lb",
        "620193", "VN", "outerwear, winter, jackets", _WARM,
    ),
    "Fleece": ProductType(
        "FLC", CASCADE, f"{_APPAREL} > Activewear > Sweatshirts", "winter", 0.40, "lb",
        "611030", "VN", "fleece, layering, winter", _WARM,
    ),
    "Base Layers": ProductType(
        "BSL", CASCADE, f"{_APPAREL} > Underwear & Socks > Long Johns", "winter", 0.45, "oz",
        "611011", "CN", "merino, layering, winter", _WARM,
    ),
    "Hats & Gloves": ProductType(
        "HAT", CASCADE, "Apparel & Accessories > Clothing Accessories > Hats", "winter", 0.38,
        "oz", "650500", "CN", "accessories, winter", _WARM,
    ),
    "Footwear": ProductType(
        "FTW", CASCADE, "Apparel & Accessories > Shoes > Slippers", "winter", 0.41, "oz",
        "640419", "CN", "footwear, camp, winter", _WARM,
    ),
    "Socks": ProductType(
        "SCK", CASCADE, f"{_APPAREL} > Underwear & Socks > Socks", "steady", 0.35, "oz",
        "", "US", "socks, merino", _WARM,
    ),
    "Tents": ProductType(
        "TNT", RIDGELINE, f"{_CAMPING} > Tents", "summer", 0.46, "lb",
        "630622", "CN", "camping, summer, tents", _GEAR,
    ),
    "Sleeping": ProductType(
        "SLP", RIDGELINE, f"{_CAMPING} > Sleeping Bags", "summer", 0.44, "lb",
        "940430", "CN", "camping, sleep system", _GEAR,
    ),
    "Backpacks": ProductType(
        "BPK", RIDGELINE, "Luggage & Bags > Backpacks", "summer", 0.43, "lb",
        "420292", "VN", "hiking, packs", _GEAR,
    ),
    "Camp Kitchen": ProductType(
        "CKT", RIDGELINE, f"{_CAMPING} > Camping Cookware & Dinnerware", "summer", 0.40, "oz",
        "732393", "CN", "camping, cooking", _GEAR,
    ),
    "Lighting": ProductType(
        "LGT", RIDGELINE, f"{_CAMPING} > Camping Lights & Lanterns", "steady", 0.41, "oz",
        "851340", "CN", "camping, lighting", _GEAR,
    ),
    "Drinkware": ProductType(
        "DRK", SUMMIT, "Home & Garden > Kitchen & Dining > Tableware > Drinkware", "summer",
        0.36, "oz", "961700", "CN", "hydration, drinkware", _HOME,
    ),
    "Kitchen": ProductType(
        "KIT", SUMMIT, "Home & Garden > Kitchen & Dining > Cookware & Bakeware", "gift", 0.45,
        "lb", "", "US", "kitchen, gifts", _HOME,
    ),
    "Blankets": ProductType(
        "BLK", LUSITANA, "Home & Garden > Linens & Bedding > Bedding > Blankets", "gift", 0.44,
        "kg", "630120", "PT", "home, blankets, gifts", _HOME,
    ),
    "Candles": ProductType(
        "CDL", LUSITANA, "Home & Garden > Decor > Home Fragrances > Candles", "gift", 0.30, "g",
        "340600", "PT", "home, candles, gifts", _HOME,
    ),
    "Home Decor": ProductType(
        "DEC", LUSITANA, "Home & Garden > Decor", "gift", 0.39, "lb",
        "", "PT", "home, decor", _HOME,
    ),
}

# fmt: on

_APPAREL_SIZES = "S|M|L|XL"
_BOTTLE_COLOURS = "Black|Moss|Sky|Sand|Rust"

# fmt: off
PRODUCTS: tuple[Product, ...] = (
    Product("Alder Rain Jacket", "Jackets", 129, 540, "Black|Moss", _APPAREL_SIZES),
    Product("Timberline Puffer Jacket", "Jackets", 189, 620, "Black|Rust", _APPAREL_SIZES),
    Product("Cedar Softshell Jacket", "Jackets", 149, 580, "Slate|Navy", _APPAREL_SIZES),
    Product("Glacier Down Parka", "Jackets", 279, 1150, "Black|Forest", _APPAREL_SIZES),
    Product("Fernwood Quarter-Zip Fleece", "Fleece", 79, 420, "Heather Grey|Forest", _APPAREL_SIZES),
    Product("Hollow Creek Fleece Vest", "Fleece", 64, 310, "Navy|Oatmeal", _APPAREL_SIZES),
    Product("Basin Grid Fleece Hoodie", "Fleece", 89, 450, "Oatmeal|Charcoal|Rust", "S|M|L"),
    Product("Merino Crew Base Layer", "Base Layers", 85, 210, "Black|Navy", _APPAREL_SIZES),
    Product("Merino Bottom Base Layer", "Base Layers", 79, 190, "Black|Navy", _APPAREL_SIZES),
    Product("Ridge Cuffed Beanie", "Hats & Gloves", 28, 90, "Rust|Forest|Black"),
    Product("Trail Fleece Gloves", "Hats & Gloves", 34, 80, "", "S|M|L"),
    Product("Wool Neck Gaiter", "Hats & Gloves", 24, 60, "Heather Grey|Navy"),
    Product("Sherpa Trapper Hat", "Hats & Gloves", 42, 140),
    Product("Trail Running Cap", "Hats & Gloves", 26, 70, "Black|Sand|Moss"),
    Product("Hiker Crew Socks", "Socks", 19, 85, "Grey|Olive", "S|M|L"),
    Product("Merino Liner Socks", "Socks", 16, 45, "", "S|M|L"),
    Product("Cabin Lounge Socks", "Socks", 22, 110, "Cream|Red|Grey"),
    Product("Lookout 2P Tent", "Tents", 249, 2100),
    Product("Lookout 3P Tent", "Tents", 319, 2700),
    Product("Basecamp 4P Tent", "Tents", 429, 5200),
    Product("Ultralight Tarp Shelter", "Tents", 139, 620),
    Product("Tent Footprint 2P", "Tents", 39, 310),
    Product("Nightfall 20°F Sleeping Bag", "Sleeping", 199, 1350, "", "Regular|Long", 20),
    Product("Solstice 40°F Sleeping Bag", "Sleeping", 129, 900, "", "Regular|Long", 15),
    Product("Self-Inflating Sleeping Pad", "Sleeping", 89, 980, "", "Regular|Wide", 20),
    Product("Packable Camp Pillow", "Sleeping", 29, 120, "Moss|Blue"),
    Product("Switchback 28L Daypack", "Backpacks", 99, 880, "Black|Moss|Rust"),
    Product("Traverse 45L Backpack", "Backpacks", 199, 1450, "", "S/M|L/XL"),
    Product("Crag 3L Hip Pack", "Backpacks", 39, 180, "Black|Moss|Rust"),
    Product("Kids Trail Pack 12L", "Backpacks", 49, 410, "Blue|Orange"),
    Product("Roll-Top Dry Bag Set", "Backpacks", 35, 240),
    Product("Titanium Spork", "Camp Kitchen", 14, 18),
    Product("Nesting Cook Set", "Camp Kitchen", 69, 760),
    Product("Compact Camp Stove", "Camp Kitchen", 59, 340),
    Product("Collapsible Camp Sink", "Camp Kitchen", 24, 290),
    Product("Camp Coffee Percolator", "Camp Kitchen", 44, 620),
    Product("Enamel Camp Mug", "Camp Kitchen", 18, 210, "White|Forest|Blue"),
    Product("Classic Camp Stool", "Camp Kitchen", 39, 1300),
    Product("Trail Headlamp 350", "Lighting", 39, 95, "Black|Orange"),
    Product("Rechargeable Camp Lantern", "Lighting", 49, 380),
    Product("Solar String Lights", "Lighting", 34, 260),
    Product("Insulated Bottle 20 oz", "Drinkware", 32, 360, _BOTTLE_COLOURS),
    Product("Insulated Bottle 32 oz", "Drinkware", 38, 470, _BOTTLE_COLOURS),
    Product("Insulated Bottle 40 oz", "Drinkware", 44, 590, "Black|Moss"),
    Product("Trail Tumbler 16 oz", "Drinkware", 26, 300, "Black|Moss|Sand"),
    Product("Collapsible Water Carrier 10L", "Drinkware", 22, 240),
    Product("Filter Bottle 750 ml", "Drinkware", 45, 220),
    Product("Insulated Food Jar", "Drinkware", 34, 420, "Black|Moss"),
    Product("Cast Iron Skillet 10 in", "Kitchen", 49, 2300),
    Product("Enamel Dutch Oven 5 qt", "Kitchen", 119, 4800, "Cream|Forest"),
    Product("Maple Cutting Board", "Kitchen", 54, 1400, "", "Small|Large", 22),
    Product("Camp Spice Kit", "Kitchen", 29, 310),
    Product("Pour-Over Coffee Set", "Kitchen", 58, 880),
    Product("Wool Camp Blanket", "Blankets", 139, 1600, "Red Plaid|Grey Stripe|Forest"),
    Product("Sherpa Throw", "Blankets", 79, 1100, "Cream|Charcoal"),
    Product("Waterproof Picnic Blanket", "Blankets", 59, 900, "Blue Plaid|Red Plaid"),
    Product("Linen Pillow Cover", "Blankets", 36, 230, "Oat|Sage|Rust", "18x18|20x20", 4),
    Product("Campfire Soy Candle", "Candles", 26, 320, "", "8 oz|16 oz", 14),
    Product("Cedar & Pine Candle", "Candles", 26, 320, "", "8 oz|16 oz", 14),
    Product("Balsam Fir Candle", "Candles", 26, 320, "", "8 oz|16 oz", 14),
    Product("Rainforest Moss Candle", "Candles", 26, 320, "", "8 oz|16 oz", 14),
    Product("Hearthstone Lantern Candle", "Candles", 32, 700),
    Product("Topographic Map Print", "Home Decor", 45, 300, "", "12x16|18x24|24x36", 30),
    Product("Birch Wall Hook Rack", "Home Decor", 39, 650),
    Product("Lodge Coir Doormat", "Home Decor", 42, 2200),
    Product("Cast Iron Mountain Bookends", "Home Decor", 64, 2600),
    Product("Ceramic Mountain Planter", "Home Decor", 34, 900, "White|Sage"),
    Product("Wool Felt Coasters (4-pack)", "Home Decor", 22, 120),
    Product("Aurora Heated Vest", "Jackets", 169, 560, "Black", _APPAREL_SIZES),
    Product("Ember Insulated Camp Booties", "Footwear", 59, 380, "", "S|M|L"),
)
# fmt: on


def handle_for(title: str) -> str:
    """Shopify's URL handle: lower case, runs of other characters become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower().replace("°", "")).strip("-")


def option_code(value: str) -> str:
    """A short SKU segment for an option value: ``Heather Grey`` → ``HG``, ``Black`` → ``BLA``, ``8 oz`` → ``8OZ``."""
    words = re.findall(r"[A-Za-z0-9]+", value)
    if value[0].isdigit() or len(value) <= 2 or "/" in value:
        return "".join(words).upper()
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()
    return value[:3].upper()


def upc_a(body: int) -> str:
    """A 12-digit UPC-A barcode: ``body`` (11 digits) plus its check digit."""
    digits = [int(d) for d in f"{body:011d}"]
    check = (10 - (3 * sum(digits[0::2]) + sum(digits[1::2])) % 10) % 10
    return f"{body:011d}{check}"


def body_html(product: Product, kind: ProductType, index: int) -> str:
    """Product description as Shopify stores it; every other one spans several lines."""
    items = [f"<li>{bullet}</li>" for bullet in kind.bullets]
    intro = f"<p>The {product.title} from Fernwood Outfitters &amp; friends.</p>"
    parts = [intro, "<ul>", *items, "</ul>"]
    return ("\n" if index % 2 == 0 else "").join(parts)


def _variant_rows(number: int, product: Product) -> list[dict[str, object]]:
    kind = TYPES[product.type]
    colours = product.colours.split("|") if product.colours else [""]
    sizes = product.sizes.split("|") if product.sizes else [""]
    rows: list[dict[str, object]] = []
    for colour in colours:
        for step, size in enumerate(sizes):
            codes = [option_code(v) for v in (colour, size) if v]
            rows.append(
                {
                    "sku": "-".join([f"FW-{kind.code}{number:02d}", *codes]),
                    "product_number": number,
                    "colour": colour or None,
                    "size": size or None,
                    "price": product.price + step * product.size_step,
                    "grams": round(
                        product.grams * (1 + (0.9 if product.size_step else 0.1) * step)
                    ),
                }
            )
    return rows


def _product_row(number: int, product: Product) -> dict[str, object]:
    kind = TYPES[product.type]
    return {
        "product_number": number,
        "handle": handle_for(product.title),
        "title": product.title,
        "product_type": product.type,
        "vendor": kind.vendor,
        "product_category": kind.category,
        "tags": kind.tags,
        "body_html": body_html(product, kind, number),
        "weight_unit": kind.weight_unit,
        "season": kind.season,
        "type_hs_code": kind.hs_code or None,
        "type_origin": kind.origin,
        "cost_ratio": kind.cost_ratio,
    }


def build_catalogue(*, seed: int = 7) -> pl.DataFrame:
    """One row per SKU: identity, options, price and unit cost (USD), grams, barcode, HS code.

    The seed only varies the small things (cost noise, barcodes, which products lack an HS code).
    """
    rng = np.random.default_rng([seed, 1])
    products = pl.DataFrame([_product_row(n, p) for n, p in enumerate(PRODUCTS, start=1)])
    variants = pl.DataFrame([r for n, p in enumerate(PRODUCTS, 1) for r in _variant_rows(n, p)])
    frame = variants.join(products, on="product_number", how="left", maintain_order="left")
    count = frame.height
    product = frame["product_number"].to_numpy() - 1
    has_hs = pl.Series((rng.random(len(PRODUCTS)) < 0.8)[product])
    cost_noise = pl.Series(rng.uniform(0.92, 1.08, len(PRODUCTS))[product])
    first_item = int(rng.integers(10_000, 60_000))
    return frame.with_columns(
        pl.col("price").round(2),
        unit_cost=(pl.col("price") * pl.col("cost_ratio") * cost_noise).round(2),
        variant_title=pl.concat_str("colour", "size", separator=" / ", ignore_nulls=True),
        variant_position=pl.int_range(pl.len()).over("product_number") + 1,
        barcode=pl.Series([upc_a(86000600000 + first_item + i) for i in range(count)]),
        hs_code=pl.when(has_hs).then(pl.col("type_hs_code")),
        country_of_origin=pl.when(has_hs).then(pl.col("type_origin")),
    ).drop("type_hs_code", "type_origin", "cost_ratio")
