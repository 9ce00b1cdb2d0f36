"""``icebergops.yaml`` → frozen dataclasses. Unknown keys and wrong types are errors naming the key's path.

Every command takes ``--config FILE``; without it ``./icebergops.yaml`` is read when present.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from icebergops.errors import ConfigError, MissingInputError, Where
from icebergops.inventory.restock import RestockSettings
from icebergops.schema import CHANNELS, CURRENCY_CODE, LONGEST_LEAD_DAYS
from icebergops.strictyaml import DuplicateKeyError, StrictLoader, build, line_of

DEFAULT_CONFIG = Path("icebergops.yaml")
SOURCE_KINDS = ("order_lines", "inventory", "products")


@dataclass(frozen=True)
class CancelRule:
    """A line is a cancellation when ``column`` starts with ``starts_with`` (UCI: invoice ``C…``).

    With ``cancels_sale_within_days``, a cancellation also takes out of demand the latest sale of
    the same SKU and quantity (and the same values in the ``match`` columns, a customer number)
    made at most that many days before it: the order did not happen. A cancellation of an older
    sale is a return, and the sale stays demand.
    """

    column: str
    starts_with: str
    cancels_sale_within_days: float | None = None
    match: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceMapping:
    """How to read a CSV layout of the seller's own into a canonical table.

    ``columns`` maps canonical column names (``order_id``, ``sku``, ``quantity``…) to the file's
    header names. A file is recognised as this source when its header holds every mapped column.
    """

    name: str
    columns: Mapping[str, str]
    kind: str = "order_lines"
    date_format: str | None = None
    channel: str = "other"
    currency: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    cancelled_when: CancelRule | None = None
    country_names: bool = True  # map country names ("United Kingdom") to ISO codes


@dataclass(frozen=True)
class StoreConfig:
    """Facts about the store that its exports leave out."""

    name: str = "my store"
    currency: str | None = None  # used where a file carries no currency
    timezone: str | None = None  # for timestamps without an offset; null keeps them as local dates
    # day-first or month-first: how to read 03/04/2023 in an export whose every day is 12 or
    # less (else the day over 12 tells, and a column that reads both ways is an error)
    date_order: str | None = None
    # units of ``currency`` per unit of another, for a budget over suppliers quoting in it
    exchange_rates: Mapping[str, float] = field(default_factory=dict)
    # order-line SKUs that are no product (postage, fees, gift vouchers); `gift_*` is a prefix
    not_products: tuple[str, ...] = ()
    # orders that are no demand to plan stock for (a one-off wholesale or staff order): their
    # lines are left out of every order export; `#1041` and `1041` are the same order
    not_demand_orders: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunConfig:
    """What ``icebergops run`` reads and where it writes (paths relative to the config file)."""

    orders: tuple[Path, ...] = ()
    inventory: tuple[Path, ...] = ()
    no_stock: bool = False  # without inventory: plan every SKU from 0 on hand (else an error)
    products: tuple[Path, ...] = ()
    suppliers: Path | None = None
    purchase_orders: Path | None = None
    events: Path | None = None
    stockouts: Path | None = None  # days out of stock, known from the warehouse
    output: Path = Path("icebergops-output")
    keep_runs: int = 30  # dated output folders kept; older ones are removed


@dataclass(frozen=True)
class Config:
    store: StoreConfig = field(default_factory=StoreConfig)
    sources: tuple[SourceMapping, ...] = ()
    restock: RestockSettings = field(default_factory=RestockSettings)
    run: RunConfig = field(default_factory=RunConfig)
    path: Path | None = None  # where this config was read from (not a YAML key)


def load_config(path: Path | None) -> Config:
    """Read ``path``, or ``./icebergops.yaml`` when ``path`` is None and that file exists."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Config()
        path = DEFAULT_CONFIG
    if not path.is_file():
        raise MissingInputError(
            "config file not found",
            where=Where(file=path),
            hint="give --config FILE; examples/icebergops.yaml is a commented one, and "
            "`icebergops demo` writes one beside its store",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = yaml.load(text, Loader=StrictLoader)
    except DuplicateKeyError as err:
        raise ConfigError(
            f"{err.key}: given twice (first on line {err.first_line})",
            where=Where(file=path, line=err.line),
            hint="keep one of them (YAML would use the last and silently drop the first)",
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or "is not valid YAML"
        raise ConfigError(str(problem), where=Where(file=path, line=line)) from err
    except UnicodeDecodeError as err:
        raise ConfigError("is not UTF-8 text", where=Where(file=path)) from err
    if raw is None:
        raw = {}
    try:
        _check_order_ids(raw, path)
        config = parse_config(raw, source=path)
        _check(config, path)
    except ConfigError as err:  # the key's line, for an editor's go-to-line
        line = err.where.line or line_of(text, err.message.split(": ", 1)[0])
        if line is None:
            raise
        where = dataclasses.replace(err.where, line=line)
        raise type(err)(err.message, where=where, hint=err.hint) from err
    return dataclasses.replace(config, path=path)


def place_of(path: Path | None, key: str) -> Where:
    """Where ``key`` (``sources[0].columns.sku``) is in the config read from ``path``."""
    if path is None:
        return Where(file="icebergops.yaml")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return Where(file=path)
    return Where(file=path, line=line_of(text, key))


def parse_config(raw: object, *, source: Path | str = "icebergops.yaml") -> Config:
    """Build a :class:`Config` from already-parsed YAML (a dict)."""
    built = build(Config, raw, "", source, skip=("path",))
    assert isinstance(built, Config)
    return _normalised(built, source)


def _normalised(config: Config, source: Path | str) -> Config:
    """Currency codes in capitals (``usd`` read as ``USD``, as the suppliers' and purchase
    orders' files are read) and channels in small letters (``Shopify`` is shopify); what is
    no code or channel either way stays for :func:`_check` to refuse."""

    def capitals(code: str | None) -> str | None:
        upper = code.upper() if code is not None else None
        return upper if upper is not None and re.fullmatch(CURRENCY_CODE, upper) else code

    rates: dict[str, float] = {}
    for code, rate in config.store.exchange_rates.items():
        key = capitals(code) or code
        if key in rates:
            raise ConfigError(
                f"store.exchange_rates.{code}: {key} is given twice",
                where=Where(file=source),
                hint="keep one rate per currency",
            )
        rates[key] = rate
    store = dataclasses.replace(
        config.store, currency=capitals(config.store.currency), exchange_rates=rates
    )
    sources = tuple(
        dataclasses.replace(m, currency=capitals(m.currency), channel=m.channel.lower())
        for m in config.sources
    )
    return dataclasses.replace(config, store=store, sources=sources)


def _check(config: Config, path: Path) -> None:
    if config.store.timezone:
        _check_timezone(config.store.timezone, path)
    if config.store.date_order not in (None, "day-first", "month-first"):
        raise ConfigError(
            f"store.date_order: {config.store.date_order!r} is not day-first or month-first",
            where=Where(file=path),
            hint="day-first reads 03/04/2023 as 3 April, month-first as 4 March",
        )
    for name, code in [
        ("store.currency", config.store.currency),
        *((f"store.exchange_rates.{key}", key) for key in config.store.exchange_rates),
        *((f"sources[{i}].currency", source.currency) for i, source in enumerate(config.sources)),
    ]:
        if code is not None and not re.fullmatch(CURRENCY_CODE, code):  # usd is USD by now
            raise ConfigError(
                f"{name}: {code!r} is not a currency code",
                where=Where(file=path),
                hint="use the three-letter ISO 4217 code, such as USD, EUR or GBP",
            )
    _check_restock(config.restock, path)
    if config.run.keep_runs < 1:  # 0 would remove the run just written, and `latest` with it
        raise ConfigError(
            f"run.keep_runs: {config.run.keep_runs} keeps no run, not even the one just written",
            where=Where(file=path),
            hint="keep at least 1 dated folder (30 by default)",
        )
    for code, rate in config.store.exchange_rates.items():
        if not 0 < rate < math.inf:
            raise ConfigError(
                f"store.exchange_rates.{code}: {rate} is not a rate",
                where=Where(file=path),
                hint=f"units of the store's currency per {code}, such as 1.08",
            )
    _check_sources(config.sources, path)


def _check_sources(sources: tuple[SourceMapping, ...], path: Path) -> None:
    from icebergops.schema import TABLES

    for index, source in enumerate(sources):
        if source.kind not in SOURCE_KINDS:
            raise ConfigError(
                f"sources[{index}].kind: {source.kind!r} is not one of {', '.join(SOURCE_KINDS)}",
                where=Where(file=path),
            )
        if source.channel not in CHANNELS:
            raise ConfigError(
                f"sources[{index}].channel: {source.channel!r} is not one of {', '.join(CHANNELS)}",
                where=Where(file=path),
                hint="a channel other than Shopify or Amazon (eBay, a till, a web shop) is other",
            )
        known = [name for name in TABLES[source.kind] if name != "source_line"]
        for name in source.columns:
            if name not in known:
                raise ConfigError(
                    f"sources[{index}].columns.{name}: not a column of {source.kind}",
                    where=Where(file=path),
                    hint=f"columns of {source.kind}: {', '.join(known)}",
                )
        for required in ("sku", "quantity") if source.kind == "order_lines" else ("sku",):
            if required not in source.columns:
                raise ConfigError(
                    f"sources[{index}].columns: needs a mapping for {required!r}",
                    where=Where(file=path),
                    hint=f"add `{required}: <header name in your file>` under columns",
                )


QUOTE_ORDERS = (
    'quote every order id, as in ["#1041", "1187"]: unquoted, YAML reads #1041 as a comment, '
    "01041 as 545 and 12:30 as 750"
)


def _check_order_ids(raw: object, path: Path) -> None:
    """``store.not_demand_orders`` as written: quoted ids only, since YAML turns some unquoted
    ones into other values, which would then match no order and leave the sale in."""
    store = raw.get("store") if isinstance(raw, dict) else None
    if not isinstance(store, dict) or "not_demand_orders" not in store:
        return
    orders = store["not_demand_orders"]
    if not isinstance(orders, list):
        got = "nothing" if orders is None else f"{type(orders).__name__} {orders!r}"
        raise ConfigError(
            f"store.not_demand_orders: expected a list of order ids, got {got}",
            where=Where(file=path),
            hint=QUOTE_ORDERS,
        )
    for index, order in enumerate(orders):
        if not isinstance(order, str) or not order.strip().lstrip("#").strip():
            raise ConfigError(
                f"store.not_demand_orders[{index}]: {order!r} is not a quoted order id",
                where=Where(file=path),
                hint=QUOTE_ORDERS,
            )


def _check_restock(restock: RestockSettings, path: Path) -> None:
    levels = {"restock.service_level": restock.service_level} | {
        f"restock.service_levels.{name}": level for name, level in restock.service_levels.items()
    }
    for key, level in levels.items():
        if not 0.0 < level < 1.0:
            raise ConfigError(
                f"{key}: {level} is not between 0 and 1",
                where=Where(file=path),
                hint="write a probability such as 0.95 (95% of cycles without a stockout)",
            )
    for name in restock.service_levels:
        if len(name) != 2 or name[0] not in "ABC" or name[1] not in "XYZ":
            raise ConfigError(
                f"restock.service_levels.{name}: not an ABC-XYZ class",
                where=Where(file=path),
                hint="classes are AX, AY, AZ, BX … CZ",
            )
    if restock.review_days < 1:
        raise ConfigError(
            f"restock.review_days: {restock.review_days} is not a positive number of days",
            where=Where(file=path),
        )
    if not 0 <= restock.default_lead_time_days <= LONGEST_LEAD_DAYS:
        raise ConfigError(
            f"restock.default_lead_time_days: {restock.default_lead_time_days:,g} is not between "
            f"0 and {LONGEST_LEAD_DAYS:g} days",
            where=Where(file=path),
            hint="the days from ordering to the goods on the shelf, such as 14",
        )
    if not restock.overstock_days > 0:
        raise ConfigError(
            f"restock.overstock_days: {restock.overstock_days:g} is not a positive number of days",
            where=Where(file=path),
        )
    if restock.top_up_limit < 0:
        raise ConfigError(
            f"restock.top_up_limit: {restock.top_up_limit} is negative",
            where=Where(file=path),
            hint="a share of the order such as 0.5: a bigger top-up is deferred when nothing is due",
        )


def _check_timezone(name: str, path: Path) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise ConfigError(
            f"store.timezone: {name!r} is not a time zone",
            where=Where(file=path),
            hint="use an IANA name such as Europe/London or America/New_York",
        ) from err
