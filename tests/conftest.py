"""Shared fixtures: real captured pages, servers on 127.0.0.1, a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import PageServer, SmtpSink, WebhookReceiver

# tests/fixtures holds copies of the shared captures the tests read, so a clone tests on its own;
# MONITOR_FIXTURES points them at another copy, such as the team's full ../shared/fixtures.
FIXTURES = Path(os.environ.get("MONITOR_FIXTURES", Path(__file__).resolve().parent / "fixtures"))
GOLDENS = Path(__file__).parent / "goldens"


def fixture(relative: str) -> Path:
    """A real captured page from tests/fixtures (copies from the team's shared/fixtures)."""
    path = FIXTURES / relative
    assert path.exists(), f"missing fixture {path}: copy it from shared/fixtures (tests/fixtures/README.md)"
    return path


def series(folder: str, prefix: str) -> list[Path]:
    """Every version of one captured page, oldest first."""
    versions = sorted((FIXTURES / folder).glob(f"{prefix}__v*"))
    # an empty series would let a replay pass on nothing
    assert versions, f"no {prefix}__v* in {FIXTURES / folder}: copy the series from shared/fixtures"
    return versions


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()
