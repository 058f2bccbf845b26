package calc

import (
	"strings"
	"testing"
)

// TestAdd: t.Errorf, one failure line under `--- FAIL: TestAdd`.
func TestAdd(t *testing.T) {
	if got := Add(1, 2); got != 3 {
		t.Errorf("Add(1, 2) = %d, want 3", got)
	}
}

// TestSub: a table test; one subtest stops with t.Fatalf (a subtest name with a space: `case_2`).
func TestSub(t *testing.T) {
	cases := []struct {
		name       string
		a, b, want int
	}{
		{"case 1", 3, 1, 2},
		{"case 2", 3, -1, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sub(c.a, c.b); got != c.want {
				t.Fatalf("Sub(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
			}
		})
	}
}

// TestReport: t.Log before the failure, and a message that runs over several lines.
func TestReport(t *testing.T) {
	got := Report(map[string]int{"a": 1, "b": 2})
	t.Logf("report has %d lines", strings.Count(got, "\n")+1)
	want := "items: 2\ntotal: 3\n"
	if got != want {
		t.Errorf("Report() mismatch:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestNested: a failure two subtests deep (indented 12 spaces).
func TestNested(t *testing.T) {
	t.Run("outer", func(t *testing.T) {
		t.Run("inner", func(t *testing.T) {
			checkPositive(t, Sub(1, 2))
		})
	})
}

// checkPositive is a helper: t.Helper makes the failure point at its caller.
func checkPositive(t *testing.T, n int) {
	t.Helper()
	if n <= 0 {
		t.Errorf("want a positive number, got %d", n)
	}
}

// TestPasses passes: `ok` tests print nothing without -v.
func TestPasses(t *testing.T) {
	if Add(0, -1) != 0 {
		t.Skip("Add is off by one")
	}
}
