"""Run protoc from grpcio-tools in this process, and say in plain words what it rejected.

protoc only reads and writes files and reports on standard error, so each call writes its input
to a scratch directory of this process (on tmpfs when there is one) and borrows file descriptor
2 while it runs. Compiled source is cached, because producers register one schema again and
again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2
from grpc_tools import _protoc_compiler

from evcat.errors import InvalidSchemaError

_SCRATCH_NAME = "__evcat_schema__.proto"
_PROTOC_LINE = re.compile(r"^(.+?)(?::(\d+):(\d+))?: (.*)$")
# protoc also logs through absl ("W0000 00:00:1796... parser.cc:659] ...").
_PROTOC_LOG = re.compile(r"^([IWEF]\d{4} \d|WARNING: All log messages before absl)")
_MISSING_IMPORT = re.compile(r'^Import "([^"]+)" was not found or had errors\.$')
_COMPILED_CACHE_SIZE = 512

# protoc reads and writes files and reports on standard error; one lock covers the scratch
# directory and the borrowed file descriptor 2.
_lock = threading.Lock()
_scratch: dict[int, Path] = {}
_compiled: OrderedDict[bytes, bytes] = OrderedDict()


def _directory() -> Path:
    """This process's scratch directory: a forked worker must not share its parent's."""
    path = _scratch.get(os.getpid())
    if path is None:
        memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # tmpfs when possible
        path = _scratch[os.getpid()] = Path(tempfile.mkdtemp(prefix="evcat-protoc-", dir=memory))
    return path


@atexit.register
def _remove_scratch() -> None:
    if os.getpid() in _scratch:
        shutil.rmtree(_scratch[os.getpid()], ignore_errors=True)


def run_protoc(
    arguments: list[str], names: Iterable[str], text: str | None = None, imports: bytes = b""
) -> Any:
    """Run protoc; returns ``(status, messages, FileDescriptorSet)``.

    With ``text`` that text is the file compiled; ``imports`` is a serialized file set.
    ``names`` are the files protoc may report on, which tells its messages from other output.
    """
    with _lock:
        scratch = _directory()
        if text is not None:
            # Alone in its directory, so no import can reach protoc's other scratch files.
            (scratch / "source").mkdir(exist_ok=True)
            (scratch / "source" / _SCRATCH_NAME).write_text(text, encoding="utf-8")
            arguments = [f"-I{scratch / 'source'}", *arguments, _SCRATCH_NAME]
        if imports:
            (scratch / "imports.pb").write_bytes(imports)
            arguments = [f"--descriptor_set_in={scratch / 'imports.pb'}", *arguments]
        output = scratch / "out.pb"
        arguments = ["protoc", f"--descriptor_set_out={output}", *arguments]
        with (scratch / "stderr.txt").open("w+b") as sink:
            sys.stderr.flush()
            saved = os.dup(2)
            try:
                os.dup2(sink.fileno(), 2)
                status = _protoc_compiler.run_main([a.encode() for a in arguments])
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            sink.seek(0)
            report = sink.read().decode("utf-8", "replace")
            report = report.replace(f"{scratch / 'source'}{os.sep}", "")
        compiled = descriptor_pb2.FileDescriptorSet()
        if status == 0:
            compiled.ParseFromString(output.read_bytes())
    known = {_SCRATCH_NAME, *names}
    ours: list[str] = []
    foreign: list[str] = []
    for line in report.splitlines():
        if line.partition(":")[0] in known:
            ours.append(line)
        elif _PROTOC_LOG.match(line) or ": warning:" in line:
            continue
        elif ours and ours[-1].count('"') % 2:
            ours[-1] += "\\n" + line  # a quoted name with a line break in it
        elif line:
            foreign.append(line)
    if foreign:  # another thread wrote to standard error meanwhile: pass it on
        sys.stderr.write("\n".join(foreign) + "\n")
    return status, "\n".join(ours), compiled


def compile_source(text: str, imported: Sequence[Any], names: Iterable[str]) -> Any:
    """Compile ``.proto`` ``text`` whose imports are ``imported``; returns its descriptor.

    ``imported`` holds every file the text may import, each after its own imports; ``names``
    are the import paths the text names. Raises ``InvalidSchemaError`` with protoc's reasons.
    """
    imports = descriptor_pb2.FileDescriptorSet(file=imported).SerializeToString(deterministic=True)
    # Producers register the same schema again and again: keep what protoc made of it.
    key = hashlib.blake2b(imports + b"\0" + text.encode("utf-8", "surrogatepass")).digest()
    with _lock:
        compiled = _compiled.get(key)
    if compiled is None:
        known = [*names, *(file.name for file in imported)]
        status, messages, file_set = run_protoc([], known, text=text, imports=imports)
        if status != 0:
            raise InvalidSchemaError(f"Invalid Protobuf schema: {_explain(messages)}")
        compiled = file_set.file[0].SerializeToString()
        with _lock:
            _compiled[key] = compiled
            if len(_compiled) > _COMPILED_CACHE_SIZE:
                _compiled.popitem(last=False)
    return descriptor_pb2.FileDescriptorProto.FromString(compiled)


def _explain(messages: str) -> str:
    """protoc's messages as one sentence that says where each problem is and what to do."""
    reasons: list[str] = []
    for match in filter(None, map(_PROTOC_LINE.match, messages.splitlines())):
        name, row, column, text = match.groups()
        if text == "File not found." or text.startswith("warning:"):
            continue
        missing = _MISSING_IMPORT.match(text)
        if missing:
            text = missing_import(missing.group(1))
        text = text.replace(f'"{_SCRATCH_NAME}"', "this schema").replace(_SCRATCH_NAME, "it")
        where = "" if row is None else f"line {row}, column {column}: "
        reason = where + text if name == _SCRATCH_NAME else f"in {name}: {where}{text}"
        if reason not in reasons:
            reasons.append(reason)
    return "; ".join(reasons[:8]) or "protoc rejected the file"


def missing_import(name: str) -> str:
    """What to do about an import that is neither a built-in file nor a reference."""
    return (
        f'import "{name}" is neither a built-in file nor one of the given references; '
        f'register that file and add a reference named "{name}"'
    )
