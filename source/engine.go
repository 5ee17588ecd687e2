package source

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"lx.dev/lx/model"
)

// EnginePrefix names the Docker Engine explicitly: "docker-daemon:nginx:latest"
// (the name skopeo gives the same thing). Without it, Open falls back to the
// engine for a reference that is not an existing path.
const EnginePrefix = "docker-daemon:"

// platformAPI is the first Engine API version whose image save and history
// can choose a platform (Docker 28); image inspect can from platformInspectAPI.
const (
	platformAPI        = "1.48"
	platformInspectAPI = "1.49"
)

// EngineOptions configure the Docker Engine source.
type EngineOptions struct {
	// Host is the --host flag: it wins over DOCKER_HOST, DOCKER_CONTEXT and
	// the docker CLI's current context (see ResolveDockerHost).
	Host string
	// NoPull fails for an image the engine does not have instead of pulling it.
	NoPull bool
	// PullProgress, when set, follows a pull: one call per message of the
	// engine's pull stream.
	PullProgress func(PullProgress)
	// Getenv reads the environment for host resolution; nil is os.Getenv.
	Getenv func(string) string
}

// PullProgress is one message of an image pull.
type PullProgress struct {
	Ref     string // what is being pulled
	ID      string // the layer the message is about; "" for the image
	Status  string // "Pulling fs layer", "Downloading", "Pull complete"...
	Current int64  // bytes done, when the status carries progress
	Total   int64  // bytes in all, when known (else 0)
}

// Engine reads an image from a Docker Engine (or a Docker-compatible API
// such as podman's socket): inspect and history first, which answer in
// milliseconds, then one ImageSave stream read through ReadArchive. The
// Total of Options.Progress is the size inspect reports, close to the
// stream's but not equal: a caller shows it as approximate.
type Engine struct {
	Ref  string
	Host DockerHost
	opts Options

	cli *client.Client

	mu      sync.Mutex
	dialErr error        // the last failed dial, for messages
	img     *engineImage // what resolve found
}

// engineImage is what the engine said about the image before streaming it.
type engineImage struct {
	api       string // negotiated API version
	inspect   client.ImageInspectResult
	history   client.ImageHistoryResult
	platform  *platform // passed to save and history (API ≥ 1.48), else nil
	noPreview bool      // inspect could not select the platform: no exact layer list
}

// NewEngine makes a Source for ref on the engine that opts.Engine.Host or
// the environment names. It does not connect yet.
func NewEngine(ref string, opts Options) (*Engine, error) {
	if ref == "" {
		return nil, errors.New("no image named")
	}
	host, err := ResolveDockerHost(opts.Engine.Host, opts.Engine.Getenv)
	if err != nil {
		return nil, err
	}
	e := &Engine{Ref: ref, Host: host, opts: opts}
	if err := e.connect(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Engine) String() string {
	return fmt.Sprintf("image %s on %s", e.Ref, e.Host.Host)
}

// where names the engine and where its address came from.
func (e *Engine) where() string {
	return fmt.Sprintf("the Docker Engine at %s (%s)", e.Host.Host, e.Host.Origin)
}

func (e *Engine) connect() error {
	proto, addr, _ := strings.Cut(e.Host.Host, "://")
	if proto == "ssh" {
		return fmt.Errorf("%s: ssh:// hosts need the docker CLI's ssh helper, which lx does not run; forward the socket (ssh -L /tmp/docker.sock:/var/run/docker.sock HOST) and use --host unix:///tmp/docker.sock", e.where())
	}
	// The scheme is said outright: cloning a transport can give it a TLS
	// config of its own (for HTTP/2), which the client would take for TLS.
	// Big reads: the image stream is the bulk of the traffic, and the
	// default 4 KiB buffer costs a syscall per 4 KiB.
	transport, scheme := &http.Transport{ReadBufferSize: 1 << 20}, "http"
	if e.Host.TLS != nil {
		scheme = "https"
		cfg, err := tlsConfig(e.Host.TLS)
		if err != nil {
			return fmt.Errorf("%s: TLS: %w", e.where(), err)
		}
		transport.TLSClientConfig = cfg
	}
	ops := []client.Opt{
		client.WithHTTPClient(&http.Client{Transport: transport, CheckRedirect: client.CheckRedirect}),
		client.WithHost(e.Host.Host),
		client.WithScheme(scheme),
		client.WithAPIVersionNegotiation(),
		client.WithUserAgent("lx"),
	}
	// Dial ourselves to keep the cause of a failed connection (missing
	// socket, permission, refused), which the client's errors drop.
	switch proto {
	case "unix":
		ops = append(ops, client.WithDialContext(func(ctx context.Context, _, _ string) (net.Conn, error) {
			return e.dial(ctx, "unix", addr)
		}))
	case "tcp":
		ops = append(ops, client.WithDialContext(func(ctx context.Context, network, a string) (net.Conn, error) {
			return e.dial(ctx, network, a)
		}))
	}
	cli, err := client.New(ops...)
	if err != nil {
		return fmt.Errorf("%s: %w", e.where(), err)
	}
	e.cli = cli
	return nil
}

func (e *Engine) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		e.mu.Lock()
		e.dialErr = err
		e.mu.Unlock()
	}
	return c, err
}

