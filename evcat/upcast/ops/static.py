"""Static checking: run an upcaster's operations over the *shapes* of its schemas.

The checker starts from the source schema's shape, lets each operation move, add and remove
fields of that shape (exactly as it will do to payloads), and reports:

- ``UNKNOWN_SOURCE_PATH``: an operation reads a field the payload does not have at that point;
- ``UNKNOWN_TARGET_PATH``: it writes a field the target schema does not have;
- ``TYPE_MISMATCH``: what it writes does not fit the target field;
- ``MISSING_TARGET_FIELD``: a required target field without default is never produced;
- ``OVERWRITTEN``: a field is written twice and the first value never read.

Once the operations have run, ``conform`` works out what the compiled edge adds at its end so
every output has the target's layout: ``drop`` for fields the target lacks and ``set_default``
for target fields with defaults that nothing wrote (what Avro resolution does implicitly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from evcat.upcast.errors import Problem
from evcat.upcast.paths import Path, show
from evcat.upcast.shapes.model import (
    ANY,
    FieldShape,
    Shape,
    assignable,
    constant_fits,
    expression_fits,
    field_at,
    record,
    record_of,
)

# The operation type: ``ops.base.Op``, whose ``check`` takes this context, so it is a parameter
# here rather than an import.
OpT = TypeVar("OpT")


@dataclass
class Slot:
    """A field of the payload being simulated: its shape, or a nested record being edited."""

    shape: Shape
    nested: Work | None = None
    maybe_missing: bool = False
    written_by: int | None = None
    read_since_write: bool = False


@dataclass
class Work:
    """A record of the simulated payload."""

    fields: dict[str, Slot] = field(default_factory=dict)
    open: bool = False

    @classmethod
    def of(cls, shape: Shape) -> Work:
        holder = record_of(shape)
        if holder is None:
            return cls(open=True)
        slots = {
            name: Slot(each.shape, maybe_missing=not each.required)
            for name, each in holder.fields.items()
        }
        return cls(slots, open=holder.open)

    def to_shape(self) -> Shape:
        fields = {
            name: FieldShape(
                slot.nested.to_shape() if slot.nested else slot.shape,
                required=not slot.maybe_missing,
            )
            for name, slot in self.fields.items()
        }
        return record(fields, open=self.open)


@dataclass
class Conformance:
    """What ``conform`` adds to an edge: fields to drop, defaults to set, or a projection."""

    drops: list[Path] = field(default_factory=list)
    defaults: list[tuple[Path, Any]] = field(default_factory=list)
    select: list[Path] | None = None


class CheckContext(Generic[OpT]):
    """The simulated payload plus the problems found; operations call its methods."""

    def __init__(
        self,
        source: Shape | None,
        target: Shape | None,
        *,
        event_type: str = "",
        versions: tuple[int, ...] = (),
    ) -> None:
        self.checking_source = source is not None
        self.target = target
        self.work = Work.of(source) if source is not None else Work(open=True)
        self.problems: list[Problem] = []
        self.event_type = event_type
        self.versions = versions
        self.op = 0
        self.checked: dict[int, OpT] = {}
        """Operations the check completed, by index, to compile in place of the declared ones
        (``for_each`` with its elements' conformance)."""

    # -- reporting ---------------------------------------------------------------------------

    def problem(self, code: str, message: str, path: Path = ()) -> None:
        self.problems.append(
            Problem(code, message, self.event_type, self.versions, show(path), self.op)
        )

    # -- the simulated payload ---------------------------------------------------------------

    def _holder(self, path: Path, create: bool) -> Work | None:
        """The simulated record holding ``path[-1]``; None when the path crosses a non-record."""
        node = self.work
        for key in path[:-1]:
            slot = node.fields.get(key)
            if slot is None:
                if create:
                    slot = Slot(record({}), nested=Work())
                    node.fields[key] = slot
                elif node.open:
                    return Work(open=True)
                else:
                    return None
            if slot.nested is None:
                if record_of(slot.shape) is None and slot.shape.kind != "any":
                    return None
                slot.nested = Work.of(slot.shape)
            node = slot.nested
        return node

    def _slot(self, path: Path) -> Slot | None:
        holder = self._holder(path, create=False)
        if holder is None:
            return None
        slot = holder.fields.get(path[-1])
        if slot is None and holder.open:
            return Slot(ANY, maybe_missing=True)
        return slot

    def has(self, path: Path) -> bool:
        return self._slot(path) is not None

    def read(self, path: Path) -> Shape | None:
        """The shape at ``path``; reports ``UNKNOWN_SOURCE_PATH`` when there is none."""
        if not self.checking_source:
            return ANY
        slot = self._slot(path)
        if slot is None:
            self.problem(
                "UNKNOWN_SOURCE_PATH",
                f"reads '{show(path)}', which the payload does not have at this point",
                path,
            )
            return None
        slot.read_since_write = True
        return slot.nested.to_shape() if slot.nested else slot.shape

    def narrow(self, path: Path) -> None:
        """Record that the field at ``path`` is known not to be null here."""
        slot = self._slot(path)
        if slot is not None and slot.nested is None and slot.shape.kind == "union":
            branches = tuple(b for b in slot.shape.branches if b.kind != "null")
            slot.shape = branches[0] if len(branches) == 1 else Shape("union", branches=branches)

    def kind_at(self, path: Path) -> str | None:
        """For expressions: the kind at ``path``, or None if the payload lacks it."""
        if not self.checking_source:
            return "any"
        slot = self._slot(path)
        if slot is None:
            return None
        slot.read_since_write = True
        shape = slot.nested.to_shape() if slot.nested else slot.shape
        return _expression_kind(shape)

    def remove(self, path: Path) -> Shape | None:
        """Take the field out of the payload; returns its shape."""
        shape = self.read(path)
        holder = self._holder(path, create=False)
        if holder is not None:
            holder.fields.pop(path[-1], None)
        return shape

    def target_field(self, path: Path) -> FieldShape | None:
        """The target's field at ``path``; reports ``UNKNOWN_TARGET_PATH`` when there is none."""
        if self.target is None:
            return FieldShape(ANY)
        found = field_at(self.target, path)
        if found is None:
            self.problem(
                "UNKNOWN_TARGET_PATH",
                f"writes '{show(path)}', which the target schema does not have",
                path,
            )
        return found

    def write(self, path: Path, shape: Shape, *, maybe_missing: bool = False) -> None:
        """Put a value of ``shape`` at ``path``, checking it against the target."""
        wanted = self.target_field(path)
        why = assignable(shape, wanted.shape) if wanted is not None else None
        self._settle(path, shape, why, maybe_missing)

    def write_constant(self, path: Path, value: Any) -> None:
        """Put the constant ``value`` at ``path``."""
        wanted = self.target_field(path)
        why = constant_fits(value, wanted.shape) if wanted is not None else None
        self._settle(path, wanted.shape if wanted else ANY, why, False)

    def write_kind(self, path: Path, kind: str) -> None:
        """Put an expression's result, of expression kind ``kind``, at ``path``."""
        wanted = self.target_field(path)
        why = expression_fits(kind, wanted.shape) if wanted is not None else None
        self._settle(path, wanted.shape if wanted else ANY, why, False)

    def _settle(self, path: Path, shape: Shape, why: str | None, maybe_missing: bool) -> None:
        if why is not None:
            self.problem("TYPE_MISMATCH", f"'{show(path)}': {why}", path)
        self._place(path, shape, maybe_missing)

    def _place(self, path: Path, shape: Shape, maybe_missing: bool) -> None:
        holder = self._holder(path, create=True)
        if holder is None:
            self.problem(
                "TYPE_MISMATCH", f"'{show(path[:-1])}' is not a record, so it has no fields", path
            )
            return
        previous = holder.fields.get(path[-1])
        if (
            previous is not None
            and previous.written_by is not None
            and not (previous.read_since_write)
        ):
            self.problem(
                "OVERWRITTEN",
                f"'{show(path)}' was written by op #{previous.written_by} and is written again "
                "before anything read it",
                path,
            )
        holder.fields[path[-1]] = Slot(shape, maybe_missing=maybe_missing, written_by=self.op)

    # -- the end of the edge -----------------------------------------------------------------

    def conform(self, *, project: bool) -> Conformance:
        """Report missing target fields; return the drops and defaults the edge appends.

        ``project`` is true when the target refuses fields it does not declare (Avro,
        Protobuf, closed JSON objects): leftover fields are then dropped.
        """
        result = Conformance()
        if self.target is None or record_of(self.target) is None:
            return result
        self._conform(self.work, record_of(self.target), (), project, result)  # type: ignore[arg-type]
        if project and self.work.open and self.checking_source:
            # Open sources may hold fields no schema lists; only a projection removes them.
            target = record_of(self.target)
            assert target is not None
            result.select = [(name,) for name in target.fields]
            result.drops = [path for path in result.drops if len(path) > 1]
        return result

    def _conform(
        self, work: Work, target: Shape, prefix: Path, project: bool, result: Conformance
    ) -> None:
        for name, wanted in target.fields.items():
            path = (*prefix, name)
            slot = work.fields.get(name)
            if slot is None:
                if wanted.has_default:
                    result.defaults.append((path, wanted.default))
                elif wanted.required:
                    self.problem(
                        "MISSING_TARGET_FIELD",
                        f"target field '{show(path)}' is required, has no default, and no "
                        "operation produces it",
                        path,
                    )
                continue
            nested_target = record_of(wanted.shape)
            if (
                slot.written_by is None
                and nested_target is not None
                and (slot.nested is not None or record_of(slot.shape) is not None)
            ):
                if slot.nested is None:
                    slot.nested = Work.of(slot.shape)
                self._conform(slot.nested, nested_target, path, project, result)
                continue
            if slot.written_by is None and self.checking_source:
                shape = slot.nested.to_shape() if slot.nested else slot.shape
                why = assignable(shape, wanted.shape)
                if why is not None:
                    self.problem(
                        "TYPE_MISMATCH",
                        f"'{show(path)}' is carried over unchanged but {why}; add a convert, "
                        "cast or map_enum operation",
                        path,
                    )
        if project or not target.open:
            for name in work.fields:
                if name not in target.fields:
                    result.drops.append((*prefix, name))


def _expression_kind(shape: Shape) -> str:
    kinds = {
        "int": "int",
        "long": "int",
        "float": "float",
        "double": "float",
        "string": "string",
        "enum": "string",
        "boolean": "boolean",
        "null": "null",
        "array": "list",
        "map": "map",
        "record": "map",
    }
    if shape.kind == "union":
        non_null = [b for b in shape.branches if b.kind != "null"]
        return _expression_kind(non_null[0]) if len(non_null) == 1 else "any"
    return kinds.get(shape.kind, "any")
