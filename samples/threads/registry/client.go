package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strings"
	"sync"
)

const userAgent = "docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.1.0-18-amd64 os/linux arch/amd64"

// pusher does what `docker push` does for each image: HEAD each blob, upload
// the missing ones (POST, then PATCH at once, then PUT ?digest=), PUT the manifest.
type pusher struct {
	base   string
	client *http.Client
}

type push struct {
	name, tag string
	blobs     [][]byte
}

func (p *pusher) do(method, url string, body []byte) (*http.Response, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func digestOf(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

// uploadBlob pushes one blob; a failed PATCH/PUT restarts the upload once, as docker does.
func (p *pusher) uploadBlob(name string, blob []byte) error {
	digest := digestOf(blob)
	resp, err := p.do(http.MethodHead, fmt.Sprintf("%s/v2/%s/blobs/%s", p.base, name, digest), nil)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var last error
	for attempt := 0; attempt < 2; attempt++ {
		resp, err := p.do(http.MethodPost, fmt.Sprintf("%s/v2/%s/blobs/uploads/", p.base, name), nil)
		if err != nil {
			return err
		}
		loc := resp.Header.Get("Location")
		resp, err = p.do(http.MethodPatch, p.base+loc, blob)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusAccepted {
			last = fmt.Errorf("PATCH %s: %s", loc, resp.Status)
			continue
		}
		loc = resp.Header.Get("Location")
		resp, err = p.do(http.MethodPut, p.base+loc+"&digest="+digest, nil)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusCreated {
			last = fmt.Errorf("PUT %s: %s", loc, resp.Status)
			continue
		}
		return nil
	}
	return last
}

func (p *pusher) push(img push) error {
	var wg sync.WaitGroup
	errs := make([]error, len(img.blobs))
	for i, b := range img.blobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.uploadBlob(img.name, b)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	var layers []string
	for _, b := range img.blobs {
		layers = append(layers, fmt.Sprintf(`{"digest":%q,"size":%d}`, digestOf(b), len(b)))
	}
	manifest := fmt.Sprintf(`{"schemaVersion":2,"config":%s,"layers":[%s]}`, layers[0], strings.Join(layers[1:], ","))
	resp, err := p.do(http.MethodPut, fmt.Sprintf("%s/v2/%s/manifests/%s", p.base, img.name, img.tag), []byte(manifest))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("PUT manifest %s:%s: %s", img.name, img.tag, resp.Status)
	}
	return nil
}

// images returns n pushes: each a config blob of its own and a layer shared by
// the images of one repository (so later HEADs find it).
func images(n int, rnd *rand.Rand) []push {
	repos := []string{"ci/app", "ci/worker", "library/nginx", "team-a/api", "team-b/frontend", "infra/exporter"}
	shared := map[string][]byte{}
	var out []push
	for i := 0; i < n; i++ {
		name := repos[i%len(repos)]
		if shared[name] == nil {
			shared[name] = randomBytes(rnd, 2048)
		}
		tag := fmt.Sprintf("build-%d", 4100+i)
		if i == n/2 {
			tag = "v1.2" // a short tag: trips the server's bug
		}
		out = append(out, push{name: name, tag: tag, blobs: [][]byte{randomBytes(rnd, 512), shared[name]}})
	}
	return out
}

func randomBytes(rnd *rand.Rand, n int) []byte {
	b := make([]byte, n)
	rnd.Read(b)
	return b
}
