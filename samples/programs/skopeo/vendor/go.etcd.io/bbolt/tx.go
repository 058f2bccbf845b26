package bbolt

type Tx struct {
	db   *DB
	root Bucket
}

// Bucket retrieves a bucket by name.
func (tx *Tx) Bucket(name []byte) *Bucket {
	return tx.root.Bucket(name)
}
