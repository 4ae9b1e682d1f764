"""Running st2desk's command line in a test as a person who signs in (DESIGN §7.1)."""

from __future__ import annotations

import io
import sys

import pytest

from tests.cast import PASSWORD


def as_user(args: list[str], username: str = "admin1") -> list[str]:
    """`args` acting as `username` (the cast's password comes on standard input)."""
    return [*args, "--user", username]


@pytest.fixture
def cli_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input carries the cast's password, once per command that asks for it."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n" * 200))
