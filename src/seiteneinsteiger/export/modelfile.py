"""Loading a YAML settings file of the exports into its pydantic model, every problem located.

Export profiles, the family letter's texts and its district settings are all one YAML mapping
checked by a model; an error names ``FILE:LINE``, the field and what is wrong, all problems of
the file at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from seiteneinsteiger.errors import ExportError, Problem
from seiteneinsteiger.yamlsource import Document, load_documents

M = TypeVar("M", bound=BaseModel)
Locate = Callable[[Document, tuple[str | int, ...], str], Problem]


def _locate(document: Document, loc: tuple[str | int, ...], message: str) -> Problem:
    return document.problem(loc, message)


def load_model_file(
    path: Path,
    source: str,
    model: type[M],
    *,
    title: str,
    expected: str,
    locate: Locate = _locate,
) -> tuple[Document, M]:
    """The parsed document and its model; a broken file is one :class:`ExportError`.

    ``title`` names the kind of file in the message ("Exportprofil"), ``expected`` the keys of
    the mapping a file must be ("format, id, fields, ...").
    """
    from seiteneinsteiger.intake_io import explain_validation_error

    document = load_documents(path, source)[0]
    data = document.data
    if not isinstance(data, dict):
        raise ExportError(f"{source}:1: eine Abbildung mit {expected} erwartet")
    try:
        return document, model.model_validate(data)
    except ValidationError as exc:
        problems = [
            locate(document, loc, message)
            for loc, message in explain_validation_error(exc, model, data)
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
