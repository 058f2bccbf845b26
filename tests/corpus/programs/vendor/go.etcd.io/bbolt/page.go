// Package bbolt is a tiny stand-in written for the stackdemux corpus: it only
// reproduces the vendored layout (vendor/go.etcd.io/bbolt) and the call path
// Bucket.Get → Cursor.seek → Cursor.search that ends in bbolt's
// "invalid page type" panic. It is not bbolt's code.
package bbolt

import "fmt"

type pgid uint64

const (
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	metaPageFlag     = 0x04
	freelistPageFlag = 0x10
)

type page struct {
	id    pgid
	flags uint16
	count uint16
}

// DB holds pages in memory; a corrupt page has the freelist flag where a
// branch or leaf was expected.
type DB struct {
	pages map[pgid]*page
}

func Open(corrupt uint64) *DB {
	db := &DB{pages: map[pgid]*page{}}
	for i := pgid(0); i < 8; i++ {
		db.pages[i] = &page{id: i, flags: leafPageFlag}
	}
	db.pages[pgid(corrupt)] = &page{id: pgid(corrupt), flags: freelistPageFlag}
	return db
}

func (db *DB) page(id pgid) *page {
	if p, ok := db.pages[id]; ok {
		return p
	}
	return &page{id: id, flags: leafPageFlag}
}

func (p *page) typ() string {
	switch {
	case p.flags&branchPageFlag != 0:
		return "branch"
	case p.flags&leafPageFlag != 0:
		return "leaf"
	case p.flags&metaPageFlag != 0:
		return "meta"
	case p.flags&freelistPageFlag != 0:
		return "freelist"
	}
	return fmt.Sprintf("unknown<%02x>", p.flags)
}
