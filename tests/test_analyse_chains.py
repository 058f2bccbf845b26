"""Call chains: the crashing goroutine as a path through modules, entry first,
continued in its creator's stack through `created by`; culprit and main frame."""

from pathlib import Path

import pytest

from stackdemux.analyse import analyse, format_chain, load_modules
from stackdemux.analyse.chains import culprit_index, is_machinery
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CONFORMANCE = ROOT.parent / "shared" / "conformance"


def sample(name: str, version: str = "1.21") -> Path:
    path = SAMPLES / f"go{version}" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"sample {path.relative_to(ROOT)} not generated yet")
    return path


def first_group(path: Path, **options):
    groups, _ = analyse(parse_text(path.read_bytes()).reports, **options)
    return groups[0]


def test_skopeo_chain_reads_from_main_through_the_layer_goroutine_to_bbolt():
    modules = load_modules(SAMPLES / "programs/skopeo/go.mod")
    g = first_group(sample("skopeo_vendor"), modules=modules)
    assert [(s.module, s.via_goroutine) for s in g.chain] == [
        ("github.com/containers/skopeo", False),
        ("github.com/containers/image/v5", False),
        ("github.com/containers/image/v5", True),  # created by copyLayers in goroutine 1
        ("go.etcd.io/bbolt", False),
        ("github.com/containers/image/v5", False),
        ("go.etcd.io/bbolt", False),
    ]
    # the creator's stack stops at the go statement: copy.go:64, not where it waits now (66)
    assert [(f.func, f.line) for f in g.chain[1].frames] == [
        ("github.com/containers/image/v5/copy.Image", 41),
        ("github.com/containers/image/v5/copy.(*imageCopier).copyLayers", 64),
    ]
    assert g.culprit.func == "go.etcd.io/bbolt.(*Cursor).search"
    assert g.main_frame.func == "main.(*copyOptions).run"
    assert format_chain(g) == (
        "github.com/containers/skopeo main.go:35 → main.go:25 → "
        "github.com/containers/image/v5 copy/copy.go:41 → copy.go:64 (new goroutine) → "
        "copy/copy.go:60 … pkg/blobinfocache/boltdb/boltdb.go:30 → "
        "go.etcd.io/bbolt db.go:24 → "
        "github.com/containers/image/v5 pkg/blobinfocache/boltdb/boltdb.go:49 → boltdb.go:34 → "
        "go.etcd.io/bbolt bucket.go:18 → cursor.go:18 → cursor.go:29 "
        "(*Cursor).search: panic: invalid page type: 6432: 10"
    )


def test_without_the_creator_printed_the_chain_starts_at_the_go_statement():
    g = first_group(sample("skopeo_vendor_default"))  # GOTRACEBACK=single: goroutine 1 absent
    first = g.chain[0]
    assert first.frames[0].func == "github.com/containers/image/v5/copy.(*imageCopier).copyLayers"
    assert first.frames[0].line == 64
    assert g.chain[1].via_goroutine
    assert g.main_frame is None  # no main-module frame on the printed path


def test_panic_in_a_closure_goroutine_of_main():
    g = first_group(sample("panic_in_goroutine", "1.27"))
    assert [f.func for s in g.chain for f in s.frames] == [
        "main.init.4.func2", "main.init.4.func2.1", "main.handleRequest", "main.doPanic"]
    assert g.culprit.func == "main.doPanic"
    assert g.main_frame.func == "main.doPanic"


@pytest.mark.parametrize(
    ("func", "machinery"),
    [
        ("runtime.gopanic", True),
        ("runtime.sigpanic", True),
        ("runtime.throw", True),
        ("runtime.fatalthrow", True),
        ("runtime.mapassign_faststr", True),
        ("runtime.chansend1", True),
        ("runtime.closechan", True),
        ("runtime.panicIndex", True),
        ("runtime.goPanicIndex", True),
        ("runtime.gopark", True),
        ("internal/runtime/maps.fatal", True),
        ("sync.fatal", True),
        ("sync.(*Mutex).Unlock", True),
        ("sync.(*WaitGroup).Add", True),
        ("internal/sync.(*Mutex).Lock", True),
        ("sync.(*Once).doSlow", False),
        ("main.doPanic", False),
        ("encoding/json.(*decodeState).object", False),
    ],
)
def test_panic_machinery(func, machinery):
    assert is_machinery(func) is machinery


def test_culprit_skips_runtime_frames_on_top_of_the_stack():
    path = CONFORMANCE / "panicparse-crashes" / "stdlib.txt"
    if not path.exists():
        pytest.skip("shared/conformance not beside the repository")
    report = parse_text(path.read_bytes()).reports[0]
    frames = report.crashing.frames
    i = culprit_index(frames)
    assert not is_machinery(frames[i].func)
    assert all(is_machinery(f.func) for f in frames[:i])


def test_deadlock_culprit_is_the_user_frame_that_waits():
    g = first_group(sample("deadlock", "1.27"))
    assert g.culprit.func.startswith("main.")


def test_a_panic_recovered_by_net_http_is_blamed_on_the_handler_not_the_recover():
    g = first_group(sample("http_panic", "1.27"))
    # printed by net/http's deferred recover: (*conn).serve.func1, panic, main.doPanic, …
    assert g.culprit.func == "main.doPanic"
    assert g.chain[0].via_goroutine is False and g.chain[0].module == "std"
    assert any(h.rule == "http-handler-panic" for h in g.hints)


