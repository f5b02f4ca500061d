"""Property tests: whatever a user does to a valid intake, the loader answers calmly.

Any mutation of a valid intake file (a changed value of any type, a deleted key, an unknown key,
a broken byte) either validates or yields located problems: never an exception.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.models.intake import Intake

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "intakes").glob("*.yaml"))
BASES: list[dict[str, Any]] = [yaml.load(p.read_text(), Loader=yaml.SafeLoader) for p in EXAMPLES]
TODAY = dt.date(2026, 11, 23)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["NO", "yes", "010", "8:30", "2013-02-30", "B3", "ar", "=1+1", "1e3", "~"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def mutated_intakes(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(BASES)), default=str))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(data)))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(values)
        if not isinstance(data, dict):  # pragma: no cover - the root is never replaced
            break
    return data


def _check(path: Path, name: str) -> None:
    results = load_intake_file(path, name, today=TODAY)
    assert results
    for result in results:
        if result.ok:
            assert isinstance(result.intake, Intake)
        for problem in result.problems:
            assert problem.file == name and problem.message
            assert problem.render().startswith(name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_intakes(), st.sampled_from(["yaml", "json"]))
def test_any_mutation_validates_or_fails_cleanly(data: dict[str, Any], kind: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"case.{kind}"
        if kind == "yaml":
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        else:
            path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        _check(path, path.name)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EXAMPLES), st.data())
def test_any_byte_damage_fails_cleanly(example: Path, data: st.DataObject) -> None:
    raw = bytearray(example.read_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw[position] = data.draw(st.integers(min_value=0, max_value=255))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.yaml"
        path.write_bytes(bytes(raw))
        _check(path, "damaged.yaml")


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(EXAMPLES))
def test_valid_examples_survive_a_yaml_and_json_round_trip(example: Path) -> None:
    [original] = load_intake_file(example, example.name, today=TODAY)
    assert original.intake is not None
    dumped = original.intake.model_dump(mode="json", exclude_defaults=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "again.json"
        path.write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
        [again] = load_intake_file(path, "again.json", today=TODAY)
    assert again.intake == original.intake
