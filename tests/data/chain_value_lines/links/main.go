// Chains of panics whose later links' values run over lines, as Go 1.19-1.22
// print them raw (Go 1.23 on tab their later lines):
//
//	nested: a deferred call panics anew while the first panic runs, with no
//	        recover: `panic: first`, then `\tpanic: ` and the new value's lines
//	three:  a recovered panic, a deferred call that panics with a value of
//	        several lines, recovered and panicked anew by the next deferred call
//	        with another: three links, the last two running on
package main

import (
	"errors"
	"fmt"
	"os"
)

func nested() {
	defer func() {
		panic("cleanup failed:\n  close db: broken pipe\n  remove lock: permission denied")
	}()
	panic("first")
}

func three() {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Errorf("retry failed:\n  attempt 1: %v\n  attempt 2: %w", r,
				errors.New("timeout")))
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("rollback failed:\n  step 1: %v\n  step 2: disk full", r))
		}
	}()
	panic("connection reset by peer")
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "three" {
		three()
	}
	nested()
}
