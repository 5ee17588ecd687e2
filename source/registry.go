package source

// registry://HOST[:PORT]/REPO[:TAG|@DIGEST]: an image read straight from a
// registry, no daemon and no pull. The manifest (or the index, then the
// platform's manifest) and the config come first and are the preview; the
// layer blobs are then fetched several at a time, each streamed once
// through ReadLayer and handed to the sink as soon as it is decoded.

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"lx.dev/lx/model"
)

// RegistryPrefix names a registry: "registry://127.0.0.1:5000/app:1".
const RegistryPrefix = "registry://"

// DefaultJobs is how many layer blobs a registry source fetches at once.
const DefaultJobs = 3

// RegistryOptions configure the registry source.
type RegistryOptions struct {
	// Jobs is how many layer blobs are fetched at once; 0 is DefaultJobs.
	Jobs int
	// Insecure allows plain HTTP and skips TLS certificate checks (a
	// localhost or 127.0.0.1 registry may use plain HTTP without it).
	Insecure bool
}

// Registry reads one image from a registry. Credentials are found as the
// docker CLI finds them ($DOCKER_CONFIG/config.json: auths, credHelpers,
// credsStore), else anonymous.
type Registry struct {
	Ref  string // as written after registry://
	ref  name.Reference
	opts Options

	mu  sync.Mutex
	img *registryImage // what resolve found
}

// registryImage is the resolved image: its config, where its blobs are and
// the client that fetches them.
type registryImage struct {
	cfg    model.Config
	repo   name.Repository
	host   string
	blobs  []ocispec.Descriptor // the layer blobs, bottom first
	client *http.Client         // authenticated for the repository
	anon   bool                 // no credentials were found for the registry
}

// NewRegistry makes the source of ref (what follows registry://). It does
// not connect yet.
func NewRegistry(ref string, opts Options) (*Registry, error) {
	r := &Registry{Ref: ref, opts: opts}
	if opts.Registry.Jobs < 0 {
		return nil, fmt.Errorf("--jobs %d: fetch at least one blob at a time", opts.Registry.Jobs)
	}
	host, rest, ok := strings.Cut(ref, "/")
	if !ok || rest == "" || !isRegistryHost(host) {
		return nil, fmt.Errorf("%s: name the registry and the repository: %sHOST[:PORT]/REPO[:TAG|@DIGEST]", r, RegistryPrefix)
	}
	var nopts []name.Option
	if opts.Registry.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	parsed, err := name.ParseReference(ref, append(nopts, name.StrictValidation)...)
	if err != nil {
		// A missing tag means latest, as for docker pull.
		parsed, err = name.ParseReference(ref, nopts...)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid reference (%s): repositories are lowercase letters, digits and . _ - / separators; tags up to 128 letters, digits and . _ -", r, plainNameError(err))
	}
	r.ref = parsed
	return r, nil
}

// isRegistryHost tells whether the first part of a reference names a
// registry, as the docker CLI decides it: a dot, a port, or localhost.
func isRegistryHost(s string) bool {
	return strings.ContainsAny(s, ".:") || s == "localhost" || strings.HasPrefix(s, "[")
}

// plainNameError drops go-containerregistry's wording of a bad reference
// to what is wrong with it.
func plainNameError(err error) string {
	s := err.Error()
	if i := strings.Index(s, "repository can only contain"); i >= 0 {
		return "invalid repository name: " + s[i:]
	}
	return s
}

func (r *Registry) String() string { return RegistryPrefix + r.Ref }

func (r *Registry) jobs() int {
	if r.opts.Registry.Jobs == 0 {
		return DefaultJobs
	}
	return r.opts.Registry.Jobs
}

// Preview implements Previewer: the manifest and the config, before any
// layer blob.
func (r *Registry) Preview(ctx context.Context, _ Observer) (model.Config, error) {
	img, err := r.resolve(ctx)
	if err != nil {
		return model.Config{}, err
	}
	return img.cfg, nil
}

// Load implements Source.
func (r *Registry) Load(ctx context.Context, sink Sink) error {
	img, err := r.resolve(ctx)
	if err != nil {
		return err
	}
	if err := sink.Config(img.cfg); err != nil {
		return fmt.Errorf("%s: %w", r, err)
	}
	return r.fetchLayers(ctx, img, sink)
}

