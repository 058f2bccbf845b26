package suite

import "testing"

// TestKeys: subtests named with `/` (testing makes it a deeper name) and spaces
// (testing writes `_`), one skipped with t.Skip, one stopped by t.Fatal, one
// that passes.
func TestKeys(t *testing.T) {
	t.Run("unix/path", func(t *testing.T) {
		if got := Key("a", "b"); got != "a/b/" {
			t.Errorf("Key(a, b) = %q, want %q", got, "a/b/")
		}
	})
	t.Run("with space", func(t *testing.T) {
		if got := Key("x"); got != "" {
			t.Fatalf("Key(x) = %q, want empty", got)
		}
		t.Log("not reached")
	})
	t.Run("skipped case", func(t *testing.T) {
		t.Skip("needs a store")
	})
	t.Run("passes", func(t *testing.T) {
		if Key() != "" {
			t.Error("Key() is not empty")
		}
	})
}

// TestTrim: a panic in a subtest (a key with no `/`).
func TestTrim(t *testing.T) {
	t.Run("no slash", func(t *testing.T) {
		_ = Trim("plain")
	})
}

// TestLater fails too: -failfast never runs it.
func TestLater(t *testing.T) {
	t.Errorf("Key(a) = %q", Key("a"))
}
