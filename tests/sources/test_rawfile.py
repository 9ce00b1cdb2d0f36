"""Opening files as they really come: encodings, delimiters, and files no reader could use."""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from icebergops.errors import InputError, MissingInputError
from icebergops.sources import rawfile
from icebergops.sources.rawfile import LINE, count_lines, read_raw

WriteFile = Callable[..., Path]
ROWS = "sku,title,qty\nA-1,Café crème,2\nB-2,Pâte,3\n"


def message(err: pytest.ExceptionInfo[InputError]) -> str:
    return err.value.line()


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")],
)
def test_encodings_are_detected_and_decoded(
    write_file: WriteFile, encoding: str, prefix: bytes
) -> None:
    path = write_file("f.csv", prefix + ROWS.encode(encoding))
    raw = read_raw(path)
    assert raw.header == ("sku", "title", "qty")
    assert raw.frame["title"].to_list() == ["Café crème", "Pâte"]


def test_shift_jis_is_told_from_windows_1252(write_file: WriteFile) -> None:
    text = "sku,product-name,quantity\nJP-1,ステンレス製 水筒 500ml,1\nJP-2,東京 限定 タオル,2\n"
    raw = read_raw(write_file("jp.txt", text.encode("cp932")))
    assert raw.encoding == "cp932"
    assert raw.frame["product-name"][1] == "東京 限定 タオル"


def test_tab_and_semicolon_delimiters_and_gzip(write_file: WriteFile) -> None:
    tsv = write_file("f.txt", ROWS.replace(",", "\t"))
    semi = write_file("g.csv", gzip.compress(ROWS.replace(",", ";").encode()))
    assert read_raw(tsv).delimiter == "\t"
    raw = read_raw(semi)
    assert (raw.delimiter, raw.compressed, raw.frame["qty"].to_list()) == (";", True, ["2", "3"])


def test_stray_header_spaces_are_stripped(write_file: WriteFile) -> None:
    raw = read_raw(write_file("f.csv", "Order ID,Sales Channel ,Qty\n1,Amazon.in,2\n"))
    assert raw.header == ("Order ID", "Sales Channel", "Qty")


def test_line_numbers_follow_quoted_newlines(write_file: WriteFile) -> None:
    text = 'sku,body\nA,"one\ntwo\nthree"\nB,plain\n'
    raw = read_raw(write_file("f.csv", text))
    assert raw.frame[LINE].to_list() == [2, 5]
    assert raw.lines == 5


def test_a_line_break_after_the_first_search_slice_is_found(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rawfile, "LINE_BREAK_ROWS", 2)  # the cells are searched 2 rows at a time
    text = 'sku,body\nA,x\nB,y\nC,z\nD,"one\ntwo"\nE,w\n'
    raw = read_raw(write_file("f.csv", text))
    assert raw.frame[LINE].to_list() == [2, 3, 4, 5, 7]


def test_blank_lines_are_skipped_without_shifting_line_numbers(write_file: WriteFile) -> None:
    raw = read_raw(write_file("f.csv", "sku,qty\nA,1\n\nB,2\n"))
    assert raw.frame[LINE].to_list() == [2, 4]
    assert raw.blank_records == 1


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError) as err:
        read_raw(tmp_path / "nope.csv")
    assert message(err) == f"{tmp_path / 'nope.csv'}: file not found"
    assert err.value.exit_code == 66


def test_empty_file(write_file: WriteFile) -> None:
    path = write_file("empty.csv", "\n  \n")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == f"{path}: is empty"
    assert (
        err.value.hint
        == "export the report again; a file of your own (suppliers, purchase orders, events, stockouts) needs its header line"
    )


