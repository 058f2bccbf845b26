// Package bigjson's tests make a big `go test -json` log (benchmarks/bigjson/generate.sh):
// a failure near its head, thousands of passing subtests that log (the bulk), a
// failure in the middle, and a panic at its end.
package bigjson

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// TestEarly logs, then fails: a plain failure near the log's head.
func TestEarly(t *testing.T) {
	t.Log("starting the early check")
	t.Errorf("early: got %d, want %d", 1, 2)
	t.Log("cleaning up after the early check")
}

// TestChatty: BIGJSON_SUBTESTS passing subtests each logging BIGJSON_LINES lines;
// the middle one fails.
func TestChatty(t *testing.T) {
	n, m := envInt("BIGJSON_SUBTESTS", 4000), envInt("BIGJSON_LINES", 60)
	for i := 0; i < n; i++ {
		i := i
		t.Run(fmt.Sprintf("case_%05d", i), func(t *testing.T) {
			for j := 0; j < m; j++ {
				t.Logf("step %d of %d: processed record %d, checksum %08x", j, m, i*m+j,
					uint32(i)*2654435761+uint32(j))
			}
			if i == n/2 {
				t.Errorf("case %d: checksum mismatch", i)
			}
		})
	}
}

type registry struct{ counts map[string]int }

func (r *registry) hit(name string) { r.counts[name]++ }

// TestLate writes to a nil map: a panic with a stack at the log's end.
func TestLate(t *testing.T) {
	var r registry
	r.hit("late")
}
