"""Shared fixtures: the real data folder (``../shared/data``) and small file writers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The real exports; tests using this are skipped where the folder is absent (a fresh clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data folder {SHARED_DATA} is absent (it sits beside the repository in CI)"
        )
    return SHARED_DATA


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in a temporary folder and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


# what `forecast` and `restock` say of ``spiked_retail``'s file
SPIKE_WARNING = (
    "warning: 1 SKU sold over half of its last year's units in a single day (a wholesale "
    "order?), e.g. 22222: 200 of 259 on 2011-01-31"
)


@pytest.fixture
def spiked_retail(write_file: Callable[..., Path]) -> tuple[Path, Path, str]:
    """An Online Retail-style file, its config and the warning it earns: 22222 sold 200 units
    in one day of 60."""
    config = Path(__file__).parents[1] / "examples" / "online_retail.yaml"
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    for i in range(60):
        day = date(2011, 1, 1) + timedelta(days=i)
        rows.append(f"{1000 + i},11111,MUG,2,{day} 10:00:00,2.5,17850,United Kingdom")
        units = 200 if i == 30 else 1
        rows.append(f"{1000 + i},22222,BOWL,{units},{day} 10:00:00,3.5,17850,United Kingdom")
    return write_file("retail.csv", "\n".join(rows) + "\n"), config, SPIKE_WARNING
