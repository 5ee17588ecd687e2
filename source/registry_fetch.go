package source

// Fetching a registry image's blobs: several layers at a time, each
// streamed once through ReadLayer while its digest is checked, delivered
// to the sink as soon as it is decoded (the sink applies them in order).

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// blobJob is one blob to fetch and the layers it is (a blob listed twice
// is fetched once).
type blobJob struct {
	desc   ocispec.Descriptor
	layers []int
}

// fetchLayers fetches the layer blobs, jobs() at a time, taken in layer
// order, and hands each to the sink as soon as it is decoded. The first
// failure stops the others.
func (r *Registry) fetchLayers(ctx context.Context, img *registryImage, sink Sink) error {
	var jobs []*blobJob
	byDigest := map[string]*blobJob{}
	prog := &sharedProgress{observe: sink.Observe}
	for i, d := range img.blobs {
		if j := byDigest[d.Digest.String()]; j != nil {
			j.layers = append(j.layers, i)
			continue
		}
		j := &blobJob{desc: d, layers: []int{i}}
		byDigest[d.Digest.String()] = j
		jobs = append(jobs, j)
		prog.total += d.Size
	}
	var one sync.Mutex // one layer at a time to the sink
	fetch := func(ctx context.Context, j *blobJob) error {
		l, err := r.fetchLayer(ctx, img, j, prog)
		if err != nil {
			return err
		}
		one.Lock()
		defer one.Unlock()
		return r.deliver(img, j, l, sink)
	}
	if err := runJobs(ctx, r.jobs(), jobs, fetch, nil); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", r, err)
		}
		return err
	}
	return nil
}

// deliver checks a decoded blob against the config's diffIDs and hands it
// to the sink as each layer it is.
func (r *Registry) deliver(img *registryImage, j *blobJob, l Layer, sink Sink) error {
	for _, k := range j.layers {
		if want := img.cfg.DiffIDs[k]; l.DiffID != want {
			return fmt.Errorf("%s: layer %d, blob %s: diffID mismatch: the bytes hash to %s, the image config says %s", r, k, j.desc.Digest, l.DiffID, want)
		}
		if err := sink.Layer(k, l); err != nil {
			return fmt.Errorf("%s: %w", r, err)
		}
	}
	return nil
}

// fetchLayer streams one layer blob through ReadLayer. A blob that does
// not decode is read to its end to check its digest: a corrupt copy on
// the registry is named as such, not as a corrupt layer.
func (r *Registry) fetchLayer(ctx context.Context, img *registryImage, j *blobJob, prog *sharedProgress) (Layer, error) {
	k := j.layers[0]
	b, err := r.openBlob(ctx, img, j.desc, prog)
	if err != nil {
		return Layer{}, r.layerError(ctx, img, k, j.desc, err)
	}
	defer b.Close()
	l, err := readLayer(b, r.opts.Keep)
	if err == nil {
		err = b.finish()
	} else if ctx.Err() == nil {
		if bad := b.finish(); bad != nil {
			err = bad
		}
	}
	if err != nil {
		return Layer{}, r.layerError(ctx, img, k, j.desc, err)
	}
	return l, nil
}

func (r *Registry) layerError(ctx context.Context, img *registryImage, k int, d ocispec.Descriptor, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", r, ctx.Err())
	}
	var be *blobError
	if !errors.As(err, &be) {
		var te *transport.Error
		if errors.As(err, &te) || isNetError(err) {
			return r.fail(ctx, img, fmt.Sprintf("layer %d's blob %s", k, d.Digest), err)
		}
	}
	return fmt.Errorf("%s: layer %d, blob %s: %w", r, k, d.Digest, err)
}

// readBlob reads a small blob (the config) whole, its digest checked.
func (r *Registry) readBlob(ctx context.Context, img *registryImage, d ocispec.Descriptor) ([]byte, error) {
	b, err := r.openBlob(ctx, img, d, nil)
	if err != nil {
		var be *blobError
		if errors.As(err, &be) {
			return nil, err
		}
		return nil, r.fail(ctx, img, "the blob "+d.Digest.String(), err)
	}
	defer b.Close()
	raw, err := io.ReadAll(b)
	if err != nil {
		return nil, err
	}
	return raw, nil
}

