module example.com/fleet

go 1.19

require go.etcd.io/bbolt v1.3.7
