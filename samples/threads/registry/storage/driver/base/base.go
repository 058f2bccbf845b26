// Package base wraps a storage driver and logs every call with its duration,
// as docker distribution's registry/storage/driver/base does.
package base

import (
	"context"

	"registry/dcontext"
	"registry/storage/driver/s3aws"
)

type Base struct {
	Driver *s3aws.Driver
}

func (b *Base) GetContent(ctx context.Context, path string) ([]byte, error) {
	defer dcontext.WithTrace(ctx, "%s.GetContent(%q)", b.Driver.Name(), path)()
	return b.Driver.GetContent(ctx, path)
}

func (b *Base) PutContent(ctx context.Context, path string, content []byte) error {
	defer dcontext.WithTrace(ctx, "%s.PutContent(%q)", b.Driver.Name(), path)()
	return b.Driver.PutContent(ctx, path, content)
}

func (b *Base) Stat(ctx context.Context, path string) (int64, error) {
	defer dcontext.WithTrace(ctx, "%s.Stat(%q)", b.Driver.Name(), path)()
	return b.Driver.Stat(ctx, path)
}

func (b *Base) Move(ctx context.Context, src, dst string) error {
	defer dcontext.WithTrace(ctx, "%s.Move(%q, %q)", b.Driver.Name(), src, dst)()
	return b.Driver.Move(ctx, src, dst)
}

func (b *Base) Writer(ctx context.Context, path string, append bool) (*s3aws.FileWriter, error) {
	defer dcontext.WithTrace(ctx, "%s.Writer(%q, %v)", b.Driver.Name(), path, append)()
	return b.Driver.Writer(ctx, path, append)
}
