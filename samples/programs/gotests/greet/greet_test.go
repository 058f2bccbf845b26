package greet

import (
	"strings"
	"testing"
)

func TestHello(t *testing.T) {
	got := Hello("Gopher")
	if got != "Hello, Gopher" {
		t.Fatalf("Hello(%q) = %q, want %q", "Gopher", got, "Hello, Gopher")
	}
}

// TestGreetings: parallel subtests; with -v their output is told apart by
// `=== PAUSE`, `=== CONT` and (Go 1.20+) `=== NAME` lines.
func TestGreetings(t *testing.T) {
	for _, name := range []string{"Ann", "Bob"} {
		name := name
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Logf("greeting %s", name)
			if got := Hello(name); !strings.Contains(got, ",") {
				t.Errorf("Hello(%q) = %q, want a comma", name, got)
			}
		})
	}
}
