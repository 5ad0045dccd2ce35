"""The README tells the truth: every command, option-bearing config key and JSON field is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.cli import cli
from monitor.config import MONITOR_KEYS, SOURCE_KEYS

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command: str) -> None:
    """Each CLI command has a row in the README's command table."""
    assert f"| `monitor {command}" in README


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_option_is_documented(command: str) -> None:
    """Each option of each command appears in the README."""
    for param in cli.commands[command].params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert opt in README, f"{command} {opt}"


@pytest.mark.parametrize("key", sorted(MONITOR_KEYS | SOURCE_KEYS))
def test_every_config_key_is_documented(key: str) -> None:
    """Each sources.toml key has a row in one of the README's key tables."""
    assert re.search(rf"^\| `{key}` \|", README, re.M), key


def test_readme_starts_with_the_two_commands() -> None:
    """The first block of the README is `make run` and `make test`."""
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
