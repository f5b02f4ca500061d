"""The files below a directory, their order and the names messages show for them.

``expand_paths`` names a file relative to the working directory when it lies at or below it and
by its absolute path otherwise, and orders the files as their paths sort. It works these out once
per directory instead of once per file; here they are compared with the plain computation (every
path sorted, ``os.path.relpath`` for each) for many working directories and ways of naming one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seiteneinsteiger.intake_io import _display, expand_paths

#: Names whose order differs between sorting paths by parts and sorting the plain strings
#: ("a-c.yaml" before "a/b.yaml" as text, after it by parts), upper case, umlauts, digits.
FILES = (
    "a-c.yaml",
    "a/b.yaml",
    "a/z/deep.yml",
    "A.yaml",
    "ä.yaml",
    "10.json",
    "9.jsonl",
    "b c.YAML",
    "sub.d/x.yaml",
    "..odd/y.yaml",
    ".hidden/h.yaml",
    ".h.yaml",
    "notes.txt",
    "r.tests.yaml",
)


def _plain(path: Path) -> list[tuple[Path, str]]:
    if not path.is_dir():
        return [(path, _display(path))]
    found = []
    for root, directories, names in os.walk(path):
        directories[:] = [name for name in directories if not name.startswith(".")]
        for name in names:
            if (
                not name.startswith(".")
                and name.lower().endswith((".yaml", ".yml", ".json", ".jsonl"))
                and not name.endswith((".tests.yaml", ".tests.yml"))
            ):
                found.append(Path(root) / name)
    return [(candidate, _display(candidate)) for candidate in sorted(found)]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    top = tmp_path / "intakes"
    for name in FILES:
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("x")
    (tmp_path / "elsewhere").mkdir()
    return top


@pytest.mark.parametrize("cwd", ["tmp", "top", "top/a", "top/..odd", "elsewhere", "/"])
def test_names_and_order_equal_the_plain_computation(
    tree: Path, cwd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tree.parent
    where = {"tmp": tmp, "top": tree, "elsewhere": tmp / "elsewhere", "/": Path("/")}
    monkeypatch.chdir(where.get(cwd) or tree / cwd.removeprefix("top/"))
    named = [
        tree,
        tree / "a",
        tree / "..odd",
        tree / "a" / ".." / "sub.d",
        tmp,
        tree / "a-c.yaml",
        Path(os.path.relpath(tree)),
        Path(os.path.relpath(tree / "a")),
    ]
    for path in named:
        assert list(expand_paths([path])) == _plain(path), path
    assert list(expand_paths(named)) == [item for path in named for item in _plain(path)]
