"""What the engine returns: a plain, typed result with the fields of ``recommendation@1``.

The contract itself is the pydantic model :class:`seiteneinsteiger.models.recommendation.
Recommendation`. The engine does not validate each result against it (that cost a quarter of the
engine's time): :meth:`Result.to_model` does, and the tests check over thousands of generated
intakes that the JSON written here is exactly the model's JSON. The values are the model's own
types (enum members, dates), so code that reads a result reads it like the model.

A ``because`` text is rendered when it is first read (``recommend`` without ``--explain`` and the
exports never read it); the values it shows are taken when the rule fires.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic_core import to_json

from seiteneinsteiger.codes import (
    Erstalphabetisierung,
    Measure,
    SchoolForm,
    SchulpflichtStatus,
    Stage,
)
from seiteneinsteiger.rules.facts import OUTPUT_DERIVED, OUTPUTS, WHY_NOT_PREFIX

if TYPE_CHECKING:
    from seiteneinsteiger.models.recommendation import Recommendation
    from seiteneinsteiger.rules.compiled import Template

FORMAT: Literal["seiteneinsteiger/recommendation@1"] = "seiteneinsteiger/recommendation@1"


@dataclass(frozen=True, slots=True)
class RuleSetRef:
    id: str
    version: str
    extends: tuple[str, ...] = ()


@dataclass(slots=True)
class Schulpflicht:
    status: SchulpflichtStatus
    since: dt.date | None = None
    starts: dt.date | None = None
    until: dt.date | None = None


_FRAGMENT_LIMIT = 20_000
#: Trace fragments (about 1 KB each) kept per step. A step whose text shows a child's own dates
#: repeats few of them: once it has made _STEP_TRIAL fragments, a step that made one for more
#: than every second entry keeps none (it would hold memory for little gain).
_STEP_FRAGMENT_LIMIT = 1_000
_STEP_TRIAL = 200

#: Facts that change while the tables of a rule set run: the outputs of tables (the engine sets
#: them after each table) and what is derived from them; every other fact is fixed once computed.
_CHANGING = frozenset(OUTPUTS) | frozenset(OUTPUT_DERIVED)


def is_changing(name: str) -> bool:
    return name in _CHANGING or name.startswith(WHY_NOT_PREFIX)


@dataclass(frozen=True, slots=True)
class TraceStep:
    """What a trace entry of one rule (or of a table's ``otherwise``) always says."""

    rule: str
    ruleset: str
    file: str
    line: int
    because: str | Template  # a Template when the text shows facts
    sources: tuple[str, ...] = ()
    #: the rule sets the same outcome whenever it fires (constants only): its entry's JSON then
    #: depends on the values its text shows alone; other entries' JSON is kept by those values
    #: and the JSON of the outcome (see :meth:`TraceEntry.json`)
    constant_outcome: bool = False
    #: the facts its text shows that change while the tables run (outputs of tables): their
    #: values are taken when the rule fires; the others are read from the final facts
    changing: tuple[str, ...] = dataclasses.field(init=False, repr=False)
    #: the JSON of every entry is the same (a constant outcome and a text without placeholders)
    fixed: bool = dataclasses.field(init=False, repr=False)
    _names: tuple[str, ...] = dataclasses.field(init=False, repr=False)
    _slots: tuple[tuple[str, bool], ...] = dataclasses.field(init=False, repr=False)
    #: entries' JSON (UTF-8) by (escape, indent, values shown, outcome JSON or None when
    #: constant)
    fragments: dict[tuple[Any, ...], bytes] = dataclasses.field(
        init=False, default_factory=dict, compare=False, repr=False
    )
    #: [entries written, whether fragments are kept (1) or not (0)]
    _tally: list[int] = dataclasses.field(
        init=False, default_factory=lambda: [0, 1], compare=False, repr=False
    )
    #: the compact JSON of an entry around its outcome and text, by escape (see :meth:`frame`)
    _frames: dict[Escape | None, tuple[bytes, bytes]] = dataclasses.field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        names = () if isinstance(self.because, str) else self.because.names
        slots = tuple((name, is_changing(name)) for name in names)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_slots", slots)
        object.__setattr__(self, "changing", tuple(name for name, taken in slots if taken))
        object.__setattr__(self, "fixed", self.constant_outcome and not names)

    def frame(self, escape: Escape | None) -> tuple[bytes, bytes]:
        """What the compact JSON of each entry of this step has before its outcome (up to
        ``"outcome":``) and after its text (``,"sources":[...]}``), ``escape`` applied."""
        frame = self._frames.get(escape)
        if frame is None:
            where = {"rule": self.rule, "ruleset": self.ruleset, "file": self.file}
            head = to_json(where | {"line": self.line})[:-1] + b',"outcome":'
            tail = b"," + to_json({"sources": self.sources})[1:]
            frame = self._frames[escape] = (_escaped(head, escape), _escaped(tail, escape))
        return frame

    def values(self, facts: Mapping[str, Any], taken: tuple[Any, ...]) -> tuple[Any, ...]:
        """The values of the text's placeholders: ``taken`` for the changing ones, in order."""
        if not taken:
            return tuple(map(facts.get, self._names)) if self._names else ()
        changing = iter(taken)
        return tuple(
            next(changing) if is_taken else facts.get(name) for name, is_taken in self._slots
        )


class TraceEntry(tuple[TraceStep, dict[str, Any], Mapping[str, Any], tuple[Any, ...]]):
    """A rule that fired: where it is written, what it set (``outcome``), and why.

    A tuple ``(step, outcome, facts, taken)``: the engine makes one per rule that fires, so it
    is created at C speed. :attr:`because` renders the text when it is read, from ``facts``
    (the intake's facts at the end of the evaluation) and ``taken``, the values of the facts
    that changed after the rule fired (:attr:`TraceStep.changing`).
    """

    __slots__ = ()

    @property
    def step(self) -> TraceStep:
        return self[0]

    @property
    def outcome(self) -> dict[str, Any]:
        return self[1]

    @property
    def rule(self) -> str:
        return self[0].rule

    @property
    def ruleset(self) -> str:
        return self[0].ruleset

    @property
    def file(self) -> str:
        return self[0].file

    @property
    def line(self) -> int:
        return self[0].line

    @property
    def sources(self) -> tuple[str, ...]:
        return self[0].sources

    @property
    def because(self) -> str:
        step, outcome, facts, taken = self
        because = step.because
        if isinstance(because, str):
            return because
        return because.render_values(step.values(facts, taken), outcome)

    def json(self, escape: Escape | None = None, indent: int | None = None) -> str:
        """This entry as JSON (an element of ``Result.to_json()``), ``escape`` applied; with
        ``indent``, as ``json.dumps(entry, indent=indent)`` writes it on its own."""
        return self.json_bytes(escape, indent).decode("utf-8")

    def json_bytes(self, escape: Escape | None = None, indent: int | None = None) -> bytes:
        """:meth:`json` in UTF-8, as it is kept.

        The text is kept per step: a batch repeats most entries. Besides the step, it depends
        on the values its text shows and on the outcome; the outcome is keyed by its compact
        JSON (not by its values: ``1 == True`` in Python, not in JSON), except for a step whose
        outcome is always the same.
        """
        step, outcome, facts, taken = self
        if step.fixed:  # one text per escape and indent
            fixed_key = (escape, indent)
            kept = step.fragments.get(fixed_key)
            if kept is None:
                kept = step.fragments[fixed_key] = self._made(escape, indent, None)
            return kept
        tally = step._tally
        if not tally[1]:
            return self._made(escape, indent, None)
        tally[0] += 1
        outcome_json = None if step.constant_outcome else to_json(outcome)
        key = (escape, indent, step.values(facts, taken), outcome_json)
        cache = step.fragments
        try:
            kept = cache.get(key)
        except TypeError:  # a list among the values: no cache
            return self._made(escape, indent, outcome_json)
        if kept is None:
            made = len(cache)
            if made >= _STEP_TRIAL and made * 2 > tally[0]:  # mostly new texts: keep none
                cache.clear()
                tally[1] = 0
                return self._made(escape, indent, outcome_json)
            if made > _STEP_FRAGMENT_LIMIT:
                cache.clear()
            kept = cache[key] = self._made(escape, indent, outcome_json)
        return kept

    def _made(self, escape: Escape | None, indent: int | None, outcome_json: bytes | None) -> bytes:
        """The JSON made anew; the compact one from the step's frame, the outcome's JSON and
        the text's: what serialising :meth:`as_contract` writes (``escape`` changes character
        by character, so it can be applied to the pieces)."""
        if indent is not None:
            return _escaped(to_json(self.as_contract(), indent=indent), escape)
        head, tail = self[0].frame(escape)
        outcome = _escaped(outcome_json or to_json(self[1]), escape)
        because = _escaped(to_json(self.because), escape)
        return b"".join((head, outcome, b',"because":', because, tail))

    def as_contract(self) -> dict[str, Any]:
        step = self[0]
        return {
            "rule": step.rule,
            "ruleset": step.ruleset,
            "file": step.file,
            "line": step.line,
            "outcome": self[1],
            "because": self.because,
            "sources": step.sources,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TraceEntry):
            return NotImplemented
        return self.as_contract() == other.as_contract()

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, TraceEntry):
            return NotImplemented
        return self.as_contract() != other.as_contract()

    __hash__ = None  # type: ignore[assignment]  # holds a dict, compared by content

    def __repr__(self) -> str:
        return f"TraceEntry({self.rule!r}, {self.file}:{self.line})"


