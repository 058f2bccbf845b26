// Command skopeo is a tiny imitation of `skopeo copy` whose call chain
// mirrors the real crash: copy.Image -> (*copier).copyLayers (one goroutine
// per layer) -> boltdb blob-info cache -> go.etcd.io/bbolt (*Cursor).search,
// which panics with "invalid page type: 6432: 10". Not the real code.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/containers/image/v5/copy"
	"github.com/containers/image/v5/pkg/blobinfocache/boltdb"
)

type copyOptions struct {
	retryTimes int
}

func (opts *copyOptions) run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("exactly two arguments expected")
	}
	cache := boltdb.New("/var/lib/containers/cache/blob-info-cache-v1.boltdb")
	_, err := copy.Image(context.Background(), args[1], args[0], &copy.Options{BlobInfoCache: cache})
	return err
}

func main() {
	if len(os.Args) < 2 || os.Args[1] != "copy" {
		fmt.Fprintln(os.Stderr, "usage: skopeo copy SRC DST")
		os.Exit(1)
	}
	opts := &copyOptions{retryTimes: 3}
	if err := opts.run(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
