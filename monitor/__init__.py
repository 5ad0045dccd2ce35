"""monitor: watches LLM API pricing pages and alerts with exactly what changed."""

__version__ = "0.1.0"
