"""``evcat auth check``: every problem of an auth file, including teams the catalog lacks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from evcat.auth.config import AuthConfig
from evcat.auth.parsing import AuthConfigError, load_config


def config_problems(
    path: Path, known_teams: Callable[[], frozenset[str]] | None = None
) -> tuple[AuthConfig | None, list[str]]:
    """The parsed file (None if it does not parse) and every problem found in it.

    With ``known_teams`` (the catalog's team ids), ``owned_by`` naming another team is a
    problem too: the binding would silently cover nothing.
    """
    try:
        config: AuthConfig | None = load_config(path)
        problems: list[str] = []
    except AuthConfigError as error:
        config, problems = None, list(error.problems)
    if known_teams is not None:
        problems += _unknown_teams(path, known_teams)
    return config, problems


def _unknown_teams(path: Path, known_teams: Callable[[], frozenset[str]]) -> list[str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    bindings = data.get("bindings") if isinstance(data, dict) else None
    if not isinstance(bindings, list):
        return []
    teams = known_teams()
    return [
        f"bindings[{index}]: owned_by names the team '{binding['owned_by']}', which the "
        f"catalog does not have (teams: {', '.join(sorted(teams)) or 'none'})"
        for index, binding in enumerate(bindings)
        if isinstance(binding, dict)
        and isinstance(binding.get("owned_by"), str)
        and binding["owned_by"] not in teams
    ]
