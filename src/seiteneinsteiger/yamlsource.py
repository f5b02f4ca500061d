"""Strict reading of YAML and JSON files that keeps positions.

PyYAML implements YAML 1.1, whose implicit typing silently changes data: ``NO`` (Norway) becomes
``False``, ``010`` becomes ``8``, ``8:30`` becomes ``510`` and a date becomes ``datetime.date``; a
duplicate key silently overwrites the first one. The :class:`StrictLoader` below is libyaml's C
parser with a YAML 1.2-style resolver that only knows ``true``/``false``, ``null`` and plain decimal
integers without leading zeros. Everything else stays a string, so the models decide what a value
means. Duplicate keys are errors with their line.

Every document is returned together with a :class:`Locator`, which maps a field path such as
``("pupil", "birth_date")`` or ``("family", "guardians", 0, "phone")`` back to a line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from seiteneinsteiger.errors import InputFileError, Problem

Path_ = tuple[str | int, ...]

_YAML_MESSAGES = {
    "mapping values are not allowed here": "Doppelpunkt an unerwarteter Stelle (Einrückung prüfen)",
    "could not find expected ':'": "':' erwartet (fehlt ein Doppelpunkt oder Anführungszeichen?)",
    "did not find expected key": "Schlüssel erwartet (Einrückung prüfen)",
    "did not find expected '-' indicator": "'-' erwartet (Listeneinträge gleich einrücken)",
    "found character that cannot start any token": "Zeichen, mit dem kein Wert beginnen darf "
    "(Tabulator statt Leerzeichen? Wert in Anführungszeichen setzen)",
    "found unexpected end of stream": "Datei endet mitten in einem Wert (Klammer oder "
    "Anführungszeichen nicht geschlossen?)",
    "did not find expected ',' or ']'": "',' oder ']' erwartet (Liste nicht geschlossen?)",
    "did not find expected ',' or '}'": "',' oder '}' erwartet (Abbildung nicht geschlossen?)",
    "found undefined alias": "unbekannter Anker (*alias)",
    "but found another document": "die Datei darf nur ein Dokument enthalten ('---' entfernen)",
    "found unknown escape character": "unbekannte Escape-Sequenz in Text in Anführungszeichen",
}


class StrictResolver(yaml.resolver.Resolver):
    """YAML 1.2 core schema, minus floats and timestamps (both stay strings)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's class-level registry)


StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$"),
    list("-+0123456789"),
)
StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)


class StrictConstructor(yaml.constructor.SafeConstructor):
    """Safe constructor that rejects duplicate keys and YAML 1.1 merge keys."""

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Hashable, Any]:
        if not isinstance(node, MappingNode):  # pragma: no cover - guarded by the composer
            raise yaml.constructor.ConstructorError(
                None, None, "Abbildung erwartet", node.start_mark
            )
        mapping: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "ungültiger Schlüssel", key_node.start_mark
                )
            if key in mapping:
                raise DuplicateKeyError(str(key), key_node)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_map(self, node: MappingNode) -> Iterator[dict[Hashable, Any]]:  # type: ignore[override]
        data: dict[Hashable, Any] = {}
        yield data
        data.update(self.construct_mapping(node, deep=True))


StrictConstructor.add_constructor(
    "tag:yaml.org,2002:map",
    StrictConstructor.construct_yaml_map,  # type: ignore[type-var]
)


class StrictLoader(CParser, StrictConstructor, StrictResolver):
    """libyaml's C parser with the strict constructor and resolver above."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        StrictConstructor.__init__(self)
        StrictResolver.__init__(self)


class DuplicateKeyError(Exception):
    def __init__(self, key: str, node: Node) -> None:
        super().__init__(key)
        self.key = key
        self.node = node


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


class Locator:
    """Maps a field path inside a document to the position where it is written.

    For a missing field the position of the enclosing mapping is returned; for an unknown key the
    key itself. Built lazily from YAML nodes, so that valid files pay nothing for it.
    """

    def __init__(self, root: Node | None, line_offset: int = 0) -> None:
        self._root = root
        self._line_offset = line_offset

    def find(self, path: Sequence[str | int], *, key: bool = False) -> Position | None:
        node = self._root
        if node is None:
            return None
        best = node
        for index, part in enumerate(path):
            last = index == len(path) - 1
            child: Node | None = None
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                        child = key_node if (key and last) else value_node
                        break
            elif (
                isinstance(node, SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                child = node.value[part]
            if child is None:
                break
            node = best = child
        mark = best.start_mark
        return Position(mark.line + 1 + self._line_offset, mark.column + 1)


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed document: its data, where it came from, and how to locate its fields."""

    data: Any
    source: str
    locator: Locator
    index: int | None = None  # the line index for JSON Lines, None otherwise

    def problem(
        self,
        path: Sequence[str | int],
        message: str,
        *,
        code: str | None = None,
        severity: str = "error",
        field: str | None = None,
        at_key: bool | None = None,
    ) -> Problem:
        """A :class:`Problem` at ``path`` inside this document.

        An unknown key ("unbekanntes Feld ...") is located at the key itself, anything else at
        its value; ``at_key`` overrides that. Without a position, the JSON Lines line is used.
        """
        key = message.startswith("unbekanntes Feld") if at_key is None else at_key
        position = self.locator.find(path, key=key)
        return Problem(
            file=self.source,
            line=position.line if position else self.index,
            field=field if field is not None else (".".join(str(p) for p in path) or None),
            message=message,
            code=code,
            severity=severity,
        )


