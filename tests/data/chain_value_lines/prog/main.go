// A panic recovered by a deferred function that panics anew with a value of
// several lines (a wrapped error's message, as validation libraries build them):
// Go prints the chain `panic: A [recovered]`, then `panic: ` and the new value,
// its later lines raw before Go 1.23 and tab-led since.
package main

import (
	"errors"
	"fmt"
)

func validate() {
	panic("connection reset by peer")
}

func main() {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Errorf("validation failed:\n  field a: required\n  field b: %w",
				errors.New("too long")))
		}
	}()
	validate()
}
