"""The models on a Dask cluster give the forecasts they give here; missing extras are one-line errors."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from icebergops.demand import engines
from icebergops.demand.engines import Engine, open_engine
from icebergops.demand.evaluate import backtest
from icebergops.demand.fitcopy import FitsACopy
from icebergops.demand.forecast import forecast_demand
from icebergops.demand.newskus import METHOD
from icebergops.errors import EXIT_CONFIG, ConfigError


def history() -> pl.DataFrame:
    """A weekly-seasonal SKU, an intermittent one, a new one, and two variants of one product."""
    rng = np.random.default_rng(5)
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(200)]
    weekly = np.array([2, 2, 2, 2, 3, 9, 9])[np.arange(200) % 7]
    series = {
        "SMOOTH": weekly + rng.poisson(1, 200),
        "RARE": np.where(rng.random(200) < 0.08, rng.integers(1, 4, 200), 0),
        "MUG-RED": rng.poisson(1.5, 200),
        "MUG-BLUE": np.where(rng.random(200) < 0.2, 1, 0),
    }
    frames = [
        pl.DataFrame({"sku": sku, "day": days, "units": units}) for sku, units in series.items()
    ]
    frames.append(pl.DataFrame({"sku": "NEW", "day": days[-30:], "units": [2] + [0] * 29}))
    return pl.concat(frames).with_columns(pl.col("units").cast(pl.Int64))


PRODUCTS = pl.DataFrame({"sku": ["MUG-RED", "MUG-BLUE"], "product": ["MUG", "MUG"]})


@pytest.fixture(scope="module")
def on_dask() -> Iterator[Engine]:
    """A two-thread cluster started here, reached the way a real one is: its scheduler address."""
    dask = pytest.importorskip("dask", reason="the dask extra is not installed")
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address="127.0.0.1:0"
        ) as cluster,
        dask.config.set({"scheduler-address": cluster.scheduler_address}),
        open_engine("dask") as engine,
    ):
        yield engine


def test_dask_forecasts_are_the_local_forecasts(on_dask: Engine) -> None:
    assert on_dask.where.startswith("Dask at inproc://")
    local = forecast_demand(history(), horizon=14, products=PRODUCTS)
    remote = forecast_demand(history(), horizon=14, products=PRODUCTS, engine=on_dask)
    assert set(local["method"]) == {"per SKU", "top-down by product", METHOD}
    assert_frame_equal(remote, local, check_exact=False, rel_tol=1e-9)


def test_dask_backtest_is_the_local_backtest(on_dask: Engine) -> None:
    local = backtest(history(), horizon=14, origins=1)
    remote = backtest(history(), horizon=14, origins=1, engine=on_dask)
    keys = ["sku", "model", "day"]
    assert_frame_equal(remote.sort(keys), local.sort(keys), check_exact=False, rel_tol=1e-9)


def test_local_is_this_process() -> None:
    with open_engine("local") as engine:
        assert engine == engines.LOCAL and engine.fugue is None


@pytest.mark.parametrize("name", ["dask", "ray", "spark"])
def test_a_missing_extra_names_the_install_command(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, engines.NEEDS[name][0], None)  # import now fails
    with pytest.raises(ConfigError) as raised, open_engine(name):
        pass
    assert raised.value.exit_code == EXIT_CONFIG
    assert str(raised.value) == (
        f"--engine {name} needs the {name} extra, which is not installed: "
        f"pip install 'icebergops[{name}]'"
    )


def test_an_unreachable_scheduler_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    dask = pytest.importorskip("dask", reason="the dask extra is not installed")
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", "0.5s")
    with (
        dask.config.set({"scheduler-address": "tcp://127.0.0.1:9"}),
        pytest.raises(
            ConfigError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
        ),
        open_engine("dask"),
    ):
        pass


def test_a_cluster_model_fits_a_copy_and_leaves_itself_unfitted() -> None:
    """statsforecast's refit=False fits ``model`` itself; tasks sharing it on threads then ran
    one series forward with another's fit (the demo store's dask test failed about 1 in 40)."""
    from statsforecast.models import AutoETS

    rng = np.random.default_rng(3)
    weekly = np.tile([2.0, 2, 2, 2, 3, 9, 9], 20)
    calm, busy = weekly + rng.poisson(1, 140), 3 * weekly + rng.poisson(4, 140)
    inner = AutoETS(season_length=7, model="ZNZ")
    shared = FitsACopy(inner)
    first = shared.fit(y=calm)
    second = shared.fit(y=busy)  # a second series' fit, as another task's would be
    assert first is not second and not hasattr(inner, "model_")
    assert shared.model == "ZNZ" and shared.season_length == 7  # the model's own attributes
    alone = AutoETS(season_length=7, model="ZNZ").fit(y=calm)
    np.testing.assert_allclose(
        first.forward(y=calm, h=7)["mean"], alone.forward(y=calm, h=7)["mean"], rtol=1e-12
    )
    assert repr(shared) == "AutoETS"
    twin = pickle.loads(pickle.dumps(shared))  # how a cluster of processes receives it
    assert repr(twin) == "AutoETS" and twin.fit(y=calm) is not twin
    assert getattr(twin, "model_", None) is None  # its model was not fitted itself


def test_the_copying_model_reaches_workers_without_icebergops(tmp_path: Path) -> None:
    """A cluster's workers have statsforecast, not necessarily icebergops: the engine sends the
    wrapper's class by value (cloudpickle), and a process that cannot import icebergops fits it."""
    import subprocess

    import cloudpickle
    from statsforecast.models import AutoETS

    from icebergops.demand import fitcopy

    cloudpickle.register_pickle_by_value(fitcopy)
    sent = tmp_path / "model.pkl"
    sent.write_bytes(cloudpickle.dumps(FitsACopy(AutoETS(season_length=7, model="ZNZ"))))
    worker = (
        "import pickle, sys\n"
        "import numpy as np\n"
        "sys.modules['icebergops'] = None  # as on a worker without it\n"
        f"model = pickle.loads(open({str(sent)!r}, 'rb').read())\n"
        "fitted = model.fit(y=np.tile([2.0, 2, 2, 2, 3, 9, 9], 20))\n"
        "print(repr(model), fitted is not model, round(fitted.predict(h=7)['mean'][5], 1))\n"
    )
    done = subprocess.run([sys.executable, "-c", worker], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["AutoETS", "True", "9.0"]


def test_only_dask_gets_the_copying_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask's thread workers share the models; Ray's and Spark's processes do not, and pickle
    with their own cloudpickle copies (which would send the wrapper by reference)."""
    from statsforecast.models import AutoETS, WindowAverage

    models: list[object] = [AutoETS(season_length=7), WindowAverage(28)]
    sent: dict[str, list[object]] = {}

    class Backend:
        def cross_validation(self, **kwargs: object) -> None:
            sent[name] = kwargs["models"]  # type: ignore[assignment]
            raise StopIteration  # the cluster's answer is not what is tested here

    monkeypatch.setattr(engines, "_backend", lambda fugue: Backend())
    data = history().select(
        pl.col("sku").alias("unique_id"), pl.col("day").alias("ds"), pl.col("units").alias("y")
    )
    for name in ("dask", "ray", "spark"):
        with pytest.raises(StopIteration):
            Engine(name, fugue=object()).cross_validation(
                models, data, freq="1d", n_jobs=1, h=7, n_windows=1, refit=False
            )
    assert [type(m) for m in sent["dask"]] == [FitsACopy, FitsACopy]
    assert [repr(m) for m in sent["dask"]] == ["AutoETS", "WindowAverage"]
    assert sent["ray"] == models and sent["spark"] == models
