"""Renderers: one module per output format, each a pure function Analysis × RenderOptions → str.

Every renderer treats text from the log as untrusted and escapes it for the
system its output goes into (terminal, Markdown, HTML, XML, workflow commands).
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Analysis
from .codequality import render_codequality
from .github import render_github
from .html import render_html
from .json import render_json
from .junit import render_junit
from .markdown import render_markdown
from .options import RenderOptions, color_wanted
from .sarif import render_sarif
from .text import render_text

Renderer = Callable[[Analysis, RenderOptions], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
    "github": render_github,
    "junit": render_junit,
    "sarif": render_sarif,
    "codequality": render_codequality,
    "json": render_json,  # the contract (the lead's module); the CLI calls it with --indent
}

__all__ = ["RENDERERS", "RenderOptions", "Renderer", "color_wanted", "render"]


def render(analysis: Analysis, fmt: str, options: RenderOptions | None = None) -> str:
    """Render `analysis` in format `fmt` (a key of RENDERERS)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown format {fmt!r}; one of: {', '.join(sorted(RENDERERS))}"
        ) from None
    return renderer(analysis, options or RenderOptions())
