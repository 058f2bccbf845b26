package fuzzed

import (
	"strings"
	"testing"
)

// FuzzUpper: a failing input the fuzzer finds (a 'z'), reported by t.Errorf.
func FuzzUpper(f *testing.F) {
	f.Add("abc")
	f.Fuzz(func(t *testing.T, s string) {
		if got := Upper(s); got != strings.ToUpper(s) && isASCII(s) {
			t.Errorf("Upper(%q) = %q", s, got)
		}
	})
}

// FuzzRecord: a crash inside the fuzz target (a length past the end: index out of range).
func FuzzRecord(f *testing.F) {
	f.Add([]byte{1, 'a', 's'})
	f.Fuzz(func(t *testing.T, b []byte) {
		Record(b)
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
