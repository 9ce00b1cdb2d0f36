"""Inventory: lead times, ABC/XYZ classes, safety stock, the restock plan, supplier minimums and
the budget fit.

Pure functions of polars frames; the ``restock`` command wires them to files.
"""

from icebergops.inventory.budget import deferred, fit_budget
from icebergops.inventory.classes import abc_classes, abc_xyz, service_levels, xyz_classes
from icebergops.inventory.explain import explain
from icebergops.inventory.leadtime import (
    incoming_units,
    lead_times,
    learn_lead_times,
    supplier_terms,
)
from icebergops.inventory.minimums import supplier_minimums, top_up_to_minimums
from icebergops.inventory.policy import PLAN_COLUMNS, plan_restock

__all__ = [
    "PLAN_COLUMNS",
    "abc_classes",
    "abc_xyz",
    "deferred",
    "explain",
    "fit_budget",
    "incoming_units",
    "lead_times",
    "learn_lead_times",
    "plan_restock",
    "service_levels",
    "supplier_minimums",
    "supplier_terms",
    "top_up_to_minimums",
    "xyz_classes",
]
