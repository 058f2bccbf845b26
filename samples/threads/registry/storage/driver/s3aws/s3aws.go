// Package s3aws is an in-memory storage driver that behaves like the S3 one
// where it matters here: every call takes a few milliseconds, and a multipart
// upload started by Writer(path, false) becomes visible only after the
// backend has created it, asynchronously. Writer(path, true) lists the
// multipart uploads of path, retrying with backoff, and fails with
// PathNotFoundError when the upload is not there yet.
package s3aws

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"time"
)

const DriverName = "s3aws"

// PathNotFoundError is storagedriver.PathNotFoundError.
type PathNotFoundError struct {
	Path       string
	DriverName string
}

func (e PathNotFoundError) Error() string {
	return fmt.Sprintf("%s: Path not found: %s", e.DriverName, e.Path)
}

type Driver struct {
	mu      sync.Mutex
	objects map[string][]byte
	uploads map[string]*[]byte // multipart uploads by path, once the backend created them
	rnd     *rand.Rand
	// CreateDelay says how long the backend takes to create the multipart upload of path.
	CreateDelay func(path string) time.Duration
	// ListRetries and ListBackoff: how Writer(path, true) waits for the upload to appear.
	ListRetries int
	ListBackoff time.Duration
}

func New(seed int64) *Driver {
	return &Driver{
		objects:     map[string][]byte{},
		uploads:     map[string]*[]byte{},
		rnd:         rand.New(rand.NewSource(seed)),
		CreateDelay: func(string) time.Duration { return 0 },
		ListRetries: 4,
		ListBackoff: 10 * time.Millisecond,
	}
}

func (d *Driver) Name() string { return DriverName }

// roundTrip sleeps as long as a request to the object store takes.
func (d *Driver) roundTrip() {
	d.mu.Lock()
	t := time.Duration(800+d.rnd.Intn(6000)) * time.Microsecond
	d.mu.Unlock()
	time.Sleep(t)
}

func (d *Driver) GetContent(ctx context.Context, path string) ([]byte, error) {
	d.roundTrip()
	d.mu.Lock()
	defer d.mu.Unlock()
	b, ok := d.objects[path]
	if !ok {
		return nil, PathNotFoundError{Path: path, DriverName: DriverName}
	}
	return b, nil
}

func (d *Driver) PutContent(ctx context.Context, path string, content []byte) error {
	d.roundTrip()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.objects[path] = append([]byte(nil), content...)
	return nil
}

func (d *Driver) Stat(ctx context.Context, path string) (int64, error) {
	d.roundTrip()
	d.mu.Lock()
	defer d.mu.Unlock()
	b, ok := d.objects[path]
	if !ok {
		return 0, PathNotFoundError{Path: path, DriverName: DriverName}
	}
	return int64(len(b)), nil
}

func (d *Driver) Move(ctx context.Context, src, dst string) error {
	d.roundTrip()
	d.mu.Lock()
	defer d.mu.Unlock()
	b, ok := d.objects[src]
	if !ok {
		return PathNotFoundError{Path: src, DriverName: DriverName}
	}
	d.objects[dst] = b
	delete(d.objects, src)
	return nil
}

// FileWriter appends to a multipart upload; Commit makes it an object.
type FileWriter struct {
	d    *Driver
	path string
}

func (w *FileWriter) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	up := w.d.uploads[w.path]
	if up == nil {
		return 0, PathNotFoundError{Path: w.path, DriverName: DriverName}
	}
	*up = append(*up, p...)
	return len(p), nil
}

func (w *FileWriter) Commit() error {
	w.d.roundTrip()
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	up := w.d.uploads[w.path]
	if up == nil {
		return PathNotFoundError{Path: w.path, DriverName: DriverName}
	}
	w.d.objects[w.path] = *up
	delete(w.d.uploads, w.path)
	return nil
}

// Writer starts a multipart upload of path (append false), or resumes it.
func (d *Driver) Writer(ctx context.Context, path string, append bool) (*FileWriter, error) {
	d.roundTrip()
	if !append {
		delay := d.CreateDelay(path)
		go func() {
			time.Sleep(delay)
			d.mu.Lock()
			defer d.mu.Unlock()
			d.uploads[path] = new([]byte)
		}()
		return &FileWriter{d: d, path: path}, nil
	}
	backoff := d.ListBackoff
	for attempt := 0; ; attempt++ {
		d.mu.Lock()
		_, ok := d.uploads[path]
		d.mu.Unlock()
		if ok {
			return &FileWriter{d: d, path: path}, nil
		}
		if attempt == d.ListRetries {
			return nil, PathNotFoundError{Path: path, DriverName: DriverName}
		}
		time.Sleep(backoff)
		backoff *= 2
		d.roundTrip()
	}
}
