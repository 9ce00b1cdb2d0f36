"""The strict loader: unknown keys and wrong types are errors that name the key's path."""

from __future__ import annotations

from pathlib import Path

import pytest

from icebergops.cli.run import _files as run_files
from icebergops.config import CancelRule, load_config
from icebergops.errors import ConfigError, MissingInputError

EXAMPLES = Path(__file__).parents[1] / "examples"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "icebergops.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_online_retail_example_loads() -> None:
    config = load_config(EXAMPLES / "online_retail.yaml")
    (source,) = config.sources
    assert (config.store.currency, config.store.timezone) == ("GBP", "Europe/London")
    assert source.columns["sku"] == "StockCode"
    assert source.cancelled_when == CancelRule(
        column="InvoiceNo", starts_with="C", cancels_sale_within_days=1.0, match=("CustomerID",)
    )
    assert config.store.not_products[:2] == ("POST", "DOT")


@pytest.mark.realdata
def test_online_retail_example_runs_on_the_shared_data_without_stock(shared_data: Path) -> None:
    """The data set has no stock levels: without run.no_stock, `icebergops run --config
    examples/online_retail.yaml` stopped with exit 78 (no inventory export named)."""
    config = load_config(EXAMPLES / "online_retail.yaml")
    assert config.run.no_stock is True
    assert config.run.inventory == ()
    files, output = run_files(config)  # as `icebergops run` resolves them, from examples/
    assert files.no_stock is True
    assert [path.resolve() for path in files.orders] == [
        shared_data / "online_retail" / "online_retail_2010-12_2011-12.csv.gz"
    ]
    assert files.orders[0].is_file()
    assert files.suppliers is not None
    assert files.suppliers.resolve() == EXAMPLES.resolve() / "online_retail_suppliers.csv"
    assert files.suppliers.is_file()
    # into the repository's git-ignored /icebergops-runs/, never into a tracked folder
    assert output == EXAMPLES.resolve().parent / "icebergops-runs" / "online_retail"


def test_commented_example_loads() -> None:
    config = load_config(EXAMPLES / "icebergops.yaml")
    assert config.store.name
    assert config.restock.top_up_limit == 0.5


def test_orders_that_are_no_demand_are_a_list_of_quoted_order_ids(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'store:\n  not_demand_orders: ["#1041", "1187"]\n'))
    assert config.store.not_demand_orders == ("#1041", "1187")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("#1041", "store.not_demand_orders: expected a list of order ids, got nothing"),
        ("\n    - #1041", "store.not_demand_orders[0]: None is not a quoted order id"),
        ("[01041]", "store.not_demand_orders[0]: 545 is not a quoted order id"),  # octal
        ('["#1041", 1187]', "store.not_demand_orders[1]: 1187 is not a quoted order id"),
        ('["#"]', "store.not_demand_orders[0]: '#' is not a quoted order id"),
        ('"#1041"', "store.not_demand_orders: expected a list of order ids, got str '#1041'"),
    ],
)
def test_unquoted_order_ids_are_refused_with_a_hint(
    tmp_path: Path, value: str, message: str
) -> None:
    """YAML reads an unquoted #1041 as a comment and 01041 as 545: quoted ids only."""
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, f"store:\n  not_demand_orders: {value}\n"))
    assert message in str(err.value)
    assert 'quote every order id, as in ["#1041", "1187"]' in (err.value.hint or "")


def test_unknown_key_names_its_path(tmp_path: Path) -> None:
    path = write(
        tmp_path, "sources:\n  - name: x\n    columns: {sku: A, quantity: B}\n    colums: {}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert (
        err.value.line() == f"{path}:4: sources[0].colums: unknown key"
    )  # the line, for go-to-line
    assert err.value.hint is not None and "columns" in err.value.hint
    assert err.value.exit_code == 78


def test_a_key_given_twice_in_a_nested_mapping_is_an_error(tmp_path: Path) -> None:
    """YAML itself keeps the last one without a word: order ids would have been read from
    StockCode."""
    path = write(
        tmp_path,
        "sources:\n"
        "  - name: x\n"
        "    kind: order_lines\n"
        "    columns:\n"
        "      order_id: InvoiceNo\n"
        "      sku: StockCode\n"
        "      order_id: StockCode\n"
        "      quantity: Quantity\n",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line() == (
        f"{path}:7: sources[0].columns.order_id: given twice (first on line 5)"
    )
    assert (
        err.value.hint == "keep one of them (YAML would use the last and silently drop the first)"
    )
    assert err.value.exit_code == 78


def test_a_section_given_twice_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "store:\n  name: first\n  currency: GBP\nrestock:\n  review_days: 7\nstore:\n  name: second\n",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line() == f"{path}:6: store: given twice (first on line 1)"
    assert err.value.hint is not None and err.value.hint.startswith("keep one of them")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("store: {name: a, name: b}\n", ":1: store.name: given twice (first on line 1)"),
        (
            "store:\n  currency: GBP\n  'currency': EUR\n",
            ":3: store.currency: given twice (first on line 2)",
        ),
        (
            "restock:\n  service_levels:\n    AX: 0.9\n    AX: 0.95\n",
            ":4: restock.service_levels.AX: given twice (first on line 3)",
        ),
    ],
)
def test_a_key_given_twice_is_found_however_it_is_written(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line() == f"{path}{message}"


def test_a_key_merged_in_may_be_overridden(tmp_path: Path) -> None:
    """`<<: *anchor` then the same key is YAML's way to override a default, not a mistake."""
    text = (
        "sources:\n"
        "  - &shop {name: shop, columns: {sku: A, quantity: B}, currency: GBP}\n"
        "  - <<: *shop\n"
        "    name: shop-eu\n"
        "    currency: EUR\n"
    )
    config = load_config(write(tmp_path, text))
    assert [(s.name, s.currency) for s in config.sources] == [("shop", "GBP"), ("shop-eu", "EUR")]


def test_wrong_type_names_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "store:\n  currency: [GBP]\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line() == f"{path}:2: store.currency: expected a str, got list ['GBP']"


def test_mapping_must_name_sku_and_quantity(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: x\n    columns: {sku: A}\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line() == f"{path}:3: sources[0].columns: needs a mapping for 'quantity'"


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "store:\n  name: [unclosed\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.where.line is not None


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError):
        load_config(tmp_path / "absent.yaml")


def test_no_config_and_no_default_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None).sources == ()


