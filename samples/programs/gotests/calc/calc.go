// Package calc has the bugs its tests find: plain test failures, no crash.
package calc

import "fmt"

// Add is off by one: the bug TestAdd reports with t.Errorf.
func Add(a, b int) int { return a + b + 1 }

// Sub swaps its operands for a negative b: one subtest of TestSub fails.
func Sub(a, b int) int {
	if b < 0 {
		return b - a
	}
	return a - b
}

// Report renders a total; its layout differs from the one its test expects.
func Report(items map[string]int) string {
	total := 0
	for _, n := range items {
		total += n
	}
	return fmt.Sprintf("items: %d\ntotal: %d", len(items), total)
}