func tlsConfig(f *TLSFiles) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.SkipVerify}
	if f.CA != "" && !f.SkipVerify {
		pem, err := os.ReadFile(f.CA)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", f.CA)
		}
		cfg.RootCAs = pool
	}
	if f.Cert != "" && f.Key != "" {
		cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// Close releases the client's idle connections.
func (e *Engine) Close() error { return e.cli.Close() }

// APIVersion is the negotiated Engine API version, once the engine answered.
func (e *Engine) APIVersion() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.img == nil {
		return ""
	}
	return e.img.api
}

// Preview implements Previewer: the layer list from image inspect, the
// history from image history (pulling the image first when needed).
func (e *Engine) Preview(ctx context.Context) (model.Config, error) {
	img, err := e.resolve(ctx)
	if err != nil {
		return model.Config{}, err
	}
	if img.noPreview {
		return model.Config{}, ErrNoPreview
	}
	return previewConfig(e.Ref, img.inspect, img.history.Items), nil
}

// Load implements Source: one ImageSave stream, read as it arrives.
func (e *Engine) Load(ctx context.Context, sink Sink) error {
	defer e.Close()
	img, err := e.resolve(ctx)
	if err != nil {
		return err
	}
	var saveOpts []client.ImageSaveOption
	opts := e.opts
	opts.Tag = ""
	if img.platform != nil {
		saveOpts = append(saveOpts, client.ImageSaveWithPlatforms(ociPlatform(*img.platform)))
	} else {
		// The save holds this one image; an old engine's legacy layout
		// names no platform to choose by (resolve checked it matches).
		opts.Platform = ""
	}
	body, err := e.cli.ImageSave(ctx, []string{e.Ref}, saveOpts...)
	if err != nil {
		return e.fail(ctx, "saving", err)
	}
	defer body.Close()
	// ImageSave closes the body when ctx ends; say so here too, so a
	// stalled read returns at once whatever the client does.
	stop := context.AfterFunc(ctx, func() { body.Close() })
	defer stop()
	br := &breakReader{r: body}
	r := newProgressReader(ctx, br, img.inspect.Size, e.opts.Progress)
	check := &checkedSink{Sink: sink, want: img.inspect.RootFS.Layers}
	if img.noPreview {
		check.want = nil // inspect described another platform
	}
	err = ReadArchive(ctx, r, opts, e.Ref, check)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", e, ctx.Err())
	case br.err != nil:
		return fmt.Errorf("%s: the stream broke off after %d bytes (%v): the daemon stopped or the connection was lost; nothing was analysed, run lx again once %s answers", e, br.n, oneLine(br.err), e.Host.Host)
	}
	return fmt.Errorf("%s: %w", e, err)
}

