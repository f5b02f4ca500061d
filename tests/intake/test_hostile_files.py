"""Hostile input: alias bombs, deep nesting, huge files, pipes, devices, sockets, dangling links.

Each one gets one German message naming the file (and the line where there is one), in bounded
time and memory; the bombs here are small enough that a regression fails by assertion instead of
hanging (the full-size bomb is measured in benchmarks/hostile_bench.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import InputFileError
from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.limits import MAX_ALIAS_NODES, MAX_DEPTH, InputKind
from seiteneinsteiger.yamlsource import parse_json, parse_yaml, read_text

TODAY = dt.date(2026, 11, 23)
HEAD = "format: seiteneinsteiger/intake@1\nintake_date: 2025-09-15\n"


def alias_bomb(levels: int, width: int = 10) -> str:
    """``width ** levels`` strings from a file of a few hundred bytes."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    lines.append(f"pupil: *a{levels - 1}")
    return HEAD + "\n".join(lines) + "\n"


def _lines(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [p.render() for r in load_intake_file(path, name, today=TODAY) for p in r.problems]


def test_alias_bomb_is_refused_at_the_anchor(tmp_path: Path) -> None:
    text = alias_bomb(5)  # 100,000 strings from 300 bytes
    assert len(text) < 400
    assert _lines(tmp_path, "bomb.yaml", text) == [
        "bomb.yaml:3:55: Anker und Aliase (&name, *name) vervielfachen die Datei um mehr als "
        "10.000 Einträge oder 1.000.000 Zeichen. Bitte die Einträge ausschreiben oder weniger "
        "oft wiederholen."
    ]


def test_a_few_aliases_are_still_allowed() -> None:
    text = "shared: &s {a: 1, b: [x, y]}\none: *s\ntwo: *s\n"
    document = parse_yaml(text, "a.yaml")
    assert document.data["two"] == {"a": 1, "b": ["x", "y"]}


def test_alias_bound_is_exact() -> None:
    # the anchored list has `width` entries plus itself; repeated `copies` times
    def text(copies: int) -> str:
        return (
            "base: &b ["
            + ", ".join(["x"] * 99)
            + "]\n"
            + "\n".join(f"k{i}: *b" for i in range(copies))
        )

    allowed = MAX_ALIAS_NODES // 100  # each alias repeats 100 nodes
    parse_yaml(text(allowed), "ok.yaml")
    with pytest.raises(InputFileError, match="vervielfachen"):
        parse_yaml(text(allowed + 1), "bomb.yaml")


def test_long_text_repeated_by_aliases_is_refused() -> None:
    long_text = "x" * 100_000
    text = f"t: &t {long_text}\n" + "\n".join(f"k{i}: *t" for i in range(20))
    with pytest.raises(InputFileError, match="vervielfachen"):
        parse_yaml(text, "lang.yaml")  # 20 entries, but 2 MB of text


def test_recursive_anchor_is_refused() -> None:
    with pytest.raises(InputFileError) as info:
        parse_yaml("a: &a [*a]\n", "rec.yaml")
    assert info.value.problems[0].line is not None
    assert "zu tief verschachtelt" in info.value.message or "vervielfachen" in info.value.message


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "deep.yaml",
            HEAD + "pupil: " + "[" * 300 + "]" * 300 + "\n",
            f"deep.yaml:3:57: zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)",
        ),
        (
            "deep.yaml",  # beyond libyaml's own limit of 1000 levels
            HEAD + "pupil: " + "[" * 5000 + "]" * 5000 + "\n",
            f"deep.yaml:3:1007: zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)",
        ),
        (
            "deep.json",
            '{"format": "seiteneinsteiger/intake@1",\n "pupil": ' + "[" * 300 + "]" * 300 + "}",
            f"deep.json:2:60: zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)",
        ),
        (
            "deep.json",  # beyond Python's recursion limit
            '{"pupil": ' + "[" * 50_000 + "]" * 50_000 + "}",
            f"deep.json:1: zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)",
        ),
    ],
)
def test_deep_nesting_is_refused_with_its_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    assert _lines(tmp_path, name, text) == [expected]