@pytest.mark.parametrize("scenario", ["recover_then_panic", "panic_chain3", "repanic_same_value"])
def test_a_chain_of_panics_is_blamed_where_the_first_one_was_raised(scenario):
    # the title is the first panic's message; the later panics' defers sit above it
    g = first_group(sample(scenario, "1.27"))
    assert g.title == "panic: first"
    assert g.culprit.func == "main.doPanic"


def test_a_data_race_is_blamed_on_the_access_that_found_it():
    g = first_group(sample("race_run", "1.27"))
    assert g.culprit.func == "main.(*counter).get"
    assert format_chain(g).endswith("(*counter).get: " + g.title)


def test_a_sigquit_on_a_scheduler_thread_is_blamed_on_the_programs_first_goroutine():
    g = first_group(sample("sigquit", "1.27"))
    assert g.culprit.func.startswith("main.")


def test_a_stdlib_function_given_a_nil_interface_blames_its_caller():
    # kubectl run (Go 1.6, samples/wild/kubernetes32206_…): `fmt.Fprintf(0x0, 0x0, …)`,
    # a nil io.Writer, two words as Go printed an interface then; its caller passed it
    from stackdemux import analyze
    from stackdemux.model import Frame

    [group] = analyze(SAMPLES / "wild" / "kubernetes32206_prompt_column_go16.txt").groups
    assert group.culprit.func == "k8s.io/kubernetes/pkg/kubectl/cmd.handleAttachPod"
    # Go 1.17+ prints the interface in braces; a first argument that is no nil
    # interface leaves the function the culprit
    frames = [Frame("fmt.Fprintf", "{0x0, 0x0}, {0x5c1a2b, 0x3}"), Frame("main.log", "...")]
    assert culprit_index(frames) == 1
    frames[0].args = "{0x7f2e0, 0xc000010000}, {0x5c1a2b, 0x3}"
    assert culprit_index(frames) == 0


def test_testing_s_log_functions_raise_for_the_goroutine_that_logged():
    # `Log in goroutine after TestLogAfter has completed`: testing.(*common).log (and
    # logDepth before Go 1.23) panics on behalf of the goroutine that called t.Log
    groups = [first_group(sample("test_log_after", v)) for v in ("1.21", "1.27")]
    assert {g.culprit.func for g in groups} == {"example.com/gotests/logafter.TestLogAfter.func1"}
    assert groups[0].fingerprint == groups[1].fingerprint


def test_a_fault_inside_sync_atomic_blames_the_address_s_giver():
    # go test -race on linux/arm64 (samples/wild/flipt59369_…): the fault is in the race
    # runtime's `racecallatomic()` (assembly, no package), under sync/atomic's functions
    # and their `<autogenerated>` wrapper; the program's call is the culprit
    from stackdemux import analyze

    [group] = analyze(SAMPLES / "wild" / "flipt59369_race_arm64_autogenerated.txt").groups
    culprit = "go.flipt.io/flipt/internal/storage/oplock/memory.(*Service).TryAcquire"
    assert group.culprit.func == culprit
    assert is_machinery("racecallatomic") and is_machinery("sync/atomic.(*Int64).Add")
    assert not is_machinery("?") and not is_machinery("main.main")


@pytest.mark.parametrize("version", ["1.25", "1.27"])
@pytest.mark.parametrize(("scenario", "culprit", "line"), [
    # synctest.Run panics when every goroutine of the bubble is durably blocked: the
    # bubble's root (the test's function, started by testingSynctestTest) waits in wg.Wait
    ("synctest_deadlock", "example.com/synctestdemo.TestDeadlock.func1", 22),
    # the alarm fires while the test's goroutine waits in synctest.Run; the bubble's
    # root is on its second mu.Lock
    ("synctest_timeout", "example.com/synctestdemo.TestHangInBubble.func1", 34),
])
def test_a_test_waiting_for_its_synctest_bubble_is_blamed_on_the_bubble_s_code(
        version, scenario, culprit, line):
    g = first_group(sample(scenario, version))
    assert (g.culprit.func, g.culprit.line) == (culprit, line)
    # the path still runs from the test through synctest.Test into the bubble, whose
    # root goroutine starts in testing.tRunner
    assert [s.module for s in g.chain][-3:] == ["std", "std", "example.com/synctestdemo"]
    assert g.chain[-2].via_goroutine and g.chain[-2].frames[0].func == "testing.tRunner"


def test_a_test_binary_s_deadlock_is_blamed_on_the_test_not_on_testing_s_wait():
    # samples/wild/atomizer3_…: goroutine 1 waits in testing.(*T).Run for the test; the
    # paste lost goroutine 19's testing.tRunner, but its lock is the program's own wait
    from stackdemux import analyze

    path = SAMPLES / "wild" / "atomizer3_go_test_deadlock_windows_paths.txt"
    [group] = analyze(path).groups
    assert group.culprit.func == "github.com/benjivesterby/atomizer/registration.Registrations"
    # a deadlock of the program's main goroutine stays there
    g = first_group(sample("deadlock", "1.27"))
    assert g.culprit.func.startswith("main.")
    # go28975: every other goroutine waits in testing (t.Parallel) or the standard
    # library (os/signal's loop), the paste cut inside the last: nothing of the
    # program's to blame, and testing's wait is not either (test_culprit_lost)
    path = SAMPLES / "wild" / "go28975_js_wasm_test_deadlock_details.txt"
    [group] = analyze(path).groups
    assert group.culprit is None
