"""The ``icebergops`` command: one Typer app, one module per command, one place that reports errors."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from icebergops import __version__
from icebergops.cli.console import stderr_console
from icebergops.errors import EXIT_INTERNAL, IcebergOpsError, OutputError
from icebergops.outputs import created_count, remove_created, writing_stdout

app = typer.Typer(
    name="icebergops",
    help="Back-office intelligence for online sellers, from the CSV exports you already have.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # plain help and one-line usage errors: rich's boxes cut option help at 80 columns and
    # wrapped an --as-of typo in a four-line frame
    rich_markup_mode=None,
    context_settings={"max_content_width": 100},
)
stderr = stderr_console()
_state = {"debug": False}
F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn an :class:`IcebergOpsError` into ``error: …`` plus a hint on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = created_count()
        try:
            return command(*args, **kwargs)
        except IcebergOpsError as err:
            if _state["debug"]:
                remove_created(start)
                raise
            report(err)
            _remove_written(start)
            raise typer.Exit(err.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as err:  # a bug of ours: say so in one line, exit 70 (EX_SOFTWARE)
            if _state["debug"] or isinstance(err, typer.BadParameter):
                remove_created(start)
                raise
            stderr.print(
                f"error: internal error ({type(err).__name__}: {err})".splitlines()[0],
                markup=False,
                soft_wrap=True,
            )
            stderr.print("hint: run again with --debug and report the traceback", markup=False)
            _remove_written(start)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _remove_written(start: int) -> None:
    """A failed command's new files go: only complete outputs are left (see remove_created)."""
    removed = remove_created(start)
    if removed:
        files = "the file" if removed == 1 else f"the {removed} files"
        stderr.print(f"removed {files} this command had written before it failed")


def report(err: IcebergOpsError) -> None:
    stderr.print(f"error: {err.line()}", markup=False, soft_wrap=True)
    if err.hint:
        stderr.print(f"hint: {err.hint}", markup=False, soft_wrap=True)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"icebergops {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """icebergops: demand forecasts, restock plans and landed cost from Shopify and Amazon exports."""
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


class PlainCommand(typer.core.TyperCommand):
    """Help as Unix tools write it: ``Usage: icebergops restock [OPTIONS] ORDERS...`` and
    ``ORDERS  Order exports…``, where typer writes ``{ORDERS}...`` and ``ORDERS <list[Path]>``
    whatever the metavar says."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        rows: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and param.param_type_name in rows:
                name = _argument_name(param) if param.param_type_name == "argument" else record[0]
                rows[param.param_type_name].append((name, record[1]))
        for kind, title in (("argument", "Arguments"), ("option", "Options")):
            if rows[kind]:
                with formatter.section(title):
                    formatter.write_dl(rows[kind])


def _argument_name(param: Any) -> str:
    name = str(param.metavar or (param.name or "").upper())
    return f"{name}..." if param.nargs != 1 else name


def _register() -> None:
    from icebergops.cli import backtest, demo, forecast, inspect, restock, run

    commands: dict[str, Callable[..., Any]] = {
        "inspect": inspect.inspect_command,
        "forecast": forecast.forecast_command,
        "restock": restock.restock_command,
        "backtest": backtest.backtest_command,
        "run": run.run_command,
        "demo": demo.demo_command,
    }
    for name, command in commands.items():
        app.command(name, cls=PlainCommand)(reports_errors(command))


_register()


def main() -> None:
    """The console script: ``app`` with click's usage errors said the house's way, in two
    lines (``error: …`` and a hint), exit 2; stdout that cannot be written, exit 73."""
    try:
        code = _run_app()
    except OutputError as err:
        report(err)
        sys.exit(err.exit_code)
    except _CLICK_ERROR as err:
        if isinstance(err, _USAGE_ERROR) and type(err).__name__ != "NoArgsIsHelpError":
            # a bad value, an unknown option, a missing one (not a bare command: its help)
            context = getattr(err, "ctx", None)
            command = context.command_path if context is not None else "icebergops"
            stderr.print(f"error: {err.format_message()}", markup=False, soft_wrap=True)  # type: ignore[attr-defined]
            stderr.print(f"hint: see {command} --help", markup=False, soft_wrap=True)
        else:
            err.show()  # type: ignore[attr-defined]
        sys.exit(getattr(err, "exit_code", 2))
    except typer.Abort:
        stderr.print("aborted", markup=False)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _run_app() -> object:
    """``app``'s exit code. What click writes itself (the help, the version) into a stdout that
    cannot take it: an OutputError (exit 73), as data's is, or quiet for a closed pipe; under
    ``--debug``, whose commands let every error through, the traceback."""
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()
    except OSError as err:
        if _state["debug"]:
            raise
        with writing_stdout():  # a command's own OSErrors are reported inside it, without --debug
            raise err
        return 0  # the reader has gone (`| head -1`): it has what it wanted
    return code


# click's UsageError and ClickException, whichever click typer runs on (typer 0.2x vendors
# its own): the bases of typer.BadParameter
_USAGE_ERROR: type[Exception] = typer.BadParameter.__mro__[1]
_CLICK_ERROR: type[Exception] = typer.BadParameter.__mro__[2]
