"""Files as they were at a git ref, read with ``git cat-file`` without touching the worktree.

One ``git cat-file --batch`` process answers any number of paths, so an offline check of
hundreds of schema files costs one subprocess, not one per file.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from evcat.cli.errors import UserError


def _git(arguments: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *arguments], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UserError("git is not installed, and --against REF needs it") from None


class GitTree:
    """The tree of one commit. ``read`` gives a file's text there, or None if it is absent."""

    def __init__(self, ref: str, cwd: Path) -> None:
        if ref.startswith("-"):
            raise UserError(f"unknown git ref '{ref}'")
        top = _git(["rev-parse", "--show-toplevel"], cwd)
        if top.returncode != 0:
            raise UserError(f"{cwd} is not inside a git repository, and --against REF needs one")
        self.root = Path(top.stdout.decode().strip()).resolve()
        commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
        if commit.returncode != 0:
            raise UserError(
                f"unknown git ref '{ref}': fetch it first (git fetch origin main), "
                "or name a branch, tag or commit that exists here"
            )
        self.ref = ref
        self.commit = commit.stdout.decode().strip()
        self._texts: dict[Path, str | None] = {}

    def relative(self, path: Path) -> str | None:
        """The path as git names it (relative to the root), or None if outside the repository."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def prefetch(self, paths: Iterable[Path]) -> None:
        """Read many files in one ``git cat-file`` call."""
        wanted = [p.resolve() for p in paths if p.resolve() not in self._texts]
        named = [(p, self.relative(p)) for p in wanted]
        for path, name in named:
            if name is None:
                self._texts[path] = None
        asked = [(p, n) for p, n in named if n is not None]
        if not asked:
            return
        request = b"".join(f"{self.commit}:{name}\n".encode() for _, name in asked)
        answer = _git(["cat-file", "--batch"], self.root, request)
        if answer.returncode != 0:
            message = answer.stderr.decode(errors="replace").strip()
            raise UserError(f"git cat-file failed: {message}")
        out, at = answer.stdout, 0
        for path, _ in asked:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) != 3:  # "<name> missing" or "<name> ambiguous"
                self._texts[path] = None
                continue
            size = int(header[2])
            content = out[at : at + size]
            at += size + 1
            self._texts[path] = (
                content.decode("utf-8", errors="replace") if header[1] == b"blob" else None
            )

    def read(self, path: Path) -> str | None:
        key = path.resolve()
        if key not in self._texts:
            self.prefetch([key])
        return self._texts[key]
