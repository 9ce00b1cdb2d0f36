"""YAML as ``icebergops.yaml`` is read: the safe loader, refusing a key given twice in a mapping
(plain YAML keeps the last one without a word)."""

from __future__ import annotations

from typing import Any

import yaml


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
