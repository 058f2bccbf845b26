"""Renderers: one module per output format, each a pure function Analysis × RenderOptions → str.

Every renderer treats text from the log as untrusted and escapes it for the
system its output goes into (terminal, Markdown, HTML, XML, workflow commands).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module

from ..model import Analysis
from .options import RenderOptions, color_wanted

Renderer = Callable[[Analysis, RenderOptions], str]

# format → (module, function). The JSON contract is the lead's module; the CLI
# calls it with --indent.
_FORMATS = {
    "text": ("text", "render_text"),
    "markdown": ("markdown", "render_markdown"),
    "html": ("html", "render_html"),
    "github": ("github", "render_github"),
    "junit": ("junit", "render_junit"),
    "sarif": ("sarif", "render_sarif"),
    "codequality": ("codequality", "render_codequality"),
    "json": ("json", "render_json"),
}


class _Renderers(Mapping[str, Renderer]):
    """The renderers by format; a format's module is imported when it is first
    asked for: `--format json` or a Python caller of one format loads none of the
    other seven (10-15 ms of start-up)."""

    def __getitem__(self, fmt: str) -> Renderer:
        module, function = _FORMATS[fmt]
        return getattr(import_module(f"{__name__}.{module}"), function)

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATS)

    def __len__(self) -> int:
        return len(_FORMATS)


RENDERERS: Mapping[str, Renderer] = _Renderers()

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
