"""Pydantic validation errors as located, readable problems: union branches dropped from key
paths, the branch that got furthest kept, the model a key belongs to found for suggestions
(used by optimize.scenario.validation_problems).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def _union_tag(part: object) -> bool:
    """A location part naming a branch of a union (``float``, ``list[str]``,
    ``literal['critical']``, ``MinOf``), not a key."""
    return isinstance(part, str) and (
        part in ("float", "int", "str", "bool", "dict", "list", "none")
        or "[" in part
        or part in _model_names(BaseModel)
    )


def _model_names(cls: type) -> set[str]:
    """Names of every pydantic model class (a union branch that is a model is named so)."""
    names = set()
    for sub in cls.__subclasses__():
        names.add(sub.__name__)
        names |= _model_names(sub)
    return names


def _without_union_branches(errors: list[Any]) -> list[dict[str, Any]]:
    """Pydantic reports a value that fits no branch of a union once per branch, the branch
    named in the location. Keep the branch that got furthest into the value (a NaN inside a
    likelihood path, not 'a path is not a number'), drop branch names from locations, and join
    the messages of branches that failed at the same key ("Input should be 'critical' or
    Input should be a valid list").

    >>> _without_union_branches([
    ...     {"loc": ("x", "float"), "msg": "a", "type": "t"},
    ...     {"loc": ("x", "dict[int,float]", 2025), "msg": "b", "type": "t"},
    ... ])
    [{'loc': ('x', 2025), 'msg': 'b', 'type': 't'}]
    """
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for e in errors:
        loc = tuple(e["loc"])
        first = next((i for i, part in enumerate(loc) if _union_tag(part)), len(loc))
        clean = tuple(part for part in loc if not _union_tag(part))
        groups.setdefault(loc[:first], []).append({**e, "loc": clean})
    out: list[dict[str, Any]] = []
    for group in groups.values():
        deepest = max(len(e["loc"]) for e in group)
        by_loc: dict[tuple[Any, ...], dict[str, Any]] = {}
        for e in group:
            if len(e["loc"]) < deepest:
                continue
            if e["loc"] in by_loc:
                kept = by_loc[e["loc"]]
                kept["msg"] = f"{kept['msg']} or {e['msg']}"
            else:
                by_loc[e["loc"]] = dict(e)
        out += by_loc.values()
    return out


def _model_at(loc: tuple[Any, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model whose fields a location's last key belongs to; list indices and mapping keys
    (not fields) are stepped over."""
    model = root
    for part in loc:
        field = None if isinstance(part, int) else model.model_fields.get(str(part))
        if field is None:
            continue
        found = _model_in(field.annotation)
        if found is None:
            return None
        model = found
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside a (possibly nested) type annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
