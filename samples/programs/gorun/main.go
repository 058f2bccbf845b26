// main.go is run as `go run main.go` (no go.mod needed): the package is
// "command-line-arguments" and go run reports "exit status 2".
package main

import (
	"fmt"
	"strconv"
)

func parsePort(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Errorf("bad port %q: %w", s, err))
	}
	return n
}

func main() {
	fmt.Println(parsePort("80a"))
}
