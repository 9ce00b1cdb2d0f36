"""``icebergops inspect FILE...``: what each file is, what it holds, and what is wrong with it."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from icebergops.cli.console import counted, stderr_console
from icebergops.cli.options import (
    ConfigOption,
    EncodingOption,
    KindOption,
    OutputOption,
    SnapshotDateOption,
)
from icebergops.config import load_config
from icebergops.errors import EXIT_DATA, IcebergOpsError, UsageError, Where
from icebergops.inspection import summarize
from icebergops.outputs import (
    DATA_SUFFIXES,
    not_an_input,
    table_into_data_file,
    write_stdout,
    write_table,
    write_text,
)
from icebergops.sources import layouts_for, read_options, read_source

FACTS = [
    "format",
    "version",
    "encoding",
    "delimiter",
    "lines",
    "file_lines",
    "rows",
    "orders",
    "events",
    "skus",
    "names_as_skus",
    "suppliers",
    "open_lines",
    "units",
    "date_from",
    "date_to",
    "as_of",
    "currencies",
    "countries",
    "channels",
    "locations",
    "statuses",
    "fulfilment",
    "on_hand",
    "available",
    "errors",
    "warnings",
]


def inspect_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILES", help="Exports to inspect (CSV, TSV, .gz)."),
    ] = None,
    kind: KindOption = None,
    config: ConfigOption = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="json, table, csv or xlsx (default: table on a terminal, JSON when piped, else "
            "the --output suffix; .txt is a table, CSV and XLSX list the findings).",
        ),
    ] = None,
    output: OutputOption = None,
    as_of: SnapshotDateOption = None,
    encoding: EncodingOption = None,
    kinds: Annotated[
        bool, typer.Option("--kinds", help="List the layouts icebergops reads.")
    ] = False,
) -> None:
    """Detect each file's layout and report its contents and data-quality findings, with line numbers."""
    not_an_input([output], files or [])
    _format(fmt, output)  # a wrong --format fails before the files are read
    settings = load_config(config)
    if kinds:
        _print_kinds(settings, fmt, output)
        return
    if not files:
        raise typer.BadParameter("give at least one file", param_hint="FILES")
    options = read_options(settings, as_of=as_of.date() if as_of else None)
    reports, exit_code = [], 0
    for path in files:
        try:
            source = read_source(
                path,
                kind=kind,
                config=settings,
                options=options,
                encoding=encoding,
                all_columns=True,
            )
            reports.append(summarize(source))
        except IcebergOpsError as err:
            reports.append({"file": str(path), "error": err.line(), "hint": err.hint})
            exit_code = exit_code or err.exit_code
    _write(reports, fmt, output)
    if exit_code:
        raise typer.Exit(exit_code)
    refused = [r for r in reports if r.get("errors")]
    for report in refused:  # the other commands stop at the first of them: say so, and exit 65
        stderr_console().print(
            f"error: {report['file']}: {counted(report['errors'], 'error-level finding')}; forecast, "
            "restock and the other commands refuse the file until they are fixed",
            markup=False,
            soft_wrap=True,
        )
    if refused:
        raise typer.Exit(EXIT_DATA)


def _format(fmt: str | None, output: Path | None) -> str:
    """JSON for machines (piped, or ``--output x.json``), tables for people (terminal, ``.txt``);
    CSV and XLSX hold the findings, one row each, for a spreadsheet."""
    suffix = None if output is None else output.suffix.lower().lstrip(".")
    by_suffix = {"txt": "table", "csv": "csv", "xlsx": "xlsx"}.get(suffix or "", "json")
    known = ("", "txt", "json", "csv", "xlsx")
    device = output is not None and output.exists() and not output.is_file()  # a pipe: JSON
    if output is not None and fmt is None and suffix not in known and not device:
        raise UsageError(
            f"cannot tell the format from the name: {output.suffix} is not .json, .txt, "
            ".csv or .xlsx",
            where=Where(file=output),
            hint="name a .json, .txt, .csv or .xlsx file, or give --format",
        )
    chosen = fmt or (by_suffix if output is not None else None)
    chosen = chosen or ("table" if sys.stdout.isatty() else "json")
    if chosen not in ("json", "table", "csv", "xlsx"):
        raise UsageError(f"unknown format {chosen!r}", hint="use --format json, table, csv or xlsx")
    if chosen == "table" and output is not None and output.suffix.lower() in DATA_SUFFIXES:
        raise table_into_data_file(output)  # the terminal's tables in a .xlsx: no spreadsheet
    return chosen


def _write(reports: list[dict[str, Any]], fmt: str | None, output: Path | None) -> None:
    chosen = _format(fmt, output)
    if chosen in ("csv", "xlsx"):
        write_table(_findings_frame(reports), output, chosen)
    else:
        text = _json(reports) if chosen == "json" else _tables(reports, output)
        _put(text, output)
    stderr = stderr_console()
    for report in reports:  # in every format: a job reading only stderr learns it too
        if "error" in report:
            stderr.print(f"error: {report['error']}", markup=False, soft_wrap=True)
            if report.get("hint"):
                stderr.print(f"hint: {report['hint']}", markup=False, soft_wrap=True)


