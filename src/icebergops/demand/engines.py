"""Where the forecasting models run: this process, or a Dask, Ray or Spark cluster.

On a cluster, statsforecast's ``FugueBackend`` runs the very models :mod:`demand.forecast` chose,
one series per task, and the results are gathered back here as polars frames: the choice of
model per series stays local. Frames arrive from :mod:`demand.forecast` already in
statsforecast's ``unique_id``/``ds``/``y``. Each engine finds its cluster the way its own tools do (Dask:
``DASK_SCHEDULER_ADDRESS``; Ray: ``RAY_ADDRESS``; Spark: ``SPARK_REMOTE`` or
``spark-defaults.conf``); with none set, a cluster on this machine is started for the run and
shut down after it.
"""

from __future__ import annotations

import importlib
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, get_args

import polars as pl

from icebergops.demand import fitcopy
from icebergops.errors import ConfigError

EngineName = Literal["local", "dask", "ray", "spark"]
ENGINES: tuple[str, ...] = get_args(EngineName)
# The modules each engine needs, all brought in by the extra of the same name.
NEEDS = {
    "dask": ("distributed", "fugue_dask"),
    "ray": ("ray", "fugue_ray"),
    "spark": ("pyspark", "fugue_spark"),
}
KEYS = ("unique_id", "cutoff", "ds")  # statsforecast's own order of rows
CONNECT_TIMEOUT = "10s"  # to an existing Dask scheduler
PARALLEL_FROM = 200  # series: fewer are not worth starting worker processes for


@dataclass(frozen=True)
class Engine:
    """statsforecast's ``cross_validation`` and ``forecast`` here (``fugue=None``) or on a cluster.

    ``fugue`` is a Fugue execution engine; ``where`` says which cluster, for a person to read.
    """

    name: str = "local"
    fugue: Any = None
    where: str = "this process"

    def cross_validation(
        self, models: list[object], data: pl.DataFrame, *, freq: str, n_jobs: int, **settings: Any
    ) -> pl.DataFrame:
        """``StatsForecast.cross_validation(df=data, **settings)`` (h, n_windows, refit…)."""
        if self.fugue is None:
            if settings.get("refit", True) is True:  # the cheap models, compiled (demand.cheap)
                from icebergops.demand.cheap import cheap_validation  # numba: only when used

                fast = cheap_validation(models, data, **settings)
                if fast is not None:
                    return fast
            checked: pl.DataFrame = _local(models, freq, n_jobs).cross_validation(
                df=data, **settings
            )
            return checked
        return self._on_cluster("cross_validation", models, data, freq, test_size=None, **settings)

    def forecast(
        self, models: list[object], data: pl.DataFrame, *, freq: str, n_jobs: int, h: int
    ) -> pl.DataFrame:
        """``StatsForecast.forecast(df=data, h=h)``: one column per model."""
        if self.fugue is None:
            ahead: pl.DataFrame = _local(models, freq, n_jobs).forecast(df=data, h=h)
            return ahead
        return self._on_cluster("forecast", models, data, freq, X_df=None, h=h)

    def _on_cluster(
        self, call: str, models: list[object], data: pl.DataFrame, freq: str, **settings: Any
    ) -> pl.DataFrame:
        """The backend's ``call`` (``forecast`` or ``cross_validation``) run on the cluster and
        gathered here. See :func:`cluster_models` for the models sent."""
        with _quiet():
            result = getattr(_backend(self.fugue), call)(
                df=data.to_pandas(),
                models=cluster_models(self.name, models),
                freq=pandas_freq(freq),
                fallback_model=None,
                level=None,
                fitted=False,
                prediction_intervals=None,
                id_col="unique_id",
                time_col="ds",
                target_col="y",
                **settings,
            )
            return _gathered(result, data)


LOCAL = Engine()


def cluster_models(engine: str, models: list[object]) -> list[object]:
    """The models as sent to ``engine``'s workers.

    Dask's workers run tasks on threads that share the models they were sent, so there each goes
    as :class:`~icebergops.demand.fitcopy.FitsACopy`, its class sent by value (dask pickles with
    cloudpickle): the workers need statsforecast, not icebergops. Ray's and Spark's workers are
    processes running one task at a time, and pickle with copies of cloudpickle of their own
    (which would send the wrapper by reference): they get the models as they are.
    """
    if engine != "dask":
        return models
    import cloudpickle

    cloudpickle.register_pickle_by_value(fitcopy)
    return [fitcopy.FitsACopy(model) for model in models]


def _local(models: list[object], freq: str, n_jobs: int) -> Any:
    from statsforecast import StatsForecast

    return StatsForecast(models=models, freq=freq, n_jobs=n_jobs)


@contextmanager
def _quiet() -> Iterator[None]:
    """Fugue's grouping on Dask warns of a pandas deprecation in every task: not ours to act on.

    Filters are per process, so this quiets a cluster's threads in this process only.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "DataFrameGroupBy.apply operated", FutureWarning)
        yield


def _backend(fugue_engine: Any) -> Any:
    """statsforecast's ``FugueBackend``, with float64 results instead of its float32.

    Model selection ranks near-equal errors; rounded to float32 they could rank differently from
    a local run, and then a cluster would pick other models than this machine for the same data.
    """
    import pyarrow as pa
    from statsforecast.distributed.fugue import FugueBackend
    from triad import Schema

    class Float64Backend(FugueBackend):
        def _get_output_schema(self, **kwargs: Any) -> Schema:
            schema = super()._get_output_schema(**kwargs)
            return Schema(
                [
                    (f.name, pa.float64() if pa.types.is_floating(f.type) else f.type)
                    for f in schema.fields
                ]
            )

    return Float64Backend(fugue_engine)


def _gathered(result: Any, like: pl.DataFrame) -> pl.DataFrame:
    """A cluster's result as the polars frame a local run returns: same dtypes, same row order."""
    import fugue.api as fa

    frame = pl.from_pandas(fa.as_pandas(result))
    dates = like.schema["ds"]
    frame = frame.with_columns(
        pl.col("unique_id").cast(pl.String),
        *(pl.col(c).cast(dates) for c in ("ds", "cutoff") if c in frame.columns),
    )
    return frame.sort([k for k in KEYS if k in frame.columns])


