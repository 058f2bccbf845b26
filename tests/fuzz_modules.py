"""The fuzz campaign of the modules the general one seldom reaches (fuzz20).

    python tests/fuzz_modules.py SEED SECONDS [OUT] [FAMILY,...]

tests/test_fuzz.py's campaign mangles the samples; these families build what
only some real logs hold, then mangle it:

* logfmt  real tracebacks and wild pastes logged a line a record by the real
          pastes' loggers (convox's trace=%q, dockerd's msg=%q, fluentd's
          pattern not match), escapes broken, hostile text quoted inside
          (test_fuzz_logfmt.py; paste_logfmt.py, paste.py's quoted lines);
* writes  the runtime's write() calls each a record (strace of real crashes,
          samples cut where writes end), records lost, repeated, dealt among
          processes (test_fuzz_write_records.py; write_records.py);
* decode  windows of the corpus's real write-level merges, up to the
          decoder's MAX_REST, mangled: the reading must be a partition
          (test_fuzz_writes_decode.py; writes_decode, writes_reading,
          writes_repeats);
* wild    the 260-odd real pastes of samples/wild mangled by test_fuzz's
          mutations (the general campaign's pool holds none of them);
* failures real go test captures of every release with hostile test names,
          entries and packages, long or escaping paths, rendered against a
          real checkout (test_fuzz_failures.py; render/failures.py, paths.py);
* running  real go test -json captures mangled, fed to the sieve's hold of
          running tests whole and in blocks (test_fuzz_sieve_tests.py;
          sieve_tests.py);
* panes    the real pastes of k9s's pane and the loggers that panic for their
          caller (zerolog, zap, logrus, klog, Echo) and go test's watchdog
          captures, drawn again in a pane of another width or mangled
          (test_fuzz_panes_loggers.py; paste_panel.py, loggers.py).
* many     8 to 12 of the corpus's real processes, whole, their lines in a
          random order, some mangled: conservation, inert outputs, and every
          pass of the separator within its budget (test_fuzz_many_streams.py;
          beam.Wide, peel.py, repair.py, polish.py);
* verbose  real plain go test -v captures mangled, fed to the sieve's hold of
          running tests' lines whole, in blocks and from the middle
          (test_fuzz_sieve_tests.py; sieve_verbose.py).
* mixes    2 to 5 real samples each behind a prefix style of its own, dealt by
          lines or by writes cut inside the prefixes; CRI `P` records cut inside
          a UTF-8 character; test2json events re-cut with records that are no
          test2json among them; a dump logged in one record cut inside an
          escape; attacker text in a panic's value and paths, pasted in a pane
          or behind a log view's gutter; checked through `split -o DIR` too
          (test_fuzz_mixes.py).

Every input runs in a forked child with a CPU limit (test_fuzz._in_child): one
that breaks a promise, or takes over 3x as long for twice the input when it
took over 1.5 s, is saved to OUT (default /tmp/fuzz_modules/) with what broke.

Seeds run (each 40 min at load 11-16 on 2 cores, fuzz20; the seeds before
2200 drew from the six families before `panes`: run them with the six named):
  2002-2003  logfmt + writes  found `5 <details>, 4 written` (a Markdown checker
             of that hour, fixed by cb6f18a), nothing of these modules
  2005       logfmt + writes  360 inputs in 40 min, 0 findings
  3          decode           149 windows in 25 min, every reading a partition; one
             over 8 s: 4 056 characters of gotest-writes-time with lines repeated,
             7.7 s CPU (1 092 / 2 028 / 4 056: 0.95 / 3.5 / 7.7 s), ~1.9 ms a
             character where writes_templates counts 0.8; within its bound
             (the rest read is at most a 512th of the dump's tail: 4 µs a byte)
  2107       all six families (fuzz21, 2 min at load ~22 beside the suite):
             66 inputs, 0 findings
  2201       panes (fuzz22, 20 min at load ~22): 547 inputs, 0 findings (its unit
             test's first examples found a checker's defect: fuzz_found/bb969f4a67)
  2301       many + verbose (fuzz23, 20 min at load ~24): 3 830 inputs; found
             sieve_verbose reading verdicts above a log's first `=== RUN` or not as
             its blocks fell (fixed; spec in test_fuzz_sieve_tests); a `many` finding was
             the run's children importing a worktree rebased under them
  2401-2403  mixes (fuzz24, ~45 min at load 15-30, stopped early): a SARIF location
             with no line (fixed, de1d29a); a logged dump cut inside its record, then
             the next record, read as no crash (branch fuzz24-paste, not landed)
  2001, 2006 wild             (2006: 164 inputs in 40 min, 0 findings) 2001: TooSlow
             on big-writes-time behind garbled prefixes: 3.1 MB at 22 KB/s,
             linear (1/64, 1/16, 1/4 of it: 2.7, 9.5, 34 s)
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from stackdemux.sieve_tests import MAX_HELD_BYTES

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_fuzz as tf
import test_fuzz_failures as tfl
import test_fuzz_logfmt as tl
import test_fuzz_many_streams as tm
import test_fuzz_mixes as tx
import test_fuzz_panes_loggers as tp
import test_fuzz_sieve_tests as ts
import test_fuzz_write_records as tw
import test_fuzz_writes_decode as td

ROOT = Path(__file__).resolve().parent.parent
WILD = [f.read_bytes() for f in sorted((ROOT / "samples" / "wild").glob("*.txt"))
        if f.stat().st_size < 60_000]


def _analysed(data: bytes) -> None:
    t0 = time.process_time()
    analysis = tf.keeps_the_promises(data)
    took = time.process_time() - t0
    if analysis is not None:
        tf.outputs_are_valid_for_their_systems(analysis)
    if took > 1.5:
        t0 = time.process_time()
        tf.analyze(data + b"\n" + data)
        twice = time.process_time() - t0
        if twice > 3 * took:
            raise AssertionError(f"superlinear: {took:.1f}s, twice the input {twice:.1f}s")


def _mixed(data: bytes) -> None:
    """The promises, and `split -o DIR`'s files (in a directory of its own)."""
    import tempfile

    _analysed(data)
    tx.split_keeps_every_character(data, Path(tempfile.mkdtemp(prefix="fuzz_mixes_")))


