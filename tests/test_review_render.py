"""What a reader of the reports is told: counts that match what is shown, and files
that CI can link."""

import xml.etree.ElementTree as ET
from pathlib import Path

from stackdemux import analyze
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def text(name: str, version: str = "1.27") -> str:
    return render(analyze(SAMPLES / f"go{version}" / f"{name}.txt"), "text", RenderOptions())


def test_a_race_counts_its_accesses_not_zero_goroutines():
    out = text("race_run")
    assert "kind      race · 2 accesses" in out
    assert "goroutine 7 [read]:" in out  # what is shown under it
    assert "0 goroutines" not in out


def test_a_report_without_a_stack_says_so():
    # GOTRACEBACK=none: the panic and signal lines, no goroutine
    assert "kind      panic · no stack printed" in text("traceback_none")
    assert "kind      test failure · no stack printed" in text("test_race")


def test_junit_points_at_the_checkout_as_the_other_ci_formats_do(tmp_path):
    # skopeo built in /builddir/build/BUILD/skopeo-1.14.0; its checkout vendors bbolt
    cursor = tmp_path / "vendor" / "go.etcd.io" / "bbolt" / "cursor.go"
    cursor.parent.mkdir(parents=True)
    cursor.touch()
    analysis = analyze(SAMPLES / "go1.21" / "skopeo_vendor.txt")
    options = RenderOptions(repo_root=str(tmp_path))
    (case,) = ET.fromstring(render(analysis, "junit", options)).iter("testcase")
    assert case.get("file") == "vendor/go.etcd.io/bbolt/cursor.go"
    assert "file=vendor/go.etcd.io/bbolt/cursor.go," in render(analysis, "github", options)
    outside = ET.fromstring(render(analysis, "junit", RenderOptions()))
    assert next(outside.iter("testcase")).get("file") == (
        "/builddir/build/BUILD/skopeo-1.14.0/vendor/go.etcd.io/bbolt/cursor.go")
