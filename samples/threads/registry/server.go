package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"registry/dcontext"
	"registry/logrus"
	"registry/storage/driver/base"
)

const root = "/docker/registry/v2"

// App serves the parts of the registry API that `docker push` uses.
type App struct {
	log     *logrus.Logger
	storage *base.Base
}

// regError is an errcode.Error: code, message, detail and the status it maps to.
type regError struct {
	code, message, detail string
	status                int
}

// countingWriter records the status and the bytes written, for the access log fields.
type countingWriter struct {
	http.ResponseWriter
	status  int
	written int
}

func (w *countingWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }
func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += n
	return n, err
}

func (a *App) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := &countingWriter{ResponseWriter: rw}
	fields := logrus.Fields{
		"go.version":              runtime.Version(),
		"http.request.host":       r.Host,
		"http.request.id":         dcontext.UUID(),
		"http.request.method":     r.Method,
		"http.request.remoteaddr": r.RemoteAddr,
		"http.request.uri":        r.RequestURI,
		"http.request.useragent":  r.UserAgent(),
	}
	p := r.URL.Path
	// A handler returns its context: one that learnt a var (the new upload's uuid) logs it from then on.
	var handler func(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, *regError)
	switch {
	case p == "/v2/":
		handler = func(ctx context.Context, _ http.ResponseWriter, _ *http.Request) (context.Context, *regError) {
			return ctx, nil
		}
	case strings.Contains(p, "/blobs/uploads/"):
		name, uuid, _ := strings.Cut(strings.TrimPrefix(p, "/v2/"), "/blobs/uploads/")
		fields["vars.name"] = name
		switch {
		case r.Method == http.MethodPost && uuid == "":
			handler = a.startBlobUpload
		case uuid != "":
			fields["vars.uuid"] = uuid
			handler = a.blobUpload
		}
	case strings.Contains(p, "/blobs/"):
		name, digest, _ := strings.Cut(strings.TrimPrefix(p, "/v2/"), "/blobs/")
		fields["vars.name"], fields["vars.digest"] = name, digest
		handler = a.statBlob
	case strings.Contains(p, "/manifests/"):
		name, ref, _ := strings.Cut(strings.TrimPrefix(p, "/v2/"), "/manifests/")
		fields["vars.name"], fields["vars.reference"] = name, ref
		handler = a.putManifest
	}
	log := a.log.WithFields(fields)
	ctx := dcontext.WithLogger(r.Context(), log)
	log.Debugf("authorizing request")
	if handler == nil {
		a.complete(ctx, w, start, &regError{"unsupported", "The operation is unsupported.", p, 405})
		return
	}
	log.Debugf("authorized request")
	ctx, err := handler(ctx, w, r)
	a.complete(ctx, w, start, err)
}

// complete writes the error (if any) and logs the request's outcome, as
// distribution's app.dispatcher does.
func (a *App) complete(ctx context.Context, w *countingWriter, start time.Time, err *regError) {
	log := dcontext.GetLogger(ctx)
	if err != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(err.status)
		fmt.Fprintf(w, `{"errors":[{"code":%q,"message":%q,"detail":%q}]}`+"\n",
			strings.ToUpper(strings.ReplaceAll(err.code, " ", "_")), err.message, err.detail)
		log.WithFields(logrus.Fields{
			"err.code":                  err.code,
			"err.detail":                err.detail,
			"err.message":               err.message,
			"http.response.contenttype": "application/json; charset=utf-8",
			"http.response.duration":    time.Since(start),
			"http.response.status":      w.status,
			"http.response.written":     w.written,
		}).Errorf("response completed with error")
		return
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	log.WithFields(logrus.Fields{
		"http.response.duration": time.Since(start),
		"http.response.status":   w.status,
		"http.response.written":  w.written,
	}).Infof("response completed")
}

func uploadPath(name, uuid, file string) string {
	return fmt.Sprintf("%s/repositories/%s/_uploads/%s/%s", root, name, uuid, file)
}

func blobPath(digest string) string {
	hex := strings.TrimPrefix(digest, "sha256:")
	return fmt.Sprintf("%s/blobs/sha256/%s/%s/data", root, hex[:2], hex)
}

