// Package names is tested by subtests named the ways real tests name theirs
// (tests/data/gotest_names): by a number after `-`, by nothing (`#00`), and by
// what the run chose (a random number, a UUID, the time).
package names

// Blocks is how many 16-byte blocks hold size bytes (it forgets a partial block).
func Blocks(size int) int {
	return size / 16
}