def test_binary_file(write_file: WriteFile) -> None:
    path = write_file("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == f"{path}: is a binary file, not CSV text (byte 8 is NUL)"


def test_excel_workbook(write_file: WriteFile) -> None:
    path = write_file("orders.csv", b"PK\x03\x04\x14\x00\x06\x00")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == f"{path}: is an Excel workbook or ZIP archive, not a CSV file"
    assert err.value.hint is not None and "save as CSV" in err.value.hint


def test_single_column_file(write_file: WriteFile) -> None:
    path = write_file("notes.csv", "just some words\nand more\n")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == (
        f"{path}:1: 'just some words' has a single column: "
        "no comma, tab, semicolon or pipe in its first line"
    )


def test_wrong_delimiter_given(write_file: WriteFile) -> None:
    path = write_file("f.csv", "sku;title;qty\nA;x;1\n")
    with pytest.raises(InputError) as err:
        read_raw(path, delimiter=",")
    assert message(err) == f"{path}:1: 'sku;title;qty' splits into a single column on comma"
    assert err.value.hint == "the file seems to use ';' as delimiter"


def test_truncated_last_line(write_file: WriteFile) -> None:
    path = write_file("cut.csv", "sku,title,qty\nA,x,1\nB,y")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == f"{path}:3: 'B,y' last line is truncated: 2 of 3 columns"
    assert err.value.hint == "the export or download was cut short; export the file again"


def test_truncated_inside_a_quote(write_file: WriteFile) -> None:
    path = write_file("cut.csv", 'sku,title,qty\nA,x,1\nB,"half a ti')
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert "last line is truncated: 2 of 3 columns and an unclosed quote" in message(err)


def test_a_line_with_too_many_cells(write_file: WriteFile) -> None:
    path = write_file("f.csv", "sku,title,qty\nA,x,1\nB,y,2,extra\n")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == f"{path}:3: has 4 cells where the header has 3"


def test_truncated_gzip_file(write_file: WriteFile) -> None:
    path = write_file("cut.csv.gz", gzip.compress(b"sku,title,qty\nA,x,1\nB,y"))
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert "last line is truncated: 2 of 3 columns" in message(err)


@pytest.mark.parametrize("kept", [0.5, 0.02])  # cut within the data, and within its head
def test_a_gzip_file_cut_short_is_damaged_not_an_internal_error(
    write_file: WriteFile, kept: float
) -> None:
    text = "".join(f"SKU-{n},title {n},{n % 5}\n" for n in range(20_000))
    packed = gzip.compress(("sku,title,qty\n" + text).encode(), mtime=0)
    path = write_file("cut.csv.gz", packed[: int(len(packed) * kept)])
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == (
        f"{path}: is a damaged gzip file: it ends before its compressed data does, or is corrupted"
    )


def test_gzip_in_windows_1252(write_file: WriteFile) -> None:
    raw = read_raw(write_file("f.csv.gz", gzip.compress(ROWS.encode("cp1252"))))
    assert (raw.encoding, raw.compressed) == ("cp1252", True)
    assert raw.frame["title"].to_list() == ["Café crème", "Pâte"]


def test_line_numbers_in_a_gzip_file_with_quoted_newlines(write_file: WriteFile) -> None:
    text = b'sku,body\nA,"one\ntwo"\nB,plain\n'
    raw = read_raw(write_file("f.csv.gz", gzip.compress(text)))
    assert raw.frame[LINE].to_list() == [2, 4]


def test_a_header_without_lines_is_an_empty_table(write_file: WriteFile) -> None:
    raw = read_raw(write_file("f.csv", "sku,title,qty\n"))
    assert (raw.frame.height, raw.header) == (0, ("sku", "title", "qty"))
    assert raw.frame.columns == ["sku", "title", "qty", LINE]


def test_tab_files_without_quoting_keep_stray_quotes_as_text(write_file: WriteFile) -> None:
    text = 'id\ttitle\tqty\n1\t"Big pan\t1\n2\tpan\t1\n3\tpan 12"\t1\n4\tpot\t1'
    raw = read_raw(write_file("flat.txt", text))
    assert raw.frame["title"].to_list() == ['"Big pan', "pan", 'pan 12"', "pot"]
    assert raw.frame[LINE].to_list() == [2, 3, 4, 5]


def test_quoting_tab_files_are_still_unquoted(write_file: WriteFile) -> None:
    raw = read_raw(write_file("excel.txt", 'id\ttitle\n1\t"a\tb"\n2\t"c"\n'))
    assert raw.frame["title"].to_list() == ["a\tb", "c"]


def test_a_multi_line_last_record_without_final_newline_is_complete(write_file: WriteFile) -> None:
    raw = read_raw(write_file("f.csv", 'sku,body\nA,x\nB,"one\ntwo"'))
    assert raw.frame["body"].to_list() == ["x", "one\ntwo"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [(b"a\nbb\nccc\n", 3), (b"a\nbb\n\nccc", 4), (b"a\nbbbb\n", 2), (b"abcd\nxyz", 2)],
)
def test_lines_are_counted_across_chunks_in_bytes_files_and_gzip(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch, text: bytes, lines: int
) -> None:
    monkeypatch.setattr(rawfile, "COUNT_CHUNK", 4)  # every line feed near a chunk's edge
    plain, packed = write_file("f.csv", text), write_file("g.csv", gzip.compress(text))
    assert (count_lines(text), count_lines(plain), count_lines(packed)) == (lines,) * 3


def test_classic_mac_line_ends_are_lines(write_file: WriteFile) -> None:
    """Excel's "CSV (Macintosh)" ends lines in a carriage return alone."""
    raw = read_raw(write_file("mac.csv", ROWS.replace("\n", "\r")))
    assert raw.frame["qty"].to_list() == ["2", "3"]
    assert raw.frame[LINE].to_list() == [2, 3]


def test_a_truncated_mac_file_names_its_last_line(write_file: WriteFile) -> None:
    path = write_file("mac.csv", "sku,title,qty\rA,x,1\rB,y")
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert message(err) == f"{path}:3: 'B,y' last line is truncated: 2 of 3 columns"


@pytest.mark.parametrize("compressed", [False, True])
def test_a_fifo_is_read_once(tmp_path: Path, compressed: bool) -> None:
    """A named pipe (or `<(zcat orders.csv.gz)`) can be read once only: the reader may not
    open it a second time, which would wait for a writer for ever."""
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    content = gzip.compress(ROWS.encode()) if compressed else ROWS.encode()

    def feed() -> None:
        with fifo.open("wb") as handle:
            handle.write(content)

    read: list[rawfile.RawTable] = []
    threads = [
        threading.Thread(target=feed, daemon=True),
        threading.Thread(target=lambda: read.append(read_raw(fifo)), daemon=True),
    ]
    for thread in threads:
        thread.start()
    threads[1].join(timeout=30)  # a second open would block: fail, rather than hang the tests
    assert read, "the reader did not return: it opened the pipe again"
    raw = read[0]
    assert (raw.compressed, raw.frame["title"].to_list()) == (compressed, ["Café crème", "Pâte"])
    assert raw.frame[LINE].to_list() == [2, 3]
