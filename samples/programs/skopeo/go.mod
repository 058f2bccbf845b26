module github.com/containers/skopeo

go 1.19

require (
	github.com/containers/image/v5 v5.30.0
	go.etcd.io/bbolt v1.4.3
)
