// Package chatty's tests log a lot and in parallel (tests/data/gotest_chatty): a
// failed test's log is far longer than the 16 lines a big log's sieve keeps
// before its `--- FAIL`, and parallel subtests' logs interleave (`=== NAME`,
// `=== CONT` tell whose lines follow).
package chatty

import (
	"fmt"
	"runtime"
	"testing"
)

// TestBefore: passing subtests that log, before the failures.
func TestBefore(t *testing.T) {
	for i := 0; i < 4; i++ {
		t.Run(fmt.Sprintf("warmup_%d", i), func(t *testing.T) {
			for j := 0; j < 40; j++ {
				t.Logf("warming up %d: step %d", i, j)
			}
		})
	}
}

// TestParallel: parallel subtests logging at once; `b` fails after 40 lines of log.
func TestParallel(t *testing.T) {
	t.Log("starting the parallel cases")
	for _, name := range []string{"a", "b", "c"} {
		name := name
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for j := 0; j < 40; j++ {
				t.Logf("case %s: step %d", name, j)
				runtime.Gosched()
			}
			if name == "b" {
				t.Errorf("case %s: want 40 records, got 39", name)
			}
		})
	}
}

// TestAfter: passing subtests that log, after the failures.
func TestAfter(t *testing.T) {
	for i := 0; i < 4; i++ {
		t.Run(fmt.Sprintf("cooldown_%d", i), func(t *testing.T) {
			for j := 0; j < 40; j++ {
				t.Logf("cooling down %d: step %d", i, j)
			}
		})
	}
}
