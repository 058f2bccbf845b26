"""The compiled grammars' cache on disk stays bounded.

Each grammar text (each upgrade of stackdemux, each edit of a developer's)
writes another `NAME-KEY.json` under `$XDG_CACHE_HOME/stackdemux`; files no run
reads again are removed once a newer one is written, keeping the
KEPT_VERSIONS newest of each name so that installs side by side keep theirs.
(A developer's machine had 124 such files, 8 MB, before.)"""

from __future__ import annotations

import os

from stackdemux import grammar


def compile_versions(cache, monkeypatch, name: str, count: int) -> list[str]:
    """`count` grammar texts of `name` compiled one after another (each file
    dated a second after the last: a coarse clock would tie them)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    results, seen = [], set()
    for n in range(count):
        results.append(grammar.cached_compile(name, f"grammar text {n}", lambda n=n: [n]))
        for new in set((cache / "stackdemux").glob(f"{name}-*.json")) - seen:
            os.utime(new, (1_000_000 + n, 1_000_000 + n))
            seen.add(new)
    return results


def test_a_new_grammar_text_removes_all_but_the_newest_files_of_its_name(tmp_path, monkeypatch):
    written = compile_versions(tmp_path, monkeypatch, "traceback", grammar.KEPT_VERSIONS + 5)
    assert written == [[n] for n in range(grammar.KEPT_VERSIONS + 5)]
    assert len(list((tmp_path / "stackdemux").glob("traceback-*.json"))) == grammar.KEPT_VERSIONS


def test_another_names_files_are_left_alone(tmp_path, monkeypatch):
    compile_versions(tmp_path, monkeypatch, "prefixes", 3)
    compile_versions(tmp_path, monkeypatch, "prefix", grammar.KEPT_VERSIONS + 3)
    assert len(list((tmp_path / "stackdemux").glob("prefixes-*.json"))) == 3


def test_a_kept_file_is_read_and_nothing_removed(tmp_path, monkeypatch):
    compile_versions(tmp_path, monkeypatch, "gccgo", grammar.KEPT_VERSIONS)
    before = sorted((tmp_path / "stackdemux").iterdir())
    assert grammar.cached_compile("gccgo", "grammar text 0", lambda: ["compiled again"]) == [0]
    assert sorted((tmp_path / "stackdemux").iterdir()) == before


def test_a_cache_it_cannot_write_costs_only_the_compile(tmp_path, monkeypatch):
    (tmp_path / "stackdemux").write_text("a file where the directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert grammar.cached_compile("traceback", "some text", lambda: {"a": 1}) == {"a": 1}
