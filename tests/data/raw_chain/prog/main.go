// A panic whose value runs over lines, recovered and panicked again with the
// same value, as testing's tRunner does with a test's panic (Ginkgo's failure
// message is such a value: an empty first line, empty lines inside, a tab-led
// line, a final newline).
package main

const message = `
The check failed.
The program panics to stop here.

Call this at the top of the goroutine:

	defer recoverHere()

and try again.
`

func main() {
	defer func() {
		if r := recover(); r != nil {
			panic(r)
		}
	}()
	panic(message)
}