def _decoded(text: str) -> None:
    td.assert_partition(text, td.decode(text, margin=td.UNSURE_MARGIN))


def _failures(data: bytes) -> None:
    """Rendered against a checkout of the tested module (made once a child)."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="fuzz_checkout_"))
    (root / "go.mod").write_text("module example.com/gotests\n")
    for f in tfl.FILES:
        (root / f).parent.mkdir(exist_ok=True)
        (root / f).write_text("package x\n")
    try:
        analysis = tf.analyze(data)
    except tf.InputError:
        return
    options = tf.RenderOptions(verbose=True, repo_root=str(root))
    for fmt in tf.RENDERERS:
        tf.check_output(fmt, tf.render(analysis, fmt, options))
    for failure in tfl.failure_views(analysis):
        where = tfl.failure_file(failure, str(root))
        assert where is None or (root / where[0]).is_file(), where


def _many(data: bytes) -> None:
    budgets: list[tm.Budget] = []
    with tm.budgets_kept(budgets):
        _analysed(data)
    for b in budgets:
        tm.within_allowances(b)


def _verbose(r: random.Random, data: bytes) -> None:
    n = data.count(b"\n")
    _, failed = ts.read(data, [], ts.VerboseTests())
    ts.given_once_but_marks(data, failed)
    cuts = sorted(r.sample(range(n), min(n, r.randint(1, 40))))
    _, failed2 = ts.read(data, cuts, ts.VerboseTests())
    ts.given_once_but_marks(data, failed2)
    assert [(f.key, b"".join(raw for _, raw in f.chunks)) for f in failed2] == [
        (f.key, b"".join(raw for _, raw in f.chunks)) for f in failed]


def _running(r: random.Random, data: bytes) -> None:
    n = data.count(b"\n")
    held, failed = ts.read(data, [])
    ts.keeps_its_promises(data, held, failed, MAX_HELD_BYTES)
    cuts = sorted(r.sample(range(n), min(n, r.randint(1, 40))))
    held2, failed2 = ts.read(data, cuts)
    ts.keeps_its_promises(data, held2, failed2, MAX_HELD_BYTES)
    records = [(f.key, b"".join(raw for _, raw in f.chunks)) for f in failed]
    assert [(f.key, b"".join(raw for _, raw in f.chunks)) for f in failed2] == records


FAMILIES = ("logfmt", "writes", "decode", "wild", "failures", "running", "panes", "many",
            "verbose", "mixes")


def one(r: random.Random, families: tuple[str, ...] = FAMILIES
        ) -> tuple[str, bytes, Callable[[], None]]:
    """A family, its input, and the run that checks it."""
    family = r.choice(families)
    if family == "failures":
        data = r.choice(tfl.POOL)
        for _ in range(r.randint(1, 3)):
            data = r.choice(tfl.MUTATIONS)(r, data)
        return family, data, lambda: _failures(data)
    if family == "running":
        data = ts.mangled(r, r.choice(ts.POOL))
        seed = r.randrange(2**32)
        return family, data, lambda: _running(random.Random(seed), data)
    if family == "many":
        data = tm.drawn(r, r.choice(tm.OUTPUTS))
        return family, data, lambda: _many(data)
    if family == "verbose":
        data = r.choice(ts.VERBOSE_POOL)
        for _ in range(r.randint(1, 3)):
            data = r.choice(ts.VERBOSE_MUTATIONS)(r, data)
        data = data if data.endswith(b"\n") else data + b"\n"
        seed = r.randrange(2**32)
        return family, data, lambda: _verbose(random.Random(seed), data)
    if family == "mixes":
        _, data = tx.mixed(r, tf.POOL)
        return family, data, lambda: _mixed(data)
    if family == "decode":
        text = td.mangled(r, r.choice(td.MERGES))
        return family, text.encode(), lambda: _decoded(text)
    if family == "logfmt":
        data = tl.mangled_records(r, r.choice(tl.POOL + WILD))
    elif family == "panes":
        data = tp.mangled(r, r.choice(tp.POOL))
    elif family == "writes":
        data = tw.mangled(r, r.choice(tw.POOL), r.choice(tw.POOL))
    else:
        data, _ = tf.mangle(r, r.choice(WILD), tf.POOL, tf.MUTATIONS)
    if r.random() < 0.05:
        data = data * 16  # a log of the same crash over and over
    return family, data, lambda: _analysed(data)


def campaign(seed: int, seconds: float, out: Path = Path("/tmp/fuzz_modules"),
             cpu: int = 60, families: tuple[str, ...] = FAMILIES) -> None:
    out.mkdir(exist_ok=True)
    r = random.Random(seed)
    seen: set[str] = set()
    end, n = time.time() + seconds, 0
    while time.time() < end:
        family, data, run = one(r, families)
        broke = tf._in_child(run, cpu)
        if broke is not None:
            tf.record_finding(out, seen, data, family, broke, family)
        n += 1
    print(n, "inputs")


if __name__ == "__main__":
    campaign(int(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3]) if sys.argv[3:4] else
             Path("/tmp/fuzz_modules"), families=tuple(sys.argv[4].split(",")) if sys.argv[4:5]
             else FAMILIES)