WhyNot = dict[str, str]


class Result:
    """The recommendation for one intake (fields and order of ``recommendation@1``).

    ``why_not`` may be given as a function that computes it: it runs when ``why_not`` is first
    read (``recommend`` without ``--explain`` and the exports never read it).
    """

    __slots__ = (
        "_why_not",
        "_why_not_later",
        "age",
        "bk_ifk",
        "case_id",
        "erstalphabetisierung",
        "erstfoerderung",
        "flags",
        "grade",
        "grade_options",
        "measures",
        "reference_date",
        "ruleset",
        "school_forms",
        "schulpflicht",
        "source",
        "stage",
        "trace",
    )

    def __init__(
        self,
        *,
        case_id: str | None,
        source: str | None,
        reference_date: dt.date,
        ruleset: RuleSetRef,
        age: int,
        schulpflicht: Schulpflicht,
        stage: Stage,
        school_forms: list[SchoolForm] | None = None,
        grade: int | None = None,
        grade_options: list[int] | None = None,
        erstfoerderung: bool = False,
        erstalphabetisierung: Erstalphabetisierung = Erstalphabetisierung.not_applicable,
        bk_ifk: bool = False,
        measures: list[Measure] | None = None,
        flags: list[str] | None = None,
        trace: list[TraceEntry] | None = None,
        why_not: WhyNot | Callable[[], WhyNot] | None = None,
    ) -> None:
        self.case_id, self.source, self.reference_date = case_id, source, reference_date
        self.ruleset, self.age, self.schulpflicht, self.stage = ruleset, age, schulpflicht, stage
        self.school_forms = school_forms if school_forms is not None else []
        self.grade = grade
        self.grade_options = grade_options if grade_options is not None else []
        self.erstfoerderung, self.erstalphabetisierung = erstfoerderung, erstalphabetisierung
        self.bk_ifk = bk_ifk
        self.measures = measures if measures is not None else []
        self.flags = flags if flags is not None else []
        self.trace = trace if trace is not None else []
        later = why_not if callable(why_not) else None
        self._why_not_later: Callable[[], WhyNot] | None = later
        self._why_not: WhyNot | None = None if later else (why_not or {})  # type: ignore[assignment]

    @property
    def why_not(self) -> WhyNot:
        found = self._why_not
        if found is None:
            assert self._why_not_later is not None
            found = self._why_not = self._why_not_later()
            self._why_not_later = None
        return found

    def replace(self, **changes: Any) -> Result:
        """A copy with ``changes`` (field names as in the constructor)."""
        values = {name: getattr(self, name) for name in _FIELDS if name != "why_not"}
        if "why_not" not in changes:  # not computed for the copy unless it is read
            values["why_not"] = self._why_not if self._why_not is not None else self._why_not_later
        return Result(**(values | changes))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self.as_contract() == other.as_contract()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Result(case_id={self.case_id!r}, stage={self.stage.value!r})"

    @property
    def format(self) -> Literal["seiteneinsteiger/recommendation@1"]:
        return FORMAT

    def as_contract(self, *, trace: bool = True) -> dict[str, Any]:
        """The contract object with Python values (codes as strings, dates), keys in contract
        order; what ``to_json`` serialises (plain strings serialise at C speed, enum members
        through Python). ``trace=False``: without the last two keys, trace and why_not."""
        sp, ruleset = self.schulpflicht, self.ruleset
        contract: dict[str, Any] = {
            "format": FORMAT,
            "case_id": self.case_id,
            "source": self.source,
            "reference_date": self.reference_date,
            "ruleset": {"id": ruleset.id, "version": ruleset.version, "extends": ruleset.extends},
            "age": self.age,
            "schulpflicht": {
                "status": sp.status.value,
                "since": sp.since,
                "starts": sp.starts,
                "until": sp.until,
            },
            "stage": self.stage.value,
            "school_forms": [form.value for form in self.school_forms],
            "grade": self.grade,
            "grade_options": self.grade_options,
            "erstfoerderung": self.erstfoerderung,
            "erstalphabetisierung": self.erstalphabetisierung.value,
            "bk_ifk": self.bk_ifk,
            "measures": [measure.value for measure in self.measures],
            "flags": self.flags,
        }
        if trace:
            contract["trace"] = [entry.as_contract() for entry in self.trace]
            contract["why_not"] = self.why_not
        return contract

    def to_json(self, indent: int | None = None, *, escape: Escape | None = None) -> str:
        """The JSON text of the contract: what ``Recommendation.model_dump_json()`` writes
        (compact), or with ``indent`` what ``json.dumps(..., indent=indent)`` writes; with
        ``escape`` (a change character by character, such as cli.output.json_for_terminal)
        applied to it."""
        return self.to_json_bytes(indent, escape=escape).decode("utf-8")

    def to_json_bytes(self, indent: int | None = None, *, escape: Escape | None = None) -> bytes:
        """:meth:`to_json` in UTF-8, as a command writes it (a batch writes megabytes: made
        as bytes, it is never decoded and encoded again).

        The text is put together from the text of the fields before the trace, the trace
        entries and the why-not texts, the last two mostly kept from earlier results (see
        :meth:`TraceEntry.json_bytes`): byte for byte what serialising the whole object writes.
        """
        if indent is not None:
            return self._indented(indent, escape)
        contract = self.as_contract(trace=False)
        head = _escaped(to_json(contract)[:-1], escape)  # no closing brace
        trace = b",".join([entry.json_bytes(escape) for entry in self.trace])
        why_not = _why_not_json(tuple(self.why_not.items()), escape, None)
        return b"".join((head, b',"trace":[', trace, b'],"why_not":', why_not, b"}"))

    def _indented(self, indent: int, escape: Escape | None) -> bytes:
        """The indented text from the same pieces: each piece written on its own and moved to
        its depth (a line break in JSON text only ever separates tokens)."""
        contract = self.as_contract(trace=False)
        head = _escaped(to_json(contract, indent=indent)[:-2], escape)  # "\n}"
        one, two = b" " * indent, b" " * (2 * indent)
        if self.trace:
            entries = b",\n".join(
                two + entry.json_bytes(escape, indent).replace(b"\n", b"\n" + two)
                for entry in self.trace
            )
            trace = b"[\n" + entries + b"\n" + one + b"]"
        else:
            trace = b"[]"
        why_not = _why_not_json(tuple(self.why_not.items()), escape, indent)
        why_not = why_not.replace(b"\n", b"\n" + one)
        return b"".join(
            (head, b",\n", one, b'"trace": ', trace, b",\n", one, b'"why_not": ', why_not, b"\n}")
        )

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON object of the contract (dates as ISO strings): ``model_dump(mode="json")``."""
        from pydantic_core import from_json

        data: dict[str, Any] = from_json(to_json(self.as_contract()))
        return data

    def to_model(self) -> Recommendation:
        """The result validated against the contract model (raises when it does not conform)."""
        from seiteneinsteiger.models.recommendation import Recommendation

        return Recommendation.model_validate_json(to_json(self.as_contract()))

    def without_explanations(self) -> Result:
        """The same result without trace and why-not texts (what exports keep per row)."""
        return self.replace(trace=[], why_not={})

    @classmethod
    def from_model(cls, model: Recommendation) -> Result:
        """A result from the contract model (a recommendation read back, or built by hand)."""
        return cls(
            case_id=model.case_id,
            source=model.source,
            reference_date=model.reference_date,
            ruleset=RuleSetRef(
                model.ruleset.id, model.ruleset.version, tuple(model.ruleset.extends)
            ),
            age=model.age,
            schulpflicht=Schulpflicht(
                model.schulpflicht.status,
                model.schulpflicht.since,
                model.schulpflicht.starts,
                model.schulpflicht.until,
            ),
            stage=model.stage,
            school_forms=list(model.school_forms),
            grade=model.grade,
            grade_options=list(model.grade_options),
            erstfoerderung=model.erstfoerderung,
            erstalphabetisierung=model.erstalphabetisierung,
            bk_ifk=model.bk_ifk,
            measures=list(model.measures),
            flags=list(model.flags),
            trace=[
                TraceEntry(
                    (
                        TraceStep(e.rule, e.ruleset, e.file, e.line, e.because, tuple(e.sources)),
                        dict(e.outcome),
                        {},
                        (),
                    )
                )
                for e in model.trace
            ],
            why_not=dict(model.why_not),
        )


#: The fields of a result, in contract order: the keyword arguments of its constructor.
_FIELDS = tuple(inspect.signature(Result.__init__).parameters)[1:]


Escape = Callable[[str], str]


def _escaped(data: bytes, escape: Escape | None) -> bytes:
    """``escape`` applied to UTF-8 JSON text (the same bytes when it changes nothing)."""
    if escape is None:
        return data
    text = data.decode("utf-8")
    escaped = escape(text)
    return data if escaped is text else escaped.encode("utf-8")


_WHY_NOT_JSON: dict[tuple[Escape | None, int | None, tuple[tuple[str, str], ...]], bytes] = {}


def _why_not_json(
    items: tuple[tuple[str, str], ...], escape: Escape | None, indent: int | None
) -> bytes:
    """The JSON of a why-not object; most batches repeat a few hundred of them (the texts are
    kept by the rule set, so their hashes are known)."""
    key = (escape, indent, items)
    found = _WHY_NOT_JSON.get(key)
    if found is None:
        if len(_WHY_NOT_JSON) > _FRAGMENT_LIMIT:
            _WHY_NOT_JSON.clear()
        found = _WHY_NOT_JSON[key] = _escaped(to_json(dict(items), indent=indent), escape)
    return found


def member_lookup(enum: Any) -> Mapping[str, Any]:
    """Enum members by value, for a lookup without ``Enum.__call__`` (the hot path)."""
    found: Mapping[str, Any] = enum._value2member_map_
    return found
