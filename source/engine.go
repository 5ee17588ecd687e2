package source

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

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
	// Getenv reads the environment for host resolution; nil is os.Getenv.
	Getenv func(string) string
}

// Engine reads an image from a Docker Engine (or a Docker-compatible API
// such as podman's socket): inspect and history first, which answer in
// milliseconds, then one ImageSave stream read through ReadArchive, each
// layer bound as soon as its blob ends (inspect gave the diffIDs). The
// stream's expected size is the one inspect reports, close to the
// stream's but not equal: the BytesRead events say it is approximate.
type Engine struct {
	Ref  string
	Host DockerHost
	opts Options
	kind engineKind // the zero value is the Docker Engine

	cli *client.Client

	mu      sync.Mutex
	dialErr error        // the last failed dial, for messages
	img     *engineImage // what resolve found

	members memberLog // the save's member of each layer, to read files again (engine_content.go)
}

// engineImage is what the engine said about the image before streaming it.
type engineImage struct {
	api       string // negotiated API version
	inspect   client.ImageInspectResult
	history   client.ImageHistoryResult
	platform  *ocispec.Platform // passed to save and history (API ≥ 1.48), else nil
	noPreview bool              // inspect could not select the platform: no exact layer list
}

// NewEngine makes a Source for ref on the engine that opts.Engine.Host or
// the environment names. It does not connect yet.
func NewEngine(ref string, opts Options) (*Engine, error) {
	if ref == "" {
		return nil, errNoImage
	}
	host, err := ResolveDockerHost(opts.Engine.Host, opts.Engine.Getenv)
	if err != nil {
		return nil, err
	}
	return newEngine(ref, host, opts, dockerKind)
}

var errNoImage = errors.New("no image named")

// newEngine is the source of ref on the engine at host, not connected yet.
func newEngine(ref string, host DockerHost, opts Options, kind engineKind) (*Engine, error) {
	e := &Engine{Ref: ref, Host: host, opts: opts, kind: kind}
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
	return fmt.Sprintf("%s at %s (%s)", e.kindOf().name, e.Host.Host, e.Host.Origin)
}

// engineKind is the program behind the API, as messages name it.
type engineKind struct {
	name       string // "the Docker Engine"
	cli        string // its command, for `docker images`
	unreached  string // what to do when nothing answers
	permission string // what to do when its socket is not ours
}

var (
	dockerKind = engineKind{
		name:       "the Docker Engine",
		cli:        "docker",
		unreached:  "start Docker or set DOCKER_HOST / --host",
		permission: "add your user to the docker group, use the rootless socket (unix://$XDG_RUNTIME_DIR/docker.sock), or set DOCKER_HOST / --host",
	}
	podmanKind = engineKind{
		name:       "podman",
		cli:        "podman",
		unreached:  "start podman's service (`systemctl --user start podman.socket`, or `podman system service`) or set CONTAINER_HOST / --host",
		permission: "use your own rootless socket (unix://$XDG_RUNTIME_DIR/podman/podman.sock), or set CONTAINER_HOST / --host",
	}
)

func (e *Engine) kindOf() engineKind {
	if e.kind.name == "" {
		return dockerKind
	}
	return e.kind
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
func (e *Engine) Preview(ctx context.Context, observe Observer) (model.Config, error) {
	img, err := e.resolve(ctx, observe)
	if err != nil {
		return model.Config{}, err
	}
	if img.noPreview {
		return model.Config{}, ErrNoPreview
	}
	return previewConfig(e.Ref, img.inspect, img.history.Items), nil
}

// ErrNoPreview is what Preview answers when a source cannot give an exact
// layer list before streaming; Analyze then goes on without a preview.
var ErrNoPreview = errors.New("no preview")
