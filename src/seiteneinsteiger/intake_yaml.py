"""Writing an intake back out as an intake@1 YAML file that any YAML reader reads back unchanged.

PyYAML writes YAML 1.1, and a plain (unquoted) scalar is re-typed by whoever reads it: ``NO``
(Norway) becomes ``False`` for a YAML 1.1 reader, ``010`` becomes ``8``, ``1e3`` a float for a
YAML 1.2 reader. The representer below double-quotes every string that any of these readers
could take for something other than text, and writes dates unquoted as ISO ``YYYY-MM-DD``, the
way people write them in intake files. Multi-line text is written as a literal block.

The document keeps the shape of the format: the case head first, then one block per section,
separated by a blank line, in the field order of :class:`~seiteneinsteiger.models.intake.Intake`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.yamlsource import SEQ_TAG, STR_TAG

# Plain scalars that a YAML 1.2 (core schema) or YAML 1.1 reader types as something else than a
# string; PyYAML's own resolver (checked as well) misses some of them, e.g. ``1e3`` and ``y``.
_NOT_TEXT = re.compile(
    r"""^(?:
      ~ | null | Null | NULL
    | true | True | TRUE | false | False | FALSE
    | y | Y | n | N | yes | Yes | YES | no | No | NO | on | On | ON | off | Off | OFF
    | [-+]? [0-9][0-9_]*                              # integers, with leading zeros or '_'
    | [-+]? 0[box] [0-9a-fA-F_]+                      # 0o17, 0x1F, 0b101
    | [-+]? (?: \.[0-9]+ | [0-9][0-9_]* (?:\.[0-9_]*)? ) (?: [eE] [-+]? [0-9]+ )?
    | [-+]? \. (?: inf | Inf | INF ) | \. (?: nan | NaN | NAN )
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2} (?: [Tt\ ] .* )? # dates and timestamps
    | [-+]? [0-9][0-9_]* (?: :[0-5]?[0-9] )+ (?: \.[0-9_]* )?   # sexagesimal 8:30
    | = | <<
    )$""",
    re.VERBOSE,
)

_RESOLVER = yaml.resolver.Resolver()
# Line breaks other than "\n" (CR, NEL, LS, PS): YAML readers normalise them outside of escapes.
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
# Bidirectional embeddings, overrides and isolates: PyYAML writes them raw, and a terminal
# showing the file (`case show`) reorders the text around them. Written as escapes instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def needs_quotes(text: str) -> bool:
    """True when ``text`` written without quotes would be read as something other than text."""
    if text == "" or _NOT_TEXT.match(text):
        return True
    tag = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag != STR_TAG)


class IntakeDumper(yaml.SafeDumper):
    """``yaml.SafeDumper`` that quotes ambiguous strings and writes text codes as plain text."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> ScalarNode:
    text = str(value)  # a StrEnum code becomes its plain value
    style: str | None = None
    if _OTHER_BREAKS.search(text) or _BIDI_CONTROLS.search(text):
        style = '"'  # written as escapes: a reader would turn these into plain newlines
    elif "\n" in text:
        style = "|"
    elif needs_quotes(text):
        style = '"'
    return dumper.represent_scalar(STR_TAG, text, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    """A list of codes on one line (``scope: [school, schulamt]``), as people write it."""
    flow = all(not isinstance(item, dict | list) for item in value)
    return dumper.represent_sequence(SEQ_TAG, value, flow_style=flow)


IntakeDumper.add_representer(str, _represent_text)
IntakeDumper.add_multi_representer(str, _represent_text)  # StrEnum codes
IntakeDumper.add_representer(list, _represent_list)


def intake_to_yaml(intake: Intake) -> str:
    """The intake as an intake@1 YAML document (only the fields it has, in format order)."""
    data: dict[str, Any] = intake.model_dump(mode="python", exclude_unset=True)
    chunks: list[dict[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict | list) or not chunks or _is_section(chunks[-1]):
            chunks.append({key: value})
        else:
            chunks[-1][key] = value
    text = "\n".join(_dump(chunk) for chunk in chunks)
    # only inside double-quoted scalars (see _represent_text), where an escape is the same text
    return _BIDI_CONTROLS.sub(lambda match: f"\\u{ord(match[0]):04X}", text)


def _is_section(chunk: dict[str, Any]) -> bool:
    return any(isinstance(value, dict | list) for value in chunk.values())


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=IntakeDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
