// Package bbolt is a tiny fake of go.etcd.io/bbolt whose cursor finds a
// corrupted page, like a real damaged blob-info-cache database does.
package bbolt

import "os"

type Options struct{ ReadOnly bool }

type DB struct {
	path string
	meta *page
}

func Open(path string, mode os.FileMode, options *Options) (*DB, error) {
	return &DB{path: path, meta: &page{id: 3, flags: leafPageFlag}}, nil
}

func (db *DB) Close() error { return nil }

// View executes fn within a managed read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	t := &Tx{db: db}
	t.root = Bucket{tx: t, rootPage: db.meta}
	return fn(t)
}
