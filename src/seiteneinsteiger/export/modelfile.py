"""Loading a YAML settings file of the exports into its pydantic model, every problem located.

Export profiles, the family letter's texts and its district settings are all one YAML mapping
checked by a model; an error names ``FILE:LINE``, the field and what is wrong, all problems of
the file at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from seiteneinsteiger.errors import ExportError, Problem
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import Document, load_documents

M = TypeVar("M", bound=BaseModel)


def load_model_file(
    path: Path,
    source: str,
    model: type[M],
    *,
    kind: InputKind,
    title: str,
    expected: str,
) -> tuple[Document, M]:
    """The parsed document and its model; a broken file is one :class:`ExportError`.

    ``kind`` sets the size limit, ``title`` names the kind of file in the message
    ("Exportprofil"), ``expected`` the keys of the mapping a file must be ("format, id, ...").
    """
    from seiteneinsteiger.intake_io import explain_validation_error

    document = load_documents(path, source, kind=kind)[0]
    data = document.data
    if not isinstance(data, dict):
        raise ExportError(f"{source}:1: eine Abbildung mit {expected} erwartet")
    try:
        return document, model.model_validate(data)
    except ValidationError as exc:
        problems = [
            document.problem(item.loc, item.message, at_key=item.unknown)
            for item in explain_validation_error(exc, model, data)
        ]
        raise file_error(title, source, problems) from None


def file_error(title: str, source: str, problems: Sequence[Problem]) -> ExportError:
    """``<title> <source> ist fehlerhaft (2 Probleme):`` and one located line per problem."""
    lines = "\n".join(problem.render() for problem in problems)
    noun = "Problem" if len(problems) == 1 else "Probleme"
    return ExportError(
        f"{title} {source} ist fehlerhaft ({len(problems)} {noun}):\n{lines}",
        problems=list(problems),
    )
