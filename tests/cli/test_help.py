"""Every command explains itself: ``--help`` with examples, ``--version``, shell completion."""

from __future__ import annotations

import pytest

from tests.cli.helpers import Invoke

COMMANDS = ("register", "check", "diff", "subjects", "versions", "show", "config", "delete")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_shows_examples(evcat: Invoke, command: str) -> None:
    result = evcat(command, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"evcat {command} " in result.stdout


@pytest.mark.parametrize("command", ("register", "check", "diff", "subjects", "show", "delete"))
def test_commands_that_talk_to_a_registry_take_the_connection_options(
    evcat: Invoke, command: str
) -> None:
    text = evcat(command, "--help").stdout
    for option in ("--registry", "--user", "--password", "--token", "EVCAT_URL"):
        assert option in text


def test_version(evcat: Invoke) -> None:
    assert evcat("--version").stdout == "evcat 0.1.0\n"


def test_shell_completion_is_offered(evcat: Invoke) -> None:
    assert "--install-completion" in evcat("--help").stdout
