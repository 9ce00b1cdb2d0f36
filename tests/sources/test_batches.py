"""Large files read in batches give exactly what one read gives, findings merged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from icebergops.errors import InputError
from icebergops.sources import batches, read_source

WriteFile = Callable[..., Path]
HEADER = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Currency,Cancelled at\n"


def orders_text(count: int) -> str:
    lines = [HEADER]
    for n in range(count, 0, -1):
        day = 1 + n % 28
        lines.append(f"#{n},2024-02-{day:02d} 10:00:00 -0500,{1 + n % 3},Mug,MUG-{n % 7},USD,\n")
        if n % 4 == 0:  # a second line: order cells only on the first
            lines.append(f"#{n},2024-02-{day:02d} 10:00:00 -0500,1,Hat,,,\n")
    return "".join(lines)


def test_batches_equal_one_read_and_keep_orders_whole(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file("orders_export.csv", orders_text(1000))
    whole = read_source(path)
    monkeypatch.setattr(batches, "BATCH_THRESHOLD", 0)
    monkeypatch.setattr(batches, "BATCH_ROWS", 97)  # cuts orders in two at batch ends
    batched = read_source(path)
    assert batched.raw.batch_records == whole.raw.records == 1250
    assert_frame_equal(batched.table, whole.table)
    assert batched.table.filter(batched.table["sku"] == "Hat")["currency"].null_count() == 0
    (empty_sku,) = batched.findings
    assert (empty_sku.count, empty_sku.lines) == (250, whole.findings[0].lines)


def test_a_cell_spanning_lines_falls_back_to_one_read(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = orders_text(50).replace("Mug,MUG-3", '"Mug\nwith a note",MUG-3', 1)
    path = write_file("orders_export.csv", text)
    monkeypatch.setattr(batches, "BATCH_THRESHOLD", 0)
    monkeypatch.setattr(batches, "BATCH_ROWS", 10)
    batched = read_source(path)
    monkeypatch.setattr(batches, "BATCH_THRESHOLD", 10**12)
    whole = read_source(path)
    assert_frame_equal(batched.table, whole.table)
    assert batched.findings == whole.findings


def test_batches_see_truncation_blank_lines_and_bad_lines(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "BATCH_THRESHOLD", 0)
    monkeypatch.setattr(batches, "BATCH_ROWS", 7)
    cut = write_file("cut.csv", orders_text(20) + "#0,2024-02-01 10:00:00 -0500,1")
    with pytest.raises(InputError, match="last line is truncated"):
        read_source(cut)
    wide = write_file(
        "wide.csv", orders_text(20).replace("Mug,MUG-3,USD,", "Mug,MUG-3,USD,,extra", 1)
    )
    with pytest.raises(InputError, match="cells where the header has 7"):
        read_source(wide)
    text = orders_text(20)
    blank = write_file("blank.csv", text.replace("\n", "\n\n", 3))
    assert [f.kind for f in read_source(blank).findings] == ["empty_sku"]
    assert read_source(blank).table.height == read_source(write_file("ok.csv", text)).table.height


def test_a_day_over_12_in_a_later_batch_settles_month_first(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch's dates, all on days 1 to 12, read both ways: the file was refused,
    although a single read of it finds 13 March further down and reads it month-first."""
    lines = [HEADER]
    for n in range(1, 301):
        day = 1 + n // 25  # days 1 to 13 of March, in order
        lines.append(f"#{n},03/{day:02d}/2023 10:00,1,Mug,MUG,USD,\n")
    path = write_file("orders_export.csv", "".join(lines))
    whole = read_source(path)
    assert whole.table["order_date"].max().isoformat() == "2023-03-13"
    monkeypatch.setattr(batches, "BATCH_THRESHOLD", 0)
    monkeypatch.setattr(batches, "BATCH_ROWS", 97)
    assert_frame_equal(read_source(path).table, whole.table)
    ambiguous = write_file("twelve.csv", "".join(lines[:251]))  # up to 11 March: either way
    with pytest.raises(InputError, match="reads both as"):
        read_source(ambiguous)
