"""icebergops: back-office intelligence for online sellers, from the CSV exports they already have.

The Python API mirrors the command line::

    from icebergops import read_source, read_table
    orders = read_table([Path("orders_export.csv")], "order_lines")
"""

from __future__ import annotations

__version__ = "0.1.0"

from icebergops.config import Config, load_config
from icebergops.errors import ConfigError, IcebergOpsError, InfeasibleError, InputError
from icebergops.outputs import write_table
from icebergops.sources import ReadOptions, Source, read_source, read_table

__all__ = [
    "Config",
    "ConfigError",
    "IcebergOpsError",
    "InfeasibleError",
    "InputError",
    "ReadOptions",
    "Source",
    "__version__",
    "load_config",
    "read_source",
    "read_table",
    "write_table",
]
