"""YAML as ``icebergops.yaml`` is read: the safe loader, refusing a key given twice in a mapping
(plain YAML keeps the last one without a word); the parsed YAML built into frozen dataclasses,
refusing unknown keys and wrong types; and the line a key path is on, for error messages."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

import yaml

from icebergops.errors import ConfigError, Where


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping holds the same key twice; plain YAML keeps the last one without a word."""

    def __init__(self, key: str, line: int, first_line: int) -> None:
        super().__init__(problem=f"{key}: given twice (first on line {first_line})")
        self.key, self.line, self.first_line = key, line, first_line


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping, naming its path
    (``sources[0].columns.order_id``) and both lines."""

    def construct_document(self, node: yaml.Node) -> Any:
        self.paths = _paths(node)
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # keys merged in with `<<:` may be overridden: that is what it is for
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # an unhashable key: the SafeLoader's own error says so
                break
            if first is not key_node:
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else key
                raise DuplicateKeyError(
                    _join(self.paths.get(id(node), ""), str(written)),
                    line=key_node.start_mark.line + 1,
                    first_line=first.start_mark.line + 1,
                )
        return super().construct_mapping(node, deep=deep)


def _paths(root: yaml.Node) -> dict[int, str]:
    """Each mapping's key path (``sources[0].columns``; ``""`` for the top level), by node id."""
    paths: dict[int, str] = {}
    todo: list[tuple[yaml.Node, str]] = [(root, "")]
    while todo:
        node, path = todo.pop()
        if id(node) in paths:  # an alias of a node met already (which may hold itself)
            continue
        paths[id(node)] = path
        # pushed last to first, so that the file is walked top down and an anchor (`&x`)
        # is met before its aliases: a mapping's path is where its keys are written
        if isinstance(node, yaml.MappingNode):
            todo += [(value, _join(path, str(key.value))) for key, value in node.value][::-1]
        elif isinstance(node, yaml.SequenceNode):
            todo += [(item, f"{path}[{i}]") for i, item in enumerate(node.value)][::-1]
    return paths


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def line_of(text: str, key: str) -> int | None:
    """The line of ``key`` (``restock.service_level``, ``sources[0].columns.sku``) in the YAML
    ``text``: of the deepest part of it that the file has.

    >>> line_of("store:\\n  name: x\\nrestock:\\n  review_days: 0\\n", "restock.review_days")
    4
    >>> line_of("sources:\\n  - kind: x\\n    columns: {}\\n", "sources[0].columns")
    3
    """
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not found:
                break
            line, node = found[0][0].start_mark.line + 1, found[0][1]
        elif isinstance(node, yaml.SequenceNode) and part.startswith("["):
            index = int(part[1:-1])
            if index >= len(node.value):
                break
            node = node.value[index]
            line = node.start_mark.line + 1
        else:
            break
    return line


def build(hint: Any, raw: object, key: str, source: Path | str, skip: tuple[str, ...] = ()) -> Any:
    """``raw`` (parsed YAML) as the type ``hint``: frozen dataclasses, tuples, mappings and
    scalars, strictly; an unknown key, a missing one or a wrong type is a :class:`ConfigError`
    naming the key's path (``key``: where ``raw`` is in the file, ``""`` at the top; ``skip``:
    fields of the top dataclass that are no YAML keys)."""
    here = key or "top level"
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if raw is None and type(None) in options:
            return None
        (inner,) = [option for option in options if option is not type(None)]
        return build(inner, raw, key, source)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(raw, dict):
            raise _wrong_type(here, "a mapping", raw, source)
        hints = typing.get_type_hints(hint)
        names = {f.name for f in dataclasses.fields(hint) if f.name not in skip}
        unknown = sorted(set(map(str, raw)) - names)
        if unknown:
            raise ConfigError(
                f"{_join(key, unknown[0])}: unknown key",
                where=Where(file=source),
                hint=f"known keys here: {', '.join(sorted(names))}",
            )
        values = {
            name: build(hints[name], value, _join(key, name), source) for name, value in raw.items()
        }
        try:
            return hint(**values)
        except TypeError as err:
            missing = str(err).split("argument")[-1].strip(": ")
            raise ConfigError(f"{here}: missing key {missing}", where=Where(file=source)) from err
    if origin is tuple:
        if not isinstance(raw, list):
            raise _wrong_type(here, "a list", raw, source)
        (inner,) = typing.get_args(hint)[:1]
        return tuple(build(inner, item, f"{key}[{i}]", source) for i, item in enumerate(raw))
    if origin is Mapping or origin is dict:
        if not isinstance(raw, dict):
            raise _wrong_type(here, "a mapping", raw, source)
        _, value_hint = typing.get_args(hint)
        return {str(k): build(value_hint, v, _join(key, str(k)), source) for k, v in raw.items()}
    return _scalar(hint, raw, here, source)


def _scalar(hint: Any, raw: object, here: str, source: Path | str) -> Any:
    if hint is float and isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if hint is int and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if hint is bool and isinstance(raw, bool):
        return raw
    if hint is str and isinstance(raw, str | int | float) and not isinstance(raw, bool):
        return str(raw)
    if hint is Path and isinstance(raw, str):
        return Path(raw)
    raise _wrong_type(here, f"a {_type_name(hint)}", raw, source)


def _wrong_type(here: str, wanted: str, raw: object, source: Path | str) -> ConfigError:
    return ConfigError(
        f"{here}: expected {wanted}, got {type(raw).__name__} {raw!r}", where=Where(file=source)
    )


def _type_name(hint: object) -> str:
    return getattr(hint, "__name__", str(hint)).replace("NoneType", "null")
