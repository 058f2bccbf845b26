"""The HTML report in headless Debian chromium: it renders, and a hostile log runs nothing.

`--dump-dom` serialises the DOM after the page has loaded (and any script
would have run): a script from the log would have had to change it. The
screenshot proves the page paints; a person looked at one when it was written.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from render_model import analyse_file, malicious_analysis

from stackdemux.render import RenderOptions, render

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.names.append(tag)
        self.attrs += [k for k, _ in attrs]


def test_a_hostile_log_runs_no_script_in_the_browser(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render(malicious_analysis(), "html", RenderOptions(verbose=True)))
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<section" in dom, "the page loaded"
    parsed = _Elements()
    parsed.feed(dom)
    assert "script" not in parsed.names and "img" not in parsed.names
    assert not [a for a in parsed.attrs if a.startswith("on")]
    assert "owned" not in dom.split("<title>")[1].split("</title>")[0]  # the OSC title change
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text


def test_a_real_sample_renders_to_a_screenshot(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(
        render(
            analyse_file(ROOT / "samples/go1.27/skopeo_vendor.txt"),
            "html",
            RenderOptions(verbose=True),
        )
    )
    shot = tmp_path / "report.png"
    chromium(tmp_path, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, "more than a blank page"
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "go.etcd.io/bbolt.(*Cursor).search" in dom
    assert "Corrupted bolt database file" in dom
