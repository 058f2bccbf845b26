// Package boltdb imitates github.com/containers/image/v5/pkg/blobinfocache/boltdb.
package boltdb

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

var pathLock sync.Mutex

type cache struct {
	path string
}

// New returns a BlobInfoCache backed by a (fake) bolt database at path.
func New(path string) *cache {
	return &cache{path: path}
}

// view runs fn in a read-only transaction.
func (bdc *cache) view(fn func(tx *bolt.Tx) error) (retErr error) {
	pathLock.Lock()
	defer pathLock.Unlock()
	db, err := bolt.Open(bdc.path, 0600, &bolt.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(fn)
}

func (bdc *cache) appendReplacementCandidates(candidates []string, scopeBucket *bolt.Bucket, digest string) []string {
	b := scopeBucket.Bucket([]byte(digest))
	if b == nil {
		return candidates
	}
	return append(candidates, digest)
}

// CandidateLocations2 returns possible locations of digest in scope.
func (bdc *cache) CandidateLocations2(transport string, scope string, primaryDigest string, canSubstitute bool) []string {
	res := []string{}
	if err := bdc.view(func(tx *bolt.Tx) error {
		scopeBucket := tx.Bucket([]byte("knownLocations"))
		if scopeBucket == nil {
			return nil
		}
		res = bdc.appendReplacementCandidates(res, scopeBucket, primaryDigest)
		return nil
	}); err != nil {
		return nil
	}
	return res
}
