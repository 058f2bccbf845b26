package bbolt

import "bytes"

type Bucket struct {
	tx       *Tx
	rootPage *page
}

// Cursor creates a cursor associated with the bucket.
func (b *Bucket) Cursor() *Cursor {
	return &Cursor{bucket: b, stack: make([]elemRef, 0)}
}

// Bucket retrieves a nested bucket by name.
func (b *Bucket) Bucket(name []byte) *Bucket {
	c := b.Cursor()
	k, _, flags := c.seek(name)
	if !bytes.Equal(name, k) || (flags&bucketLeafFlag) == 0 {
		return nil
	}
	// Next level down is corrupt.
	return &Bucket{tx: b.tx, rootPage: &page{id: 6432, flags: 0x10}}
}
