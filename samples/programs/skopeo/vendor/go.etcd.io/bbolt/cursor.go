package bbolt

import "fmt"

type elemRef struct {
	page  *page
	index int
}

type Cursor struct {
	bucket *Bucket
	stack  []elemRef
}

// seek moves the cursor to a given key and returns it.
func (c *Cursor) seek(seek []byte) (key []byte, value []byte, flags uint32) {
	c.stack = c.stack[:0]
	c.search(seek, c.bucket.rootPage.id)
	return seek, nil, bucketLeafFlag
}

// search recursively performs a binary search against a given page/node until it finds a given key.
func (c *Cursor) search(key []byte, pgId pgid) {
	p := c.bucket.rootPage
	if p.id != pgId {
		p = &page{id: pgId, flags: 0x10}
	}
	if !p.isLeaf() && !p.isBranch() {
		panic(fmt.Sprintf("invalid page type: %d: %x", p.id, p.flags))
	}
	e := elemRef{page: p}
	c.stack = append(c.stack, e)
	if p.isBranch() {
		c.search(key, pgid(6432))
	}
}
