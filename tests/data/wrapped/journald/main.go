// A crash whose output the systemd journal stores unusually: a line that is
// not UTF-8 (journalctl -o json prints its MESSAGE as an array of bytes) and a
// panic message longer than journald's LineMax (48 KiB: the line goes on in a
// second record, _LINE_BREAK=line-max; over 4096 bytes, journalctl -o json
// prints MESSAGE as null unless --all).
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Fprintln(os.Stderr, "loading cache \xff\xfe from disk")
	panic("corrupt entry: " + strings.Repeat("ab", 25000))
}
