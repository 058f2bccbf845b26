package names

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand"
	"strconv"
	"testing"
	"time"
)

// TestBlocks: a table's cases named by their size after `-` (as Go's own tests
// name theirs: `AES-128`, `plen-%d`); two of them fail, each a failure of its own.
func TestBlocks(t *testing.T) {
	for _, c := range []struct{ size, want int }{{10, 1}, {20, 2}, {32, 2}} {
		t.Run(fmt.Sprintf("size-%d", c.size), func(t *testing.T) {
			if got := Blocks(c.size); got != c.want {
				t.Errorf("Blocks(%d) = %d, want %d", c.size, got, c.want)
			}
		})
	}
}

// TestUnnamed: cases run with no name, which testing numbers `#00`, `#01`.
func TestUnnamed(t *testing.T) {
	for _, size := range []int{40, 50} {
		t.Run("", func(t *testing.T) {
			if Blocks(size)*16 < size {
				t.Errorf("Blocks(%d) holds %d bytes", size, Blocks(size)*16)
			}
		})
	}
}

// uuid4 is a random UUID as github.com/google/uuid's NewString writes it.
func uuid4() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// TestRunNamed: subtests named by what the run chose, as real tests do
// (`t.Run(strconv.Itoa(rand.Int()), …)`, `t.Run(uuid.NewString(), …)`,
// `t.Run(fmt.Sprint(time.Now().UnixNano()), …)`, `t.Run(time.Now().String(), …)`):
// another name on every run.
func TestRunNamed(t *testing.T) {
	names := map[string]string{
		"random": strconv.Itoa(mrand.Int()),
		"uuid":   uuid4(),
		"nanos":  fmt.Sprint(time.Now().UnixNano()),
		"time":   time.Now().String(),
	}
	for _, kind := range []string{"nanos", "random", "time", "uuid"} {
		t.Run(kind, func(t *testing.T) {
			t.Run(names[kind], func(t *testing.T) {
				if Blocks(17) != 2 {
					t.Errorf("Blocks(17) = %d, want 2", Blocks(17))
				}
			})
		})
	}
}