// ErrNoPreview is what Preview answers when a source cannot give an exact
// layer list before streaming; Analyze then goes on without a preview.
var ErrNoPreview = errors.New("no preview")

// resolve connects, negotiates the API version, finds (or pulls) the image
// and reads its history, once.
func (e *Engine) resolve(ctx context.Context) (*engineImage, error) {
	e.mu.Lock()
	img := e.img
	e.mu.Unlock()
	if img != nil {
		return img, nil
	}
	if _, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, e.fail(ctx, "connecting", err)
	}
	img = &engineImage{api: e.cli.ClientVersion()}
	var want *platform
	if e.opts.Platform != "" {
		p, err := wantedPlatform(e.opts.Platform)
		if err != nil {
			return nil, err
		}
		want = &p
		if !versions.LessThan(img.api, platformAPI) {
			img.platform = want
		}
	}
	var inspectOpts []client.ImageInspectOption
	if want != nil && !versions.LessThan(img.api, platformInspectAPI) {
		op := ociPlatform(*want)
		inspectOpts = append(inspectOpts, client.ImageInspectWithPlatform(&op))
	}
	var err error
	img.inspect, err = e.cli.ImageInspect(ctx, e.Ref, inspectOpts...)
	if cerrdefs.IsNotFound(err) {
		if err := e.pull(ctx, want); err != nil {
			return nil, err
		}
		img.inspect, err = e.cli.ImageInspect(ctx, e.Ref, inspectOpts...)
	}
	if err != nil {
		return nil, e.fail(ctx, "inspecting", err)
	}
	if want != nil {
		have := platform{OS: img.inspect.Os, Architecture: img.inspect.Architecture, Variant: img.inspect.Variant}
		match := platformMatch(have, *want)
		switch {
		case img.platform == nil && !match:
			return nil, fmt.Errorf("image %s on %s is %s, not %s, and that engine speaks API %s: choosing a platform needs API %s (Docker 28) or newer; pull the platform you want under its own tag, or use a newer engine",
				e.Ref, e.where(), have, *want, img.api, platformAPI)
		case img.platform != nil && len(inspectOpts) == 0 && !match:
			img.noPreview = true // inspect told of another platform
		}
	}
	var histOpts []client.ImageHistoryOption
	if img.platform != nil {
		histOpts = append(histOpts, client.ImageHistoryWithPlatform(ociPlatform(*img.platform)))
	}
	img.history, err = e.cli.ImageHistory(ctx, e.Ref, histOpts...)
	if err != nil {
		return nil, e.fail(ctx, "reading the history of", err)
	}
	e.mu.Lock()
	e.img = img
	e.mu.Unlock()
	return img, nil
}

// fail explains an error of the engine in one line: an engine that cannot
// be reached, an image it does not have, or what it answered.
func (e *Engine) fail(ctx context.Context, doing string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", e, ctx.Err())
	}
	if client.IsErrConnectionFailed(err) {
		return e.connError(err)
	}
	if cerrdefs.IsNotFound(err) {
		return fmt.Errorf("no image %s on %s; check the name with `docker images`", e.Ref, e.where())
	}
	return fmt.Errorf("%s: %s the image: %s", e, doing, oneLine(daemonMessage(err)))
}