// resolve finds the image once: credentials, the manifest (through the
// index when there is one), the config.
func (r *Registry) resolve(ctx context.Context) (*registryImage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.img != nil {
		return r.img, nil
	}
	img, err := r.resolveImage(ctx)
	if err != nil {
		return nil, err
	}
	r.img = img
	return img, nil
}

func (r *Registry) resolveImage(ctx context.Context) (*registryImage, error) {
	repo := r.ref.Context()
	img := &registryImage{repo: repo, host: repo.RegistryStr()}
	auth, err := authn.Resolve(ctx, authn.DefaultKeychain, repo)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the docker config for credentials: %s", r, oneLine(err))
	}
	img.anon = auth == authn.Anonymous
	tr, err := transport.NewWithContext(ctx, repo.Registry, auth, r.baseTransport(), []string{repo.Scope(transport.PullScope)})
	if err != nil {
		return nil, r.fail(ctx, img, "", err)
	}
	img.client = &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	want, err := registryPlatform(r.opts.Platform)
	if err != nil {
		return nil, err
	}
	man, err := r.manifest(ctx, img, r.ref, want, 0)
	if err != nil {
		return nil, err
	}
	if err := r.imageConfig(ctx, img, man); err != nil {
		return nil, err
	}
	if r.opts.Platform != "" {
		have := ocispec.Platform{OS: img.cfg.OS, Architecture: img.cfg.Architecture, Variant: img.cfg.Variant}
		if !platformMatch(have, want) {
			return nil, fmt.Errorf("%s: the image is %s only (no index of platforms), not %s", r, platformString(have), r.opts.Platform)
		}
	}
	return img, nil
}

// baseTransport is the HTTP transport under the registry's authentication:
// go-containerregistry's, retrying briefly what a registry may fail for a
// moment, without certificate checks when --insecure says so.
func (r *Registry) baseTransport() http.RoundTripper {
	t := remote.DefaultTransport.(*http.Transport).Clone()
	if r.opts.Registry.Insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return transport.NewRetry(t,
		transport.WithRetryBackoff(transport.Backoff{Duration: 200 * time.Millisecond, Factor: 3, Steps: 3}),
		transport.WithRetryStatusCodes(http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout))
}

// checkRedirect follows a blob's redirect (registries send blobs from a
// storage service) but never from a public host to a private one.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	from, to := via[0].URL.Hostname(), req.URL.Hostname()
	if from != to && privateHost(to) && !privateHost(from) {
		return fmt.Errorf("a redirect from %s to the private host %s was refused", from, to)
	}
	return nil
}

// Manifest media types lx reads: OCI and Docker schema 2, images and indexes.
var manifestTypes = []string{
	ocispec.MediaTypeImageManifest, ocispec.MediaTypeImageIndex,
	dockerManifest, dockerManifestList,
}

const (
	dockerManifest        = "application/vnd.docker.distribution.manifest.v2+json"
	dockerConfig          = "application/vnd.docker.container.image.v1+json"
	dockerSchema1         = "application/vnd.docker.distribution.manifest.v1+json"
	dockerSchema1Signed   = "application/vnd.docker.distribution.manifest.v1+prettyjws"
	maxIndexDepthRegistry = maxIndexDepth
)