def _json(reports: list[dict[str, Any]]) -> str:
    return json.dumps(reports, indent=1, ensure_ascii=False) + "\n"


def _tables(reports: list[dict[str, Any]], output: Path | None) -> str:
    def draw(console: Console) -> None:
        for report in reports:
            _print_report(console, report)

    return _rendered(draw, output)


def _rendered(draw: Callable[[Console], None], output: Path | None) -> str:
    """What ``draw`` prints, as text: in colour for a terminal, plain for a file or a pipe."""
    buffer = io.StringIO()
    terminal = output is None and sys.stdout.isatty()
    draw(Console(file=buffer, width=max(100, Console().width), force_terminal=terminal))
    return buffer.getvalue()


def _put(text: str, output: Path | None) -> None:
    """``text`` to stdout, or written to ``output``."""
    if output is None:
        write_stdout(text)  # a full disk: exit 73, as with --output
    else:
        write_text(text, output)


def _print_report(console: Console, report: dict[str, Any]) -> None:
    if "error" in report:
        console.print(Text.assemble((report["file"], "bold"), ": ", ("could not be read", "red")))
        return
    facts = Table(title=Text(report["file"]), show_header=False, title_justify="left")
    facts.add_column("fact", style="bold")
    facts.add_column("value")
    for name in FACTS:
        if report.get(name) not in (None, [], {}):
            facts.add_row(name.replace("_", " "), Text(_shown(report[name])))
    console.print(facts)
    if report["findings"]:
        console.print(_findings_table(report["findings"]))


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:,}" for k, v in value.items())
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


FINDING_COLUMNS = {
    "file": pl.String,
    "format": pl.String,
    "severity": pl.String,
    "finding": pl.String,
    "count": pl.Int64,
    "column": pl.String,
    "first_value": pl.String,
    "lines": pl.String,
    "hint": pl.String,
}


def _findings_frame(reports: list[dict[str, Any]]) -> pl.DataFrame:
    """One row per finding (a file that could not be read: one error row), for CSV and XLSX."""
    rows: list[dict[str, Any]] = []
    for report in reports:
        if "error" in report:
            rows.append(
                {"file": report["file"], "severity": "error", "finding": report["error"]}
                | {"count": 1, "hint": report.get("hint")}
            )
            continue
        for f in report["findings"]:
            more = " …" if f["count"] > len(f["lines"]) > 0 else ""
            rows.append(
                {
                    "file": report["file"],
                    "format": report.get("format"),
                    "severity": f["severity"],
                    "finding": f["message"],
                    "count": f["count"],
                    "column": f["column"],
                    "first_value": f["value"],
                    "lines": ", ".join(map(str, f["lines"])) + more or None,
                    "hint": f.get("hint"),
                }
            )
    return pl.DataFrame(
        [{name: row.get(name) for name in FINDING_COLUMNS} for row in rows],
        schema=FINDING_COLUMNS,
    )


def _findings_table(findings: list[dict[str, Any]]) -> Table:
    table = Table(title="findings", title_justify="left")
    for name in ("severity", "what", "count", "column", "first value", "lines"):
        table.add_column(name, justify="right" if name == "count" else "left")
    for f in findings:
        style = {"error": "red", "warning": "yellow"}.get(f["severity"], "dim")
        lines = ", ".join(map(str, f["lines"])) + (" …" if f["count"] > len(f["lines"]) > 0 else "")
        said = f["message"] + (f" ({f['hint']})" if f.get("hint") else "")
        table.add_row(
            Text(f["severity"], style=style),
            Text(said),
            f"{f['count']:,}",
            Text(f["column"] or ""),
            Text("" if f["value"] is None else repr(f["value"])[:40]),
            lines,
        )
    return table


def _print_kinds(settings: Any, fmt: str | None, output: Path | None) -> None:
    """The layouts: a table on a terminal, JSON when piped, as the reports are."""
    rows = [
        {
            "kind": layout.kind,
            "format": layout.label,
            "table": layout.table,
            "required_columns": sorted(layout.required),
        }
        for layout in layouts_for(settings)
    ]
    chosen = _format(fmt, output)
    if chosen in ("csv", "xlsx"):
        frame = pl.DataFrame(rows).with_columns(pl.col("required_columns").list.join(", "))
        write_table(frame, output, chosen)
        return
    if chosen == "json":
        text = _json(rows)
    else:
        table = Table(title="layouts icebergops reads")
        for name in ("kind", "format", "table", "required columns"):
            table.add_column(name)
        for row in rows:
            table.add_row(
                *[str(v) for v in list(row.values())[:3]], ", ".join(row["required_columns"])
            )
        text = _rendered(lambda console: console.print(table), output)
    _put(text, output)
