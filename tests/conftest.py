"""Shared fixtures: real captured pages, servers on 127.0.0.1, a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import PageServer, SmtpSink, WebhookReceiver

FIXTURES = Path(
    os.environ.get("MONITOR_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures")
)
GOLDENS = Path(__file__).parent / "goldens"


def fixture(relative: str) -> Path:
    """A real captured page from ../shared/fixtures (the team's read-only folder)."""
    path = FIXTURES / relative
    assert path.exists(), f"missing fixture {path}: is ../shared beside the project?"
    return path


def series(folder: str, prefix: str) -> list[Path]:
    """Every version of one captured page, oldest first."""
    return sorted((FIXTURES / folder).glob(f"{prefix}__v*"))


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
