"""The fast path of the YAML reader builds exactly what PyYAML's constructor builds.

``parse_yaml`` builds documents without aliases directly from the composed nodes, and the
:class:`StrictResolver` answers libyaml's tag questions itself. Both are compared here with
PyYAML's own code on generated documents: the same data, the same Python types (``1`` and
``True`` are equal in Python, not in an intake), the same errors.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml._yaml import CParser

from seiteneinsteiger.errors import InputFileError
from seiteneinsteiger.yamlsource import (
    DuplicateKeyError,
    StrictConstructor,
    StrictLoader,
    StrictResolver,
    parse_yaml,
)


class _PyYamlResolver(StrictResolver):
    """The strict resolver's registry with PyYAML's own resolve, descend and ascend."""

    resolve = yaml.resolver.BaseResolver.resolve
    descend_resolver = yaml.resolver.BaseResolver.descend_resolver
    ascend_resolver = yaml.resolver.BaseResolver.ascend_resolver


class _PyYamlLoader(CParser, StrictConstructor, _PyYamlResolver):
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        StrictConstructor.__init__(self)
        _PyYamlResolver.__init__(self)


def _by_pyyaml(text: str, loader_class: type[Any] = _PyYamlLoader) -> Any:
    """The document as PyYAML's constructor builds it (the path before the fast one)."""
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def _typed(value: Any) -> Any:
    """``value`` with the type of every scalar next to it, so that 1 and True differ."""
    if isinstance(value, dict):
        return {_typed(key): _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, set):
        return ("set", sorted(map(repr, value)))
    return (type(value).__name__, value)


def _outcome(parse: Any, text: str) -> Any:
    try:
        return ("data", _typed(parse(text)))
    except (yaml.YAMLError, DuplicateKeyError, InputFileError) as exc:
        return ("error", type(exc).__name__)


#: Scalars as a user writes them: YAML 1.1 traps, explicit tags the fast path leaves to PyYAML.
RAW_SCALARS = [
    "NO", "yes", "on", "010", "0", "-0", "+5", "12", "1_000", "0x1F", "0o17", "8:30", "1e3",
    "1.5", ".inf", "~", "null", "Null", "NULL", "", "true", "True", "TRUE", "false", "FALSE",
    "fAlse", "2013-02-11", '"12"', "'true'", "ä ö ü", "a: b", "[1, 2]", "{a: 1}", "-",
    "!!int 010", "!!int 12", "!!int +12", "!!int 0x1F", "!!int 1_000", "!!bool yes",
    "!!bool true", "!!bool off", "!!str 12", "!!str", "!!null x", "!!null", "!!float 1.5",
    "!!binary aGVsbG8=", "!!timestamp 2013-02-11", "!!set {a, b}", "!!omap [a: 1]",
    "!!map {a: 1}", "!!seq [1]", "!unknown x", "!!python/name:os.system", "&a 1",
]  # fmt: skip

keys = st.one_of(st.sampled_from(["a", "b", "1", "true", "~", "NO", "010", "[x]", "{k: v}"]))
scalars = st.sampled_from(RAW_SCALARS)


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> str:
    """A YAML text (block or flow) built from the raw pieces above."""
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        return draw(scalars)
    if draw(st.booleans()):
        items = draw(st.lists(documents(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    pairs = draw(st.lists(st.tuples(keys, documents(depth + 1)), max_size=3))
    return "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"


@st.composite
def block_documents(draw: st.DrawFn) -> str:
    lines = []
    for key in draw(st.lists(keys, max_size=5)):
        value = draw(st.one_of(scalars, documents()))
        if draw(st.booleans()):
            lines.append(f"{key}:\n  - {value}\n  - {draw(scalars)}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


@settings(max_examples=400)
@given(st.one_of(documents(), block_documents()))
def test_parse_yaml_builds_what_pyyaml_builds(text: str) -> None:
    expected = _outcome(_by_pyyaml, text)
    got = _outcome(lambda t: parse_yaml(t, "t.yaml").data, text)
    if expected[0] == "error":  # the same file is refused (the message is tested elsewhere)
        assert got[0] == "error"
    else:
        assert got == expected


@settings(max_examples=300)
@given(st.one_of(documents(), block_documents()))
def test_resolver_gives_the_tags_pyyaml_gives(text: str) -> None:
    try:
        expected = _by_pyyaml(text)
    except (yaml.YAMLError, DuplicateKeyError) as exc:
        with pytest.raises(type(exc)):
            _by_pyyaml(text, StrictLoader)
        return
    assert _typed(_by_pyyaml(text, StrictLoader)) == _typed(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 010\nb: !!int 010\n", {"a": "010", "b": 8}),
        ("a: !!bool yes\nb: yes\nc: true\n", {"a": True, "b": "yes", "c": True}),
        ("a: !!float 1.5\nb: 1.5\n", {"a": 1.5, "b": "1.5"}),
        ("a: ~\nb: !!str 12\nc: 12\nd:\n", {"a": None, "b": "12", "c": 12, "d": None}),
        ("a: &x [1]\nb: *x\n", {"a": [1], "b": [1]}),
    ],
)
def test_tags_and_traps_keep_their_meaning(text: str, expected: dict[str, Any]) -> None:
    assert _typed(parse_yaml(text, "t.yaml").data) == _typed(expected)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "doppelter Schlüssel 'a'", 3),
        ("x:\n  ? [1, 2]\n  : v\n", "ungültiger Schlüssel", 2),
        ("a: !!python/name:os.system\n", "could not determine a constructor", 1),
    ],
)
def test_errors_name_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_yaml(text, "t.yaml")
    assert message in caught.value.message
    assert caught.value.problems[0].line == line