def test_a_misspelt_canonical_column_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path, "sources:\n  - name: x\n    columns: {sku: A, quantity: B, unit_prce: C}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert (
        err.value.line() == f"{path}:3: sources[0].columns.unit_prce: not a column of order_lines"
    )
    assert err.value.hint is not None and "unit_price" in err.value.hint


def test_an_unknown_time_zone_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "store:\n  timezone: Mars/Base\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line() == f"{path}:2: store.timezone: 'Mars/Base' is not a time zone"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "store:\n  date_order: american\n",
            "store.date_order: 'american' is not day-first or month-first",
            "day-first reads 03/04/2023 as 3 April, month-first as 4 March",
        ),
        (
            "store:\n  currency: pounds\n",
            "store.currency: 'pounds' is not a currency code",
            "use the three-letter ISO 4217 code, such as USD, EUR or GBP",
        ),
        (
            "store:\n  currency: USD\n  exchange_rates:\n    eur: 1.08\n    EUR: 1.1\n",
            "store.exchange_rates.EUR: EUR is given twice",
            "keep one rate per currency",
        ),
        (
            "sources:\n  - name: x\n    currency: euros\n    columns: {sku: A, quantity: B}\n",
            "sources[0].currency: 'euros' is not a currency code",
            "use the three-letter ISO 4217 code, such as USD, EUR or GBP",
        ),
        (
            "sources:\n  - name: x\n    channel: ebay\n    columns: {sku: A, quantity: B}\n",
            "sources[0].channel: 'ebay' is not one of shopify, amazon, other",
            "a channel other than Shopify or Amazon (eBay, a till, a web shop) is other",
        ),
    ],
)
def test_store_settings_a_reader_would_misread_are_errors(
    tmp_path: Path, text: str, message: str, hint: str
) -> None:
    """`currency: pounds` was shown as the store's currency; `channel: ebay` went into the
    order lines, whose channels are three."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.line().split(": ", 1)[1] == message
    assert err.value.hint == hint and err.value.exit_code == 78


def test_currency_codes_in_small_letters_are_read_in_capitals(tmp_path: Path) -> None:
    """`usd` in suppliers.csv was read as USD while `store.currency: usd` was an error: one
    mistake, two behaviours. Both read it as USD now."""
    path = write(
        tmp_path,
        "store:\n  currency: usd\n  exchange_rates: {eur: 1.08}\n"
        "sources:\n  - name: x\n    currency: gbp\n    channel: Shopify\n"
        "    columns: {sku: A, quantity: B}\n",
    )
    config = load_config(path)
    assert config.sources[0].channel == "shopify"  # and channels in small letters
    assert config.store.currency == "USD"
    assert dict(config.store.exchange_rates) == {"EUR": 1.08}
    assert config.sources[0].currency == "GBP"


def test_date_order_is_read_into_the_readers_options(tmp_path: Path) -> None:
    from icebergops.sources import read_options

    config = load_config(write(tmp_path, "store:\n  date_order: month-first\n"))
    assert read_options(config).date_order == "month-first"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("restock:\n  service_level: 95\n", "restock.service_level: 95.0 is not between 0 and 1"),
        (
            "restock:\n  service_levels:\n    AQ: 0.9\n",
            "restock.service_levels.AQ: not an ABC-XYZ class",
        ),
        ("restock:\n  review_days: 0\n", "restock.review_days: 0 is not a positive number of days"),
        ("restock:\n  top_up_limit: -1\n", "restock.top_up_limit: -1.0 is negative"),
        (
            "restock:\n  default_lead_time_days: 99999999\n",
            "restock.default_lead_time_days: 1e+08 is not between 0 and 730 days",
        ),
        (
            "restock:\n  default_lead_time_days: -3\n",
            "restock.default_lead_time_days: -3 is not between 0 and 730 days",
        ),
        (
            "restock:\n  overstock_days: 0\n",
            "restock.overstock_days: 0 is not a positive number of days",
        ),
        ("run:\n  orders: orders.csv\n", "run.orders: expected a list, got str 'orders.csv'"),
        ("run:\n  keep_runs: 0\n", "run.keep_runs: 0 keeps no run, not even the one just written"),
        ("store:\n  exchange_rates: {EUR: 0}\n", "store.exchange_rates.EUR: 0.0 is not a rate"),
        ("store:\n  exchange_rates: {EUR: .inf}\n", "store.exchange_rates.EUR: inf is not a rate"),
        (
            "store:\n  exchange_rates: [1.1]\n",
            "store.exchange_rates: expected a mapping, got list [1.1]",
        ),
    ],
)
def test_restock_and_run_settings_are_checked(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "icebergops.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line().endswith(message)
