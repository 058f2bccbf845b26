package fuzzed

// Record reads a record: its body's length in its first byte, the body, then a
// checksum byte. It trusts the length.
func Record(b []byte) (body []byte, sum byte) {
	if len(b) == 0 {
		return nil, 0
	}
	n := int(b[0])
	return b[1 : 1+n], b[1+n]
}

// Upper returns s with ASCII letters upper-cased; it forgets 'z'.
func Upper(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c >= 'a' && c < 'z' {
			out[i] = c - 'a' + 'A'
		}
	}
	return string(out)
}
