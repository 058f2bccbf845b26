// Package greet fails a test in a second package, so `go test ./...` prints two FAILs.
package greet

// Hello forgets the comma.
func Hello(name string) string { return "Hello " + name }
