"""A statsforecast model for cluster tasks that share it: each fit is the fit of a copy.

Kept apart from :mod:`demand.engines` so that it can be sent to a cluster by value
(``cloudpickle.register_pickle_by_value``): the workers need statsforecast, not icebergops.
"""

from __future__ import annotations

from typing import Any


class FitsACopy:
    """A statsforecast model whose ``fit`` fits a copy and returns it, leaving the model as it was.

    statsforecast's ``cross_validation(refit=False)`` fits each series with ``model.fit``, which
    fits the instance itself and returns it. A cluster whose workers run tasks on threads (Dask's,
    the local one icebergops starts included; see ``engines.cluster_models``) hands the same
    instances to series running at the same time, so one series could be run forward with
    another's fit: on the demo store one product total in about 40 runs got another's forecast
    (seen as a flat week where the local run had the weekly season). Everything else is the model's own.
    """

    def __init__(self, model: Any) -> None:
        self._inner = model  # not ``model``: AutoETS has an attribute of that name ("ZNZ")

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        return self._inner.new().fit(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "_inner":  # not set yet (while unpickling): no recursion through __getattr__
            raise AttributeError(name)
        return getattr(self._inner, name)

    def __repr__(self) -> str:  # statsforecast names each model's column by its repr
        return repr(self._inner)