// state is the opaque _state the client sends back: name, uuid, offset, start time.
func state(name, uuid string, offset int64, started time.Time) string {
	s := fmt.Sprintf("%s|%s|%d|%d", name, uuid, offset, started.Unix())
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func (a *App) startBlobUpload(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, *regError) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/"), "/blobs/uploads/")
	uuid := dcontext.UUID()
	ctx = dcontext.WithLogger(ctx, dcontext.GetLogger(ctx).WithField("vars.uuid", uuid))
	now := time.Now().UTC()
	if err := a.storage.PutContent(ctx, uploadPath(name, uuid, "startedat"), []byte(now.Format(time.RFC3339))); err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	if _, err := a.storage.Writer(ctx, uploadPath(name, uuid, "data"), false); err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	w.Header().Set("Location", fmt.Sprintf("/v2/%s/blobs/uploads/%s?_state=%s", name, uuid, state(name, uuid, 0, now)))
	w.Header().Set("Docker-Upload-UUID", uuid)
	w.Header().Set("Range", "0-0")
	w.WriteHeader(http.StatusAccepted)
	return ctx, nil
}

// blobUpload is PATCH (append a chunk) and PUT (append the rest and commit).
func (a *App) blobUpload(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, *regError) {
	name, uuid, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v2/"), "/blobs/uploads/")
	log := dcontext.GetLogger(ctx)
	log.Debugf("(*linkedBlobStore).Resume")
	started, err := a.storage.GetContent(ctx, uploadPath(name, uuid, "startedat"))
	if err != nil {
		return ctx, &regError{"blob upload unknown", "blob upload unknown to registry", err.Error(), 404}
	}
	fw, err := a.storage.Writer(ctx, uploadPath(name, uuid, "data"), true)
	if err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	n, err := io.Copy(fw, r.Body)
	if err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	if r.Method == http.MethodPatch {
		t, _ := time.Parse(time.RFC3339, string(started))
		w.Header().Set("Location", fmt.Sprintf("/v2/%s/blobs/uploads/%s?_state=%s", name, uuid, state(name, uuid, n, t)))
		w.Header().Set("Range", "0-"+strconv.FormatInt(n-1, 10))
		w.WriteHeader(http.StatusAccepted)
		return ctx, nil
	}
	digest := r.URL.Query().Get("digest")
	log.Debugf("(*blobWriter).Commit")
	if err := fw.Commit(); err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	if err := a.storage.Move(ctx, uploadPath(name, uuid, "data"), blobPath(digest)); err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	w.Header().Set("Location", fmt.Sprintf("/v2/%s/blobs/%s", name, digest))
	w.WriteHeader(http.StatusCreated)
	return ctx, nil
}

func (a *App) statBlob(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, *regError) {
	_, digest, _ := strings.Cut(r.URL.Path, "/blobs/")
	size, err := a.storage.Stat(ctx, blobPath(digest))
	if err != nil {
		return ctx, &regError{"blob unknown", "blob unknown to registry", digest, 404}
	}
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Docker-Content-Digest", digest)
	return ctx, nil
}

func (a *App) putManifest(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, *regError) {
	name, ref, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v2/"), "/manifests/")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return ctx, &regError{"manifest invalid", "manifest invalid", err.Error(), 400}
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(body))
	// The bug this sample keeps on purpose: a tag shorter than "sha256:"
	// makes the slice expression panic (net/http recovers and logs it).
	isDigest := ref[:7] == "sha256:"
	if err := a.storage.PutContent(ctx, blobPath(digest), body); err != nil {
		return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
	}
	if !isDigest {
		link := fmt.Sprintf("%s/repositories/%s/_manifests/tags/%s/current/link", root, name, ref)
		if err := a.storage.PutContent(ctx, link, []byte(digest)); err != nil {
			return ctx, &regError{"unknown", "unknown error", err.Error(), 500}
		}
	}
	w.Header().Set("Docker-Content-Digest", digest)
	w.WriteHeader(http.StatusCreated)
	return ctx, nil
}
