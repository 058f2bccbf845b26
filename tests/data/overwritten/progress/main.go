// A command that redraws a progress line with carriage returns, then crashes:
// the runtime's first line follows the last progress text on the same line.
package main

import (
	"fmt"
	"os"
	"time"
)

type blob struct{ digest string }

func copyBlob(b *blob, size int) {
	for done := 0; done <= size/2; done += size / 8 {
		fmt.Fprintf(os.Stderr, "Copying blob %s %3d%%\r", b.digest[:12], done*100/size)
		time.Sleep(time.Millisecond)
	}
	var cache map[string]*blob
	cache[b.digest].digest = "" // nil map entry: a nil pointer dereference
}

func main() {
	copyBlob(&blob{digest: "sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1"}, 4096)
}
