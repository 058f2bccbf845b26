package bbolt

import "fmt"

type Tx struct {
	db       *DB
	writable bool
}

func (db *DB) View(fn func(*Tx) error) error {
	tx := &Tx{db: db}
	return fn(tx)
}

type Bucket struct {
	tx   *Tx
	root pgid
}

func (tx *Tx) Bucket(name []byte, root uint64) *Bucket {
	return &Bucket{tx: tx, root: pgid(root)}
}

type Cursor struct {
	bucket *Bucket
	stack  []pgid
}

func (b *Bucket) Get(key []byte) []byte {
	c := &Cursor{bucket: b}
	k, v := c.seek(key)
	if string(k) != string(key) {
		return nil
	}
	return v
}

func (c *Cursor) seek(seek []byte) (key []byte, value []byte) {
	c.stack = c.stack[:0]
	c.search(seek, c.bucket.root)
	return seek, []byte(c.bucket.tx.db.page(c.bucket.root).typ())
}

//go:noinline
func (c *Cursor) search(key []byte, pgId pgid) {
	p := c.bucket.tx.db.page(pgId)
	if (p.flags & (branchPageFlag | leafPageFlag)) == 0 {
		panic(fmt.Sprintf("invalid page type: %d: %x", p.id, p.flags))
	}
	c.stack = append(c.stack, pgId)
}