def pandas_freq(freq: str) -> str:
    """polars' ``1d``/``1w`` as pandas offsets; a week as ``7D``, since pandas' ``W`` is Sunday-anchored.

    >>> pandas_freq("1d"), pandas_freq("1w"), pandas_freq("2w")
    ('1D', '7D', '14D')
    """
    match = re.fullmatch(r"(\d*)([dw])", freq)
    if match is None:
        return freq
    count = int(match[1] or 1) * (7 if match[2] == "w" else 1)
    return f"{count}D"


@contextmanager
def open_engine(name: str) -> Iterator[Engine]:
    """The named engine, connected or started for the duration of the ``with`` block."""
    if name == "local":
        yield LOCAL
        return
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    for module in NEEDS[name]:
        try:
            importlib.import_module(module)
        except ImportError:
            raise ConfigError(
                f"--engine {name} needs the {name} extra, which is not installed: "
                f"pip install 'icebergops[{name}]'"
            ) from None
    start = {"dask": _dask, "ray": _ray, "spark": _spark}[name]
    with start() as engine:
        yield engine


@contextmanager
def _dask() -> Iterator[Engine]:
    import dask
    from distributed import Client, LocalCluster
    from fugue_dask import DaskExecutionEngine

    address = dask.config.get("scheduler-address", None)  # DASK_SCHEDULER_ADDRESS
    # Fugue groups rows by series with a shuffle; by tasks, not peer to peer, which logs a warning
    # on every call.
    with _dask_quiet(), dask.config.set({"dataframe.shuffle.method": "tasks"}):
        if address:
            try:
                client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as err:
                raise ConfigError(
                    f"cannot reach the Dask scheduler at {address}: {err}",
                    hint="check DASK_SCHEDULER_ADDRESS, or unset it to start a local cluster",
                ) from None
            with client:
                yield Engine("dask", DaskExecutionEngine(dask_client=client), f"Dask at {address}")
            return
        # Threads in this process: no worker processes to start or data to copy between them, and
        # the status pages (always served) listen on the loopback only.
        loopback = "127.0.0.1:0"
        with (
            LocalCluster(
                processes=False, dashboard_address=loopback, worker_dashboard_address=loopback
            ) as cluster,
            Client(cluster) as client,
        ):
            threads = sum(w.state.nthreads for w in cluster.workers.values())
            where = f"a local Dask cluster ({threads} threads)"
            yield Engine("dask", DaskExecutionEngine(dask_client=client), where)


@contextmanager
def _dask_quiet() -> Iterator[None]:
    """Dask logs its every start and stop at INFO: shown with ``--verbose`` only, as ours are."""
    logger = logging.getLogger("distributed")
    before = logger.level
    logger.setLevel(_their_level())
    try:
        yield
    finally:
        logger.setLevel(before)


def _their_level() -> int:
    """The level for a cluster's own logs: ours (WARNING; INFO with ``--verbose``), never DEBUG."""
    return max(logging.getLogger().getEffectiveLevel(), logging.INFO)


@contextmanager
def _ray() -> Iterator[Engine]:
    import ray
    from fugue_ray import RayExecutionEngine

    level = _their_level()
    try:  # RAY_ADDRESS, when set, is read by ray.init itself
        context = ray.init(include_dashboard=False, log_to_driver=False, logging_level=level)
    except ConnectionError as err:
        raise ConfigError(
            f"cannot reach the Ray cluster: {err}",
            hint="check RAY_ADDRESS, or unset it to start a local Ray",
        ) from None
    data_logger = logging.getLogger("ray.data")  # a progress report every few seconds
    before = data_logger.level
    data_logger.setLevel(level)
    try:
        address = context.address_info.get("address", "a local Ray")
        yield Engine("ray", RayExecutionEngine(), f"Ray at {address}")
    finally:
        data_logger.setLevel(before)
        ray.shutdown()


@contextmanager
def _spark() -> Iterator[Engine]:
    from fugue_spark import SparkExecutionEngine
    from pyspark.sql import SparkSession

    verbose = _their_level() <= logging.INFO
    builder = (
        SparkSession.builder.appName("icebergops")
        .config("spark.log.level", "INFO" if verbose else "ERROR")
        .config("spark.ui.showConsoleProgress", "false")  # progress bars over our stderr
        .config("spark.ui.enabled", "false")  # a web page on every interface otherwise
    )
    try:  # Spark Connect ignores the options it cannot apply
        session = builder.getOrCreate()
    except Exception as err:  # Java missing, or SPARK_REMOTE unreachable: pyspark's own errors
        raise ConfigError(
            f"cannot start or reach Spark: {str(err).strip().splitlines()[0]}",
            hint="Spark needs Java 17 or later on PATH (or JAVA_HOME); check SPARK_REMOTE",
        ) from None
    try:
        master = session.conf.get("spark.master", "Spark Connect")
        yield Engine("spark", SparkExecutionEngine(session), f"Spark at {master}")
    finally:
        session.stop()