def read_failure(exc: OSError) -> str:
    """Why a file could not be read, in German (the same words for every kind of input)."""
    if isinstance(exc, FileNotFoundError):
        return "Datei nicht gefunden"
    if isinstance(exc, IsADirectoryError):
        return "ist ein Verzeichnis, keine Datei"
    if isinstance(exc, PermissionError):
        return "keine Leseberechtigung"
    return f"kann nicht gelesen werden ({exc.strerror})"


def read_text(path: Path, display: str | None = None) -> str:
    """Read a text file, turning every way it can fail into one clear German message."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{shown}: {read_failure(exc)}") from None
    if not raw.strip():
        raise InputFileError(f"{shown}: Datei ist leer")
    if b"\x00" in raw:
        raise InputFileError(
            f"{shown}: Datei ist binär, keine Text-, YAML- oder JSON-Datei",
            hint="Ausgefüllte Excel-Formulare liest 'seiteneinsteiger intake import'.",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"{shown}:{line}: Datei ist nicht in UTF-8 kodiert",
            hint="Bitte als UTF-8 speichern (in den meisten Editoren: 'Speichern unter', Kodierung "
            "UTF-8).",
        ) from None
    return text


def parse_yaml(text: str, source: str) -> Document:
    """Parse one YAML document strictly; syntax errors become ``FILE:LINE:COL`` messages."""
    loader = StrictLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except DuplicateKeyError as exc:
        mark = exc.node.start_mark
        raise InputFileError(
            f"{source}:{mark.line + 1}:{mark.column + 1}: doppelter Schlüssel '{exc.key}'",
            hint="Jeder Schlüssel darf in einer Abbildung nur einmal vorkommen.",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise InputFileError(_yaml_error_message(exc, source)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives marks
        raise InputFileError(f"{source}: YAML-Fehler: {exc}") from None
    finally:
        loader.dispose()
    return Document(data=data, source=source, locator=Locator(root))


def _yaml_error_message(exc: yaml.MarkedYAMLError, source: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "").strip()
    german = _YAML_MESSAGES.get(problem)
    text = f"YAML-Syntaxfehler: {german}" if german else f"YAML-Syntaxfehler: {problem}"
    if mark is None:  # pragma: no cover
        return f"{source}: {text}"
    return f"{source}:{mark.line + 1}:{mark.column + 1}: {text}"


def parse_json(text: str, source: str, *, line_offset: int = 0) -> Document:
    """Parse one JSON document; positions are found lazily by re-reading it as YAML."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{source}:{exc.lineno + line_offset}:{exc.colno}: JSON-Syntaxfehler: {exc.msg}"
        ) from None
    except _JsonDuplicate as exc:
        raise InputFileError(f"{source}:{line_offset + 1}: doppelter Schlüssel '{exc}'") from None
    return Document(data=data, source=source, locator=_LazyJsonLocator(text, line_offset))


class _JsonDuplicate(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonDuplicate(key)
        result[key] = value
    return result


class _LazyJsonLocator(Locator):
    """JSON is valid YAML flow syntax; compose it only when a position is asked for."""

    def __init__(self, text: str, line_offset: int) -> None:
        super().__init__(None, line_offset)
        self._text = text
        self._composed = False

    def find(self, path: Sequence[str | int], *, key: bool = False) -> Position | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self._text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                self._root = None
        if self._root is None:
            return Position(self._line_offset + 1, 1)
        return super().find(path, key=key)


def load_documents(path: Path, display: str | None = None) -> list[Document]:
    """Read ``.yaml``/``.yml`` (one document), ``.json`` (one) or ``.jsonl`` (one per line).

    A JSON Lines file with a broken line still yields the other lines: the broken one is returned
    as a :class:`Problem` through :class:`JsonLinesProblems` so that a batch goes on.
    """
    source = display or str(path)
    text = read_text(path, source)
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return [parse_yaml(text, source)]
    if suffix == ".json":
        return [parse_json(text, source)]
    if suffix == ".jsonl":
        return _parse_json_lines(text, source)
    raise InputFileError(
        f"{source}: unbekannte Dateiendung '{path.suffix}'",
        hint="Erlaubt sind .yaml, .yml, .json und .jsonl.",
    )


class JsonLinesProblems(InputFileError):
    """Some lines of a JSON Lines file are broken; the good ones are in ``documents``."""

    def __init__(self, problems: list[Problem], documents: list[Document]) -> None:
        super().__init__(problems[0].render(), problems=problems)
        self.documents = documents


def _parse_json_lines(text: str, source: str) -> list[Document]:
    documents: list[Document] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            document = parse_json(line, source, line_offset=number)
        except InputFileError as exc:
            problems.append(
                Problem(file=source, line=number + 1, message=_strip_source(exc, source))
            )
            continue
        documents.append(
            Document(data=document.data, source=source, locator=document.locator, index=number + 1)
        )
    if problems:
        raise JsonLinesProblems(problems, documents)
    return documents


def _strip_source(exc: InputFileError, source: str) -> str:
    message = exc.message
    prefix = re.match(rf"^{re.escape(source)}(:\d+)*: ", message)
    return message[prefix.end() :] if prefix else message
