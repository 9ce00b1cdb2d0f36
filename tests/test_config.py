"""The strict loader: unknown keys and wrong types are errors that name the key's path."""

from __future__ import annotations

from pathlib import Path

import pytest

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
