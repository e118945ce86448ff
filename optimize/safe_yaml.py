"""The one safe YAML loader for scenario text (files, the input workbook's YAML cells):
:class:`ScenarioLoader`, a ``yaml.SafeLoader`` with no tags that build objects, at most
:data:`MAX_ALIASES` alias uses, :data:`MAX_DEPTH` levels of nesting and :data:`MAX_NODES` values
once aliases are expanded (counted on the composed node graph, so an alias bomb is refused
before anything expands it), no key twice in one mapping; files over
:data:`MAX_SCENARIO_BYTES` are refused unread (optimize.scenario.load_scenario).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_SCENARIO_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_DEPTH = 30
MAX_NODES = 100_000


class ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that refuses alias bombs, deep nesting and repeated keys while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} alias uses (*name)", mark
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool):
                continue  # unhashable keys are refused by the base class
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """Parse scenario YAML text with :class:`ScenarioLoader`. Raises yaml.YAMLError.

    >>> parse_yaml("a: &x [1, 2]\\nb: *x")
    {'a': [1, 2], 'b': [1, 2]}
    """
    loader = ScenarioLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            size = _expanded_size(node, {}, set())
        except RecursionError:
            raise yaml.composer.ComposerError(
                None, None, "aliases nested too deeply", node.start_mark
            ) from None
        if size > MAX_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases expand to {size:,} values (most {MAX_NODES:,}): refused as an alias bomb",
                node.start_mark,
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """Number of values ``node`` stands for once every alias is expanded."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise yaml.composer.ComposerError(
            None, None, "an alias refers to the value that contains it", node.start_mark
        )
    active.add(key)
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(c, memo, active) for c in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(
            _expanded_size(k, memo, active) + _expanded_size(v, memo, active) for k, v in node.value
        )
    else:
        size = 1
    active.discard(key)
    memo[key] = size
    return size
