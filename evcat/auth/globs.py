"""Subject globs of bindings: ``*`` any run of characters, ``?`` one, ``[...]`` a class.

A glob matches the whole subject name, context prefix included: ``:.shop:orders-*`` matches
``:.shop:orders-value`` and ``orders-*`` does not.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable

Matcher = Callable[[str], bool]


def glob_problem(glob: object) -> str | None:
    """Why ``glob`` is not a usable subject glob, or None when it is."""
    if not isinstance(glob, str) or not glob.strip():
        return f"subject glob {glob!r} must be a non-empty string"
    if "\x00" in glob:
        return f"subject glob {glob!r} holds a NUL character"
    position = 0
    while position < len(glob):
        if glob[position] == "[":
            # As in fnmatch, a ']' right after '[' or '[!' belongs to the class.
            inner = position + 1
            inner += glob[inner : inner + 1] == "!"
            inner += glob[inner : inner + 1] == "]"
            position = glob.find("]", inner)
            if position == -1:
                return f"subject glob {glob!r} opens a character class '[' it never closes"
        position += 1
    return None


def compile_globs(globs: Iterable[str]) -> Matcher:
    """One matcher for any of ``globs`` (which must have passed ``glob_problem``)."""
    patterns = [fnmatch.translate(glob) for glob in globs]
    joined = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.DOTALL)
    return lambda subject: joined.match(subject) is not None