// openBlob starts the GET of a blob.
func (r *Registry) openBlob(ctx context.Context, img *registryImage, d ocispec.Descriptor, prog *sharedProgress) (*blobReader, error) {
	if err := d.Digest.Validate(); err != nil {
		return nil, &blobError{fmt.Sprintf("the manifest names an invalid digest %q: %v", d.Digest, err)}
	}
	if d.Size < 0 {
		return nil, &blobError{fmt.Sprintf("the manifest gives the blob a size of %d", d.Size)}
	}
	u := url.URL{Scheme: img.repo.Scheme(), Host: img.host, Path: fmt.Sprintf("/v2/%s/blobs/%s", img.repo.RepositoryStr(), d.Digest)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := img.client.Do(req)
	if err != nil {
		return nil, err
	}
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if resp.ContentLength >= 0 && resp.ContentLength != d.Size {
		resp.Body.Close()
		return nil, &blobError{fmt.Sprintf("the registry %s sends %d bytes, the manifest says %d", img.host, resp.ContentLength, d.Size)}
	}
	return &blobReader{body: resp.Body, sum: d.Digest.Algorithm().Hash(), want: d.Digest.Encoded(), alg: string(d.Digest.Algorithm()),
		size: d.Size, host: img.host, prog: prog}, nil
}

// blobError is a blob the registry sent that is not the one the manifest
// names: cut short, too long, or other bytes. It does not unwrap to the
// network's error, so that no reader takes a cut blob for a short tar.
type blobError struct{ msg string }

func (e *blobError) Error() string { return e.msg }

// blobReader is a blob as it streams from the registry: its digest is
// computed on the way and checked at its end, as is its size.
type blobReader struct {
	body io.ReadCloser
	sum  hash.Hash
	alg  string
	want string // the digest's hex
	size int64
	host string
	prog *sharedProgress

	n   int64
	err error // the stream's end or failure, once reached
}

func (b *blobReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.body.Read(p)
	if over := b.n + int64(n) - b.size; over > 0 {
		n -= int(over)
		err = &blobError{fmt.Sprintf("the registry %s sends more than the %d bytes the manifest gives the blob", b.host, b.size)}
	}
	b.sum.Write(p[:n])
	b.n += int64(n)
	b.prog.add(n)
	switch {
	case err == io.EOF && b.n < b.size:
		err = &blobError{fmt.Sprintf("the registry %s ended the blob after %d of its %d bytes", b.host, b.n, b.size)}
	case err == io.EOF:
		if got := fmt.Sprintf("%x", b.sum.Sum(nil)); got != b.want {
			err = &blobError{fmt.Sprintf("the bytes the registry %s sends hash to %s:%s, not to the blob's digest: its copy is corrupt", b.host, b.alg, got)}
		}
	case err != nil && !isBlobError(err):
		err = &blobError{brokenStream(b.host, b.n, b.size, err)}
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

func isBlobError(err error) bool {
	var be *blobError
	return errors.As(err, &be)
}

// brokenStream says how a blob's connection failed.
func brokenStream(host string, n, size int64, err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Sprintf("the registry %s hung up after %d of the blob's %d bytes", host, n, size)
	}
	return fmt.Sprintf("the connection to the registry %s broke after %d of the blob's %d bytes: %s", host, n, size, oneLine(plainNetError(err)))
}

// finish reads what is left of the blob (nothing, once a layer decoded)
// and says whether it was the blob the manifest names.
func (b *blobReader) finish() error {
	if b.err == nil {
		if _, err := io.Copy(io.Discard, b); err != nil {
			return err
		}
	}
	if b.err == io.EOF {
		return nil
	}
	if isBlobError(b.err) {
		return b.err
	}
	return nil
}

func (b *blobReader) Close() error { return b.body.Close() }

// isNetError tells a failure to talk to the registry from one of the data.
func isNetError(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue)
}
