// Command racerun has a data race between main and a goroutine; under
// `go run -race .` it prints a race report and exits with status 66.
package main

import (
	"fmt"
	"time"
)

type counter struct{ n int }

//go:noinline
func (c *counter) inc() { c.n++ }

//go:noinline
func (c *counter) get() int { return c.n }

func main() {
	c := &counter{}
	c.inc() // main goroutine writes
	go func() {
		fmt.Println(c.get()) // goroutine reads without synchronisation
	}()
	c.inc()
	time.Sleep(100 * time.Millisecond)
}
