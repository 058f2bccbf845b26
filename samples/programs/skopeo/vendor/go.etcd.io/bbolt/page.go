package bbolt

const (
	branchPageFlag = 0x01
	leafPageFlag   = 0x02
	bucketLeafFlag = 0x01
)

type pgid uint64

type page struct {
	id    pgid
	flags uint16
	count uint16
}

func (p *page) isLeaf() bool   { return p.flags&leafPageFlag != 0 }
func (p *page) isBranch() bool { return p.flags&branchPageFlag != 0 }