def test_depth_limit_is_exact() -> None:
    def nested(levels: int) -> str:  # the root mapping is level 1
        return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"

    parse_yaml(nested(MAX_DEPTH), "ok.yaml")
    with pytest.raises(InputFileError, match="zu tief"):
        parse_yaml(nested(MAX_DEPTH + 1), "deep.yaml")
    parse_json('{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}", "ok.json")
    with pytest.raises(InputFileError, match="zu tief"):
        parse_json('{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}", "deep.json")


def test_deep_json_line_does_not_stop_the_other_lines(tmp_path: Path) -> None:
    good = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": "2025-09-15",
        "pupil": {"family_name": "A", "given_names": "B", "birth_date": "2013-02-11"},
    }
    deep = '{"pupil": ' + "[" * 3000 + "]" * 3000 + "}"
    path = tmp_path / "batch.jsonl"
    path.write_text(f"{json.dumps(good)}\n{deep}\n{json.dumps(good)}\n", encoding="utf-8")
    results = load_intake_file(path, "batch.jsonl", today=TODAY)
    assert [(r.line, r.ok) for r in results] == [(1, True), (2, False), (3, True)]
    assert results[1].problems[0].render().startswith("batch.jsonl:2")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    with path.open("wb") as handle:  # a sparse 75 MB file: nothing is written, nothing read
        handle.truncate(75 * 1024 * 1024)
    results = load_intake_file(path, "list.yaml", today=TODAY)
    assert [p.render() for p in results[0].problems] == [
        "list.yaml: Datei ist zu groß (75 MB; eine Intake-Datei darf höchstens 1 MB groß sein). "
        "Die Grenzen stehen in der README unter 'Grenzen für Eingabedateien'."
    ]


def test_size_limit_is_exact(tmp_path: Path) -> None:
    limit = InputKind.INTAKE.max_bytes
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: b\n" + b" " * (limit - 5))
    assert read_text(path, kind=InputKind.INTAKE).startswith("a: b")
    path.write_bytes(b"a: b\n" + b" " * (limit - 4))
    with pytest.raises(InputFileError, match="zu groß"):
        read_text(path, kind=InputKind.INTAKE)


def test_jsonl_collections_have_their_own_larger_limit(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)  # too large for one intake, fine for a collection
    lines = [p.render() for r in load_intake_file(path, "many.jsonl") for p in r.problems]
    assert lines == [
        "many.jsonl: Datei ist binär, keine Text-, YAML- oder JSON-Datei. "
        "Ausgefüllte Excel-Formulare liest 'seiteneinsteiger intake import'."
    ]


def test_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it for reading would block until someone writes
    results = load_intake_file(fifo, "pipe.yaml", today=TODAY)
    assert [p.render() for p in results[0].problems] == [
        "pipe.yaml: ist eine benannte Pipe (FIFO), keine Datei"
    ]


def test_device_and_socket_are_refused(tmp_path: Path) -> None:
    results = load_intake_file(Path("/dev/zero"), today=TODAY)
    assert [p.render() for p in results[0].problems] == ["/dev/zero: ist ein Gerät, keine Datei"]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(tmp_path / "s.yaml"))
        results = load_intake_file(tmp_path / "s.yaml", "s.yaml", today=TODAY)
    finally:
        listener.close()
    assert [p.render() for p in results[0].problems] == ["s.yaml: ist ein Socket, keine Datei"]


def test_directory_walk_reports_special_files_and_dangling_links(
    runner: CliRunner, tmp_path: Path, examples: Path
) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    (folder / "amal.yaml").write_bytes((examples / "intakes" / "amal-haddad.yaml").read_bytes())
    os.mkfifo(folder / "pipe.yaml")
    (folder / "weg.yaml").symlink_to(tmp_path / "gibt-es-nicht.yaml")
    (folder / "link.yaml").symlink_to(examples / "intakes" / "zahra-ahmadi.yaml")
    (folder / "loop").symlink_to(folder)  # a linked directory is not entered while walking
    result = runner.invoke(app, ["intake", "validate", str(folder)])
    assert result.exit_code == 1
    assert "eingang/pipe.yaml: ist eine benannte Pipe (FIFO), keine Datei" in result.stdout
    assert "eingang/weg.yaml: Verknüpfung (Symlink) auf eine Datei, die es nicht gibt" in (
        result.stdout
    )
    assert "4 Intakes geprüft: 2 gültig, 2 ungültig." in result.stdout


def test_validate_refuses_fifo_device_and_bomb_and_checks_the_rest(
    runner: CliRunner, tmp_path: Path, examples: Path
) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "bomb.yaml").write_text(alias_bomb(5), encoding="utf-8")
    good = examples / "intakes" / "amal-haddad.yaml"
    args = [str(tmp_path / "pipe.yaml"), "/dev/zero", str(tmp_path / "bomb.yaml"), str(good)]
    result = runner.invoke(app, ["intake", "validate", *args])
    assert result.exit_code == 1
    assert "4 Intakes geprüft: 1 gültig, 3 ungültig." in result.stdout
    assert "/dev/zero: ist ein Gerät, keine Datei" in result.stdout
    assert "Traceback" not in result.output


def test_huge_value_is_shortened_in_messages(tmp_path: Path) -> None:
    text = (
        HEAD
        + "pupil: {family_name: A, given_names: B, birth_date: 2013-02-11}\n"
        + "languages: {german: "
        + "B" * 100_000
        + "}\n"
    )
    [line] = _lines(tmp_path, "a.yaml", text)
    assert line.startswith("a.yaml:4: languages.german: '" + "B" * 39 + "…' ist nicht erlaubt")
    assert len(line) < 250


def test_list_where_text_is_expected_is_not_printed(tmp_path: Path) -> None:
    text = HEAD + "pupil: {family_name: [" + ", ".join(["x"] * 5000) + "], given_names: B}\n"
    lines = _lines(tmp_path, "a.yaml", text)
    expected = (
        "a.yaml:3: pupil.family_name: Text erwartet, nicht '[…]' (Text in Anführungszeichen setzen)"
    )
    assert expected in lines
