"""Strict reading of YAML and JSON files that keeps positions.

PyYAML implements YAML 1.1, whose implicit typing silently changes data: ``NO`` (Norway) becomes
``False``, ``010`` becomes ``8``, ``8:30`` becomes ``510`` and a date becomes ``datetime.date``; a
duplicate key silently overwrites the first one. The :class:`StrictLoader` below is libyaml's C
parser with a YAML 1.2-style resolver that only knows ``true``/``false``, ``null`` and plain decimal
integers without leading zeros. Everything else stays a string, so the models decide what a value
means. Duplicate keys are errors with their line.

Every document is returned together with a :class:`Locator`, which maps a field path such as
``("pupil", "birth_date")`` or ``("family", "guardians", 0, "phone")`` back to a line and column.

Input is untrusted (see :mod:`seiteneinsteiger.limits`): only regular files are opened, never a
named pipe or a device; a file larger than the limit of its kind is refused before it is read;
a document nesting deeper than ``MAX_DEPTH`` or whose aliases would expand it by more than
``MAX_ALIAS_NODES`` entries (a "billion laughs" file) is refused before anything is built from
it. Errors carry their location as data (:meth:`SeiteneinsteigerError.at`).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from seiteneinsteiger.errors import InputFileError, Problem, brief
from seiteneinsteiger.limits import (
    MAX_ALIAS_NODES,
    MAX_ALIAS_TEXT,
    MAX_DEPTH,
    InputKind,
    size_text,
)

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


_JSON_MESSAGES = {
    "Expecting value": "Wert erwartet",
    "Expecting property name enclosed in double quotes": "Feldname in doppelten "
    "Anführungszeichen erwartet",
    "Expecting ',' delimiter": "',' erwartet",
    "Expecting ':' delimiter": "':' erwartet",
    "Unterminated string starting at": "Text ohne schließendes Anführungszeichen",
    "Invalid control character at": "Steuerzeichen in Text (Zeilenumbruch als \\n schreiben)",
    "Extra data": "weitere Daten nach dem Ende des Dokuments",
    "Invalid \\escape": "unbekannte Escape-Sequenz",
    "Invalid \\uXXXX escape": "ungültige \\u-Escape-Sequenz",
}


STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"


class StrictResolver(yaml.resolver.Resolver):
    """YAML 1.2 core schema, minus floats and timestamps (both stay strings).

    libyaml's parser asks :meth:`resolve` for the tag of every node it composes, and
    :meth:`descend_resolver`/:meth:`ascend_resolver` around every collection. PyYAML's versions
    serve path resolvers and a registry shared by subclasses; this resolver has neither, so its
    own versions answer directly (the same tags: a test compares them with PyYAML's).
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's class-level registry)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track while descending."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track while ascending."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag  # type: ignore[no-any-return]
            return STR_TAG
        return SEQ_TAG if kind is SequenceNode else MAP_TAG


StrictResolver.add_implicit_resolver(
    _BOOL_TAG,
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
StrictResolver.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$"),
    list("-+0123456789"),
)
StrictResolver.add_implicit_resolver(
    _NULL_TAG,
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
            _refuse_key(mapping, key, key_node)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_map(self, node: MappingNode) -> Iterator[dict[Hashable, Any]]:  # type: ignore[override]
        data: dict[Hashable, Any] = {}
        yield data
        data.update(self.construct_mapping(node, deep=True))


StrictConstructor.add_constructor(
    MAP_TAG,
    StrictConstructor.construct_yaml_map,  # type: ignore[type-var]
)


def _refuse_key(mapping: dict[Hashable, Any], key: Any, key_node: Node) -> None:
    """Refuse a key that cannot be one (a list or a mapping) or that ``mapping`` already has."""
    try:
        duplicate = key in mapping  # cheaper than isinstance(key, Hashable) per key
    except TypeError:  # a list or a mapping as a key
        raise yaml.constructor.ConstructorError(
            None, None, "ungültiger Schlüssel", key_node.start_mark
        ) from None
    if duplicate:
        raise DuplicateKeyError(str(key), key_node)


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
        at_key: bool = False,
    ) -> Problem:
        """A :class:`Problem` at ``path`` inside this document.

        ``at_key``: located at the key itself (an unknown field), not at its value. Without a
        position, the JSON Lines line is used.
        """
        position = self.locator.find(path, key=at_key)
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


def read_text(path: Path, display: str | None = None, *, kind: InputKind) -> str:
    """Read a text file, turning every way it can fail into one clear German message."""
    shown = display or str(path)
    raw = read_bytes(path, shown, kind)
    if not raw.strip():
        raise InputFileError.at(shown, "Datei ist leer")
    if b"\x00" in raw:
        raise InputFileError.at(
            shown,
            "Datei ist binär, keine Text-, YAML- oder JSON-Datei",
            hint="Ausgefüllte Excel-Formulare liest 'seiteneinsteiger intake import'.",
        )
    if raw.startswith(codecs.BOM_UTF8):  # what "utf-8-sig" does, without its Python codec
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError.at(
            shown,
            "Datei ist nicht in UTF-8 kodiert",
            line=raw[: exc.start].count(b"\n") + 1,
            hint="Bitte als UTF-8 speichern (in den meisten Editoren: 'Speichern unter', Kodierung "
            "UTF-8).",
        ) from None
    return text


def read_bytes(path: Path, shown: str, kind: InputKind, *, content: bool = True) -> bytes:
    """The content of a regular file of at most ``kind.max_bytes`` bytes.

    A named pipe, a device (``/dev/zero``) or a socket is refused before it is opened (opening
    a pipe for reading blocks until someone writes to it). The file is then opened without
    blocking and checked again, so that a file swapped in between is refused as well.
    ``content=False`` only checks (and returns nothing).
    """
    try:
        _check_file(path.stat(), shown, kind)
        if not content:
            return b""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        dangling = path.is_symlink()
        why = "Verknüpfung (Symlink) auf eine Datei, die es nicht gibt" if dangling else None
        raise InputFileError.at(shown, why or "Datei nicht gefunden") from None
    except OSError as exc:
        raise InputFileError.at(shown, read_failure(exc)) from None
    try:
        info = os.fstat(fd)
        _check_file(info, shown, kind)
        raw = _read(fd, info.st_size + 1)  # one byte more tells whether it grew meanwhile
        if len(raw) > info.st_size:
            raw += _read(fd, kind.max_bytes + 1 - len(raw))
    finally:
        os.close(fd)
    if len(raw) > kind.max_bytes:  # it grew while being read
        raise _too_large(shown, len(raw), kind, at_least=True)
    return raw


def _read(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the file (what a buffered file's read
    returns, without making a file object for each of thousands of small files)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _check_file(info: os.stat_result, shown: str, kind: InputKind) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        if info.st_size > kind.max_bytes:
            raise _too_large(shown, info.st_size, kind)
        return
    if stat.S_ISDIR(mode):
        what = "ist ein Verzeichnis, keine Datei"
    elif stat.S_ISFIFO(mode):
        what = "ist eine benannte Pipe (FIFO), keine Datei"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "ist ein Gerät, keine Datei"
    elif stat.S_ISSOCK(mode):
        what = "ist ein Socket, keine Datei"
    else:  # pragma: no cover - door files and the like
        what = "ist keine gewöhnliche Datei"
    raise InputFileError.at(shown, what)


def _too_large(shown: str, size: int, kind: InputKind, *, at_least: bool = False) -> InputFileError:
    more = "mindestens " if at_least else ""
    return InputFileError.at(
        shown,
        f"Datei ist zu groß ({more}{size_text(size)}; {kind.value.phrase} darf höchstens "
        f"{size_text(kind.max_bytes)} groß sein)",
        hint="Die Grenzen stehen in der README unter 'Grenzen für Eingabedateien'.",
    )


def parse_yaml(text: str, source: str) -> Document:
    """Parse one YAML document strictly; syntax errors become ``FILE:LINE:COL`` messages."""
    loader = StrictLoader(text)
    try:
        root = loader.get_single_node()
        data = None
        if root is not None:
            aliases_possible = "*" in text
            data = _NOT_PLAIN if aliases_possible else _plain_data(root)
            if data is _NOT_PLAIN:
                _check_shape(root, source, aliases_possible=aliases_possible)
                data = loader.construct_document(root)
    except DuplicateKeyError as exc:
        mark = exc.node.start_mark
        raise InputFileError.at(
            source,
            f"doppelter Schlüssel '{brief(exc.key)}'",
            line=mark.line + 1,
            column=mark.column + 1,
            hint="Jeder Schlüssel darf in einer Abbildung nur einmal vorkommen.",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives marks
        raise InputFileError.at(source, f"YAML-Fehler: {exc}") from None
    finally:
        loader.dispose()
    return Document(data=data, source=source, locator=Locator(root))


_NOT_PLAIN: Any = object()


def _plain_data(root: Node) -> Any:
    """The data of a document without aliases whose every node carries one of the tags the
    :class:`StrictResolver` gives (str, int, bool, null, map, seq) and which nests no deeper
    than ``MAX_DEPTH``: what :class:`StrictConstructor` builds, built without PyYAML's
    bookkeeping for aliases and recursion, which such a document does not need (about a third
    of the parse time of an intake). ``_NOT_PLAIN`` for any other document (an explicit tag such
    as ``!!float`` or ``!!int 0x1f``, or one too deep): :func:`_check_shape` and the
    constructor take it from there.
    """
    try:
        return _plain(root, 1)
    except _NotPlain:
        return _NOT_PLAIN


class _NotPlain(Exception):
    pass


def _plain(node: Node, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise _NotPlain
    kind, tag = type(node), node.tag
    if kind is ScalarNode:
        value = node.value
        if tag == STR_TAG:
            return value
        if tag == _NULL_TAG:
            return None
        if tag == _BOOL_TAG and value in _BOOLEANS:
            return _BOOLEANS[value]
        if tag == _INT_TAG and _DECIMAL.match(value):
            return int(value)
        raise _NotPlain
    depth += 1
    if kind is MappingNode and tag == MAP_TAG:
        mapping: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, depth)
            _refuse_key(mapping, key, key_node)
            mapping[key] = _plain(value_node, depth)
        return mapping
    if kind is SequenceNode and tag == SEQ_TAG:
        return [_plain(child, depth) for child in node.value]
    raise _NotPlain


#: What SafeConstructor makes of a bool-tagged scalar the resolver can give; other spellings
#: (an explicit ``!!bool yes``) go through the constructor.
_BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
#: A decimal integer as SafeConstructor reads it with int(): no leading zero (octal for it),
#: no underscore, no base prefix, no sexagesimal colon.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")


def _yaml_error(exc: yaml.MarkedYAMLError, source: str) -> InputFileError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "").strip()
    german = _YAML_MESSAGES.get(problem)
    text = f"YAML-Syntaxfehler: {german or problem}"
    if problem == "exceeded maximum nesting depth":  # libyaml's own limit, 1000 levels
        text = f"zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)"
    if mark is None:  # pragma: no cover
        return InputFileError.at(source, text)
    return InputFileError.at(source, text, line=mark.line + 1, column=mark.column + 1)


def _check_shape(root: Node, source: str, *, aliases_possible: bool) -> None:
    """Refuse a document nesting deeper than MAX_DEPTH or blown up by aliases.

    The nodes are visited level by level without recursion. An alias is the same node object
    as its anchor, so an alias is counted once more each time it appears; a document without
    ``*`` has no alias and needs no bookkeeping (the common case costs about 2 % of parsing).
    """
    level: list[Node] = [root]
    depth = 0
    seen: set[int] = set()
    repeated = repeated_text = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            mark = level[0].start_mark
            raise InputFileError.at(
                source,
                f"zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        following: list[Node] = []
        for node in level:
            if aliases_possible:
                if id(node) in seen:
                    repeated += 1
                    if type(node) is ScalarNode:
                        repeated_text += len(node.value)
                    if repeated > MAX_ALIAS_NODES or repeated_text > MAX_ALIAS_TEXT:
                        raise _alias_bomb(node, source)
                else:
                    seen.add(id(node))
            kind = type(node)
            if kind is MappingNode:
                following.extend(pair[1] for pair in node.value)
            elif kind is SequenceNode:
                following.extend(node.value)
        level = following


def _alias_bomb(node: Node, source: str) -> InputFileError:
    mark = node.start_mark
    return InputFileError.at(
        source,
        "Anker und Aliase (&name, *name) vervielfachen die Datei um mehr als "
        f"{MAX_ALIAS_NODES:_} Einträge oder {MAX_ALIAS_TEXT:_} Zeichen".replace("_", "."),
        line=mark.line + 1,
        column=mark.column + 1,
        hint="Bitte die Einträge ausschreiben oder weniger oft wiederholen.",
    )


def _check_data_depth(data: Any, source: str, locator: Locator) -> None:
    """The same depth limit for JSON, checked on the parsed data (JSON has no aliases)."""
    level: list[Any] = [data]
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            position = locator.find(_path_to_depth(data, MAX_DEPTH + 1))
            raise InputFileError.at(
                source,
                f"zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)",
                line=position.line if position else None,
                column=position.column if position else None,
            )
        following: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                following.extend(item.values())
            elif isinstance(item, list):
                following.extend(item)
        level = following


def _path_to_depth(data: Any, depth: int) -> tuple[str | int, ...]:
    """A path to some value at ``depth`` (the root is depth 1); only asked for when one exists."""
    level: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    for _ in range(depth - 1):
        following: list[tuple[Any, tuple[str | int, ...]]] = []
        for item, path in level:
            if isinstance(item, dict):
                following.extend((value, (*path, str(key))) for key, value in item.items())
            elif isinstance(item, list):
                following.extend((value, (*path, index)) for index, value in enumerate(item))
        level = following
    return level[0][1] if level else ()


def parse_json(text: str, source: str, *, line_offset: int = 0) -> Document:
    """Parse one JSON document; positions are found lazily by re-reading it as YAML."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputFileError.at(
            source,
            f"JSON-Syntaxfehler: {_JSON_MESSAGES.get(exc.msg, exc.msg)}",
            line=exc.lineno + line_offset,
            column=exc.colno,
        ) from None
    except _JsonDuplicate as exc:
        raise InputFileError.at(
            source, f"doppelter Schlüssel '{brief(str(exc))}'", line=line_offset + 1
        ) from None
    except RecursionError:  # json nests by recursion; far beyond MAX_DEPTH anyway
        raise InputFileError.at(
            source, f"zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)", line=line_offset + 1
        ) from None
    locator = _LazyJsonLocator(text, line_offset)
    _check_data_depth(data, source, locator)
    return Document(data=data, source=source, locator=locator)


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


def load_documents(path: Path, display: str | None = None, *, kind: InputKind) -> list[Document]:
    """Read ``.yaml``/``.yml`` (one document), ``.json`` (one) or ``.jsonl`` (one per line).

    ``kind`` sets the size limit; a ``.jsonl`` intake file has the limit of a collection. A JSON
    Lines file with a broken line still yields the other lines: the broken one is returned as a
    :class:`Problem` through :class:`JsonLinesProblems` so that a batch goes on.
    """
    source = display or str(path)
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json", ".jsonl"}:
        read_bytes(path, source, kind, content=False)  # a device or a pipe says so first
        raise InputFileError.at(
            source,
            f"unbekannte Dateiendung '{brief(path.suffix)}'",
            hint="Erlaubt sind .yaml, .yml, .json und .jsonl.",
        )
    if suffix == ".jsonl" and kind is InputKind.INTAKE:
        kind = InputKind.INTAKE_LINES
    text = read_text(path, source, kind=kind)
    if suffix == ".json":
        return [parse_json(text, source)]
    if suffix == ".jsonl":
        return _parse_json_lines(text, source)
    return [parse_yaml(text, source)]


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
            problems.append(exc.as_problem(source))
            continue
        documents.append(
            Document(data=document.data, source=source, locator=document.locator, index=number + 1)
        )
    if problems:
        raise JsonLinesProblems(problems, documents)
    return documents