// connError says why the engine could not be reached and what to do.
func (e *Engine) connError(err error) error {
	e.mu.Lock()
	cause := e.dialErr
	e.mu.Unlock()
	if cause == nil {
		cause = err
	}
	const todo = "start Docker or set DOCKER_HOST / --host"
	switch {
	case errors.Is(cause, fs.ErrNotExist):
		return fmt.Errorf("cannot reach %s: no such socket; %s", e.where(), todo)
	case errors.Is(cause, fs.ErrPermission):
		return fmt.Errorf("cannot reach %s: permission denied on the socket; add your user to the docker group, use the rootless socket (unix://$XDG_RUNTIME_DIR/docker.sock), or set DOCKER_HOST / --host", e.where())
	case errors.Is(cause, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot reach %s: connection refused, no daemon is listening; %s", e.where(), todo)
	}
	var cert *tls.CertificateVerificationError
	var alert tls.AlertError
	if errors.As(cause, &cert) || errors.As(cause, &alert) || e.Host.TLS != nil && strings.Contains(cause.Error(), "tls:") {
		return fmt.Errorf("cannot reach %s over TLS: %s; check the certificates (DOCKER_CERT_PATH and DOCKER_TLS_VERIFY, or the context's TLS files)", e.where(), oneLine(plainNetError(cause)))
	}
	return fmt.Errorf("cannot reach %s: %s; %s", e.where(), oneLine(plainNetError(cause)), todo)
}

// plainNetError drops the "dial unix PATH:" and `Get "URL":` prefixes
// that net and HTTP errors carry: the message names the host already.
func plainNetError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// daemonMessage drops the client's "Error response from daemon: " prefix.
func daemonMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "Error response from daemon: ")
}

// oneLine keeps a message on one line.
func oneLine(v any) string {
	s := fmt.Sprint(v)
	s = strings.Join(strings.Fields(s), " ")
	return s
}

// pull fetches the image through the engine, following its progress.
func (e *Engine) pull(ctx context.Context, want *platform) error {
	if e.opts.Engine.NoPull {
		return fmt.Errorf("no image %s on %s, and --no-pull forbids pulling it", e.Ref, e.where())
	}
	if !pullable(e.Ref) {
		return fmt.Errorf("no image %s on %s (an image ID cannot be pulled); check it with `docker images`", e.Ref, e.where())
	}
	var opts client.ImagePullOptions
	if want != nil {
		opts.Platforms = append(opts.Platforms, ociPlatform(*want))
	}
	resp, err := e.cli.ImagePull(ctx, e.Ref, opts)
	if err != nil {
		if ctx.Err() != nil || client.IsErrConnectionFailed(err) {
			return e.fail(ctx, "pulling", err)
		}
		return e.pullError(daemonMessage(err))
	}
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", e, ctx.Err())
			}
			return e.pullError(err.Error())
		}
		if msg.Error != nil {
			return e.pullError(msg.Error.Message)
		}
		if f := e.opts.Engine.PullProgress; f != nil {
			p := PullProgress{Ref: e.Ref, ID: msg.ID, Status: msg.Status}
			if msg.Progress != nil {
				p.Current, p.Total = msg.Progress.Current, msg.Progress.Total
			}
			f(p)
		}
	}
	return nil
}

func (e *Engine) pullError(answer string) error {
	return fmt.Errorf("%s is not on %s and pulling it failed: %s", e.Ref, e.where(), oneLine(answer))
}

// pullable tells whether ref names something a registry can have: not an
// image ID ("sha256:…" or 64 hex digits).
func pullable(ref string) bool {
	if strings.HasPrefix(ref, "sha256:") {
		return false
	}
	if len(ref) == 64 && strings.Trim(ref, "0123456789abcdef") == "" {
		return false
	}
	return true
}

// breakReader remembers the error that ended a stream early: anything but
// a clean end of the body.
type breakReader struct {
	r   io.Reader
	n   int64
	err error
}

func (b *breakReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// checkedSink makes sure the saved image is the inspected one: a tag that
// moved between the two calls must not mix two images.
type checkedSink struct {
	Sink
	want []string
}

func (s *checkedSink) Config(cfg model.Config) error {
	if s.want != nil && !slices.Equal(cfg.DiffIDs, s.want) {
		return fmt.Errorf("the image changed while it was read (inspect listed %d layers, the saved config %d, not the same); run lx again", len(s.want), len(cfg.DiffIDs))
	}
	return s.Sink.Config(cfg)
}