// manifest fetches the image manifest ref names, through an index by the
// platform wanted.
func (r *Registry) manifest(ctx context.Context, img *registryImage, ref name.Reference, want ocispec.Platform, depth int) (ocispec.Manifest, error) {
	if depth > maxIndexDepthRegistry {
		return ocispec.Manifest{}, fmt.Errorf("%s: image indexes nest deeper than %d", r, maxIndexDepthRegistry)
	}
	desc, err := remote.Get(ref, remote.WithTransport(img.client.Transport), remote.WithContext(ctx))
	if err != nil {
		return ocispec.Manifest{}, r.fail(ctx, img, "manifest "+manifestName(ref), err)
	}
	mt := string(desc.MediaType)
	switch mt {
	case dockerSchema1, dockerSchema1Signed:
		return ocispec.Manifest{}, fmt.Errorf("%s: %s has a schema 1 manifest (retired in 2017); lx reads schema 2 and OCI images", r, img.host)
	case ocispec.MediaTypeImageIndex, dockerManifestList:
		var idx ocispec.Index
		if err := json.Unmarshal(desc.Manifest, &idx); err != nil {
			return ocispec.Manifest{}, fmt.Errorf("%s: the index %s: %w", r, desc.Digest, jsonError(err))
		}
		child, err := r.choosePlatform(idx, want)
		if err != nil {
			return ocispec.Manifest{}, err
		}
		return r.manifest(ctx, img, ref.Context().Digest(child.Digest.String()), want, depth+1)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(desc.Manifest, &m); err != nil {
		return ocispec.Manifest{}, fmt.Errorf("%s: the manifest %s: %w", r, desc.Digest, jsonError(err))
	}
	if !slices.Contains(manifestTypes, mt) && mt != "" {
		return ocispec.Manifest{}, fmt.Errorf("%s: %s answers a %s, not an image manifest", r, img.host, mt)
	}
	return m, nil
}

// manifestName is a manifest's name in its registry: repo:tag or
// repo@digest.
func manifestName(ref name.Reference) string {
	if _, ok := ref.(name.Digest); ok {
		return ref.Context().RepositoryStr() + "@" + ref.Identifier()
	}
	return ref.Context().RepositoryStr() + ":" + ref.Identifier()
}

// choosePlatform picks the index's manifest for want; with none, the error
// lists the platforms the index has.
func (r *Registry) choosePlatform(idx ocispec.Index, want ocispec.Platform) (ocispec.Descriptor, error) {
	var found []ocispec.Descriptor
	have := map[string]bool{}
	for _, d := range idx.Manifests {
		if d.Platform == nil || d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" || d.Platform.OS == "unknown" {
			continue // build provenance and the like, not an image
		}
		have[platformString(*d.Platform)] = true
		if platformMatch(*d.Platform, want) {
			found = append(found, d)
		}
	}
	for _, d := range found {
		if d.Platform.Variant == want.Variant {
			return d, nil
		}
	}
	if len(found) > 0 {
		return found[0], nil
	}
	list := make([]string, 0, len(have))
	for p := range have {
		list = append(list, p)
	}
	sort.Strings(list)
	what := "this machine's platform " + platformString(want) + "; choose one with --platform"
	if r.opts.Platform != "" {
		what = "platform " + r.opts.Platform
	}
	if len(list) == 0 {
		return ocispec.Descriptor{}, fmt.Errorf("%s: the index names no image platform", r)
	}
	return ocispec.Descriptor{}, fmt.Errorf("%s: no image for %s; the index has %s", r, what, strings.Join(list, ", "))
}

// registryPlatform is the platform asked for, else this machine's as a
// registry names it (images for a Mac or Windows desktop's Linux VM are
// linux images).
func registryPlatform(s string) (ocispec.Platform, error) {
	p, err := wantedPlatform(s)
	if s == "" && runtime.GOOS != "windows" {
		p.OS = "linux"
	}
	return p, err
}

// imageConfig fetches and reads the config the manifest names.
func (r *Registry) imageConfig(ctx context.Context, img *registryImage, m ocispec.Manifest) error {
	switch mt := m.Config.MediaType; mt {
	case ocispec.MediaTypeImageConfig, dockerConfig, "":
	default:
		return fmt.Errorf("%s: not a container image: its config is a %s", r, mt)
	}
	if m.Config.Size > maxMeta {
		return fmt.Errorf("%s: its config is %d bytes, more than %d: not an image config", r, m.Config.Size, maxMeta)
	}
	raw, err := r.readBlob(ctx, img, m.Config)
	if err != nil {
		return fmt.Errorf("%s: the image config %s: %w", r, m.Config.Digest, err)
	}
	c := candidate{config: m.Config.Digest.String(), blobs: m.Layers}
	for _, l := range m.Layers {
		c.layers = append(c.layers, l.Digest.String())
	}
	read := func(member string) ([]byte, error) { return raw, nil }
	cfg, err := imageFor(read, c, r.Ref)
	if err != nil {
		return fmt.Errorf("%s: %w", r, err)
	}
	for i, d := range m.Layers {
		// What a pull transfers: the blob as the registry holds it.
		cfg.Layers[i] = model.LayerBlob{Digest: d.Digest.String(), MediaType: d.MediaType, CompressedSize: d.Size}
	}
	img.cfg, img.blobs = cfg, m.Layers
	return nil
}
