// A test binary whose `go test -json` output exercises test2json: passing and
// parallel tests logging around a test that panics in a nested call with a long
// message (long lines are where test2json splits one line into several events).
package wrapped

import (
	"strings"
	"testing"
	"time"
)

type request struct {
	id   int
	user string
}

func handle(r *request, depth int) {
	if depth == 0 {
		panic("handler failed for request " + r.user + ": " + strings.Repeat("x", 20000))
	}
	handle(r, depth-1)
}

func TestPasses(t *testing.T) {
	t.Log("all good")
}

func TestParallelA(t *testing.T) {
	t.Parallel()
	for i := 0; i < 3; i++ {
		t.Logf("A step %d", i)
		time.Sleep(time.Millisecond)
	}
}

func TestParallelB(t *testing.T) {
	t.Parallel()
	for i := 0; i < 3; i++ {
		t.Logf("B step %d", i)
		time.Sleep(time.Millisecond)
	}
}

func TestPanics(t *testing.T) {
	t.Run("nested", func(t *testing.T) {
		handle(&request{id: 42, user: "alice"}, 3)
	})
}
