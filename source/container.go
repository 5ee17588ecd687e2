package source

// A container of the Docker Engine: its image's layers, read exactly as the
// engine source reads an image (inspect and history, then one save
// stream), with the container's writable layer on top. The writable layer
// comes from the changes API (docker diff) and, for what it added or
// changed, the archive API (docker cp's read side): nothing is committed,
// created, written or paused.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// ContainerPrefix names a container of the Docker Engine, by name or ID:
// "container:web".
const ContainerPrefix = "container:"

// Container reads a container's filesystem: the layers of its image, then
// its writable layer as one more layer. The figures are those of the
// container as it stood while it was read: a container that stops, starts
// or goes away meanwhile fails the read.
type Container struct {
	Name string // as the user gave it: a name or an ID
	e    *Engine

	mu     sync.Mutex
	info   *model.Container // what inspect said when the read began
	status containerStatus
}

// containerStatus is what says a container ran on, or stopped, while it
// was read.
type containerStatus struct {
	state, started, finished string
}

func statusOf(in container.InspectResponse) containerStatus {
	if in.State == nil {
		return containerStatus{}
	}
	return containerStatus{state: string(in.State.Status), started: in.State.StartedAt, finished: in.State.FinishedAt}
}

// NewContainer makes a Source for the container name on the engine that
// opts.Engine.Host or the environment names. It does not connect yet.
func NewContainer(name string, opts Options) (*Container, error) {
	if name == "" {
		return nil, errors.New("container: names no container; give its name or ID: container:NAME")
	}
	if opts.Platform != "" {
		return nil, fmt.Errorf("container:%s: --platform does not apply to a container, whose image is the one it was created from", name)
	}
	host, err := ResolveDockerHost(opts.Engine.Host, opts.Engine.Getenv)
	if err != nil {
		return nil, err
	}
	opts.Engine.NoPull = true // the container's image is there, or gone
	e, err := newEngine("", host, opts, dockerKind)
	if err != nil {
		return nil, err
	}
	return &Container{Name: name, e: e}, nil
}

func (c *Container) String() string {
	return fmt.Sprintf("container %s on %s", c.Name, c.e.Host.Host)
}

// resolve inspects the container, with its sizes, once; its image is then
// the engine source's.
func (c *Container) resolve(ctx context.Context) (*model.Container, error) {
	c.mu.Lock()
	info := c.info
	c.mu.Unlock()
	if info != nil {
		return info, nil
	}
	if _, err := c.e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, c.fail(ctx, "connecting to", err)
	}
	res, err := c.e.cli.ContainerInspect(ctx, c.Name, client.ContainerInspectOptions{Size: true})
	if err != nil {
		return nil, c.fail(ctx, "inspecting", err)
	}
	in := res.Container
	info = &model.Container{
		ID: in.ID, Name: strings.TrimPrefix(in.Name, "/"), Image: in.Image,
		SizeRw: sizeOrUnknown(in.SizeRw), SizeRootFs: sizeOrUnknown(in.SizeRootFs),
	}
	if in.Config != nil && in.Config.Image != "" {
		info.Image = in.Config.Image
	}
	if in.State != nil {
		info.State = string(in.State.Status)
	}
	if t, err := time.Parse(time.RFC3339Nano, in.Created); err == nil {
		info.Created = t
	}
	if in.Image == "" {
		return nil, fmt.Errorf("%s: the engine names no image for it", c)
	}
	c.e.Ref = in.Image // its ID: exact, whatever its tags became
	c.mu.Lock()
	c.info, c.status = info, statusOf(in)
	c.mu.Unlock()
	return info, nil
}

func sizeOrUnknown(n *int64) int64 {
	if n == nil {
		return -1
	}
	return *n
}

// Preview implements Previewer: the image's layer list and history with
// the writable layer on top.
func (c *Container) Preview(ctx context.Context, observe Observer) (model.Config, error) {
	info, err := c.resolve(ctx)
	if err != nil {
		return model.Config{}, err
	}
	cfg, err := c.e.Preview(ctx, observe)
	if err != nil {
		return model.Config{}, c.imageError(ctx, err)
	}
	return c.withWritable(cfg, info), nil
}

// withWritable is the image's config with the writable layer on top.
func (c *Container) withWritable(cfg model.Config, info *model.Container) model.Config {
	cfg.Ref = ContainerPrefix + c.Name
	cfg.DiffIDs = append(slices.Clip(cfg.DiffIDs), "")
	cfg.Container = info
	return cfg
}

// Load implements Source: the image's save stream and the writable layer,
// read side by side; the writable layer is handed on last, once the
// container is known to have stayed as it was.
func (c *Container) Load(ctx context.Context, sink Sink) error {
	defer c.e.Close()
	info, err := c.resolve(ctx)
	if err != nil {
		return err
	}
	outer := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ws := &writableSink{Sink: sink, c: c, info: info}
	ws.saveTotal.Store(-1) // unknown until the save says
	if info.SizeRw > 0 {
		ws.rwTotal = info.SizeRw
	}
	// The first failure ends both reads and is the one told.
	var once sync.Once
	var first error
	failed := func(err error) { once.Do(func() { first = err; cancel() }) }
	var layer Layer
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		if layer, err = c.readWritable(ctx, ws.observeRead); err != nil {
			failed(err)
		}
	}()
	if err := c.e.Load(ctx, ws); err != nil {
		failed(c.imageError(outer, err))
	}
	<-done
	if first != nil {
		return first
	}
	if err := c.stillAsItWas(outer); err != nil {
		return err
	}
	return sink.Layer(ws.layers, layer)
}

// writableSink passes the image on with the writable layer on top of its
// config, and counts the writable layer's bytes into the stream's.
type writableSink struct {
	Sink
	c      *Container
	info   *model.Container
	layers int // the image's, once a config came

	saveRead, saveTotal atomic.Int64
	rwRead              atomic.Int64
	rwTotal             int64
}

func (s *writableSink) Config(cfg model.Config) error {
	s.layers = len(cfg.DiffIDs)
	return s.Sink.Config(s.c.withWritable(cfg, s.info))
}

func (s *writableSink) Observe(ev Event) {
	if b, ok := ev.(BytesRead); ok {
		s.saveRead.Store(b.Read)
		s.saveTotal.Store(b.Total)
		s.progress()
		return
	}
	s.Sink.Observe(ev)
}

// observeRead counts bytes of the writable layer's files.
func (s *writableSink) observeRead(n int64) {
	s.rwRead.Add(n)
	s.progress()
}

// progress says how far both reads have come, against the save's
// expected size and the writable layer's as the engine counts it.
func (s *writableSink) progress() {
	total := s.saveTotal.Load()
	if total >= 0 {
		total += s.rwTotal
	}
	s.Sink.Observe(BytesRead{Read: s.saveRead.Load() + s.rwRead.Load(), Total: total, Approximate: true})
}

// stillAsItWas checks, once everything is read, that the container is
// still there and neither stopped nor started meanwhile: otherwise what
// was read is not the filesystem of one moment.
func (c *Container) stillAsItWas(ctx context.Context) error {
	res, err := c.e.cli.ContainerInspect(ctx, c.info.ID, client.ContainerInspectOptions{})
	if err != nil {
		return c.fail(ctx, "checking", err)
	}
	now := statusOf(res.Container)
	if now == c.status {
		return nil
	}
	return c.changedError(now)
}

func (c *Container) changedError(now containerStatus) error {
	was := c.status
	how := "restarted"
	switch {
	case was.state == "running" && now.state != "running":
		how = "stopped (" + now.state + ")"
	case was.state != "running" && now.state == "running":
		how = "started"
	case was.state != now.state:
		how = "went from " + was.state + " to " + now.state
	}
	return fmt.Errorf("%s %s while lx read it: nothing was analysed; run lx again", c, how)
}

// fail explains an error of the engine about the container in one line.
func (c *Container) fail(ctx context.Context, doing string, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", c, ctx.Err())
	case client.IsErrConnectionFailed(err):
		return c.e.connError(err)
	case cerrdefs.IsNotFound(err) && c.info != nil:
		return explain(err, "%s was removed while lx read it: nothing was analysed", c)
	case cerrdefs.IsNotFound(err):
		return explain(err, "no container %s on %s; check the name with `%s ps -a`", c.Name, c.e.where(), c.e.kindOf().cli)
	}
	return explain(err, "%s: %s the container: %s", c, doing, oneLine(daemonMessage(err)))
}

// imageError says an error of the image's read as the container's.
func (c *Container) imageError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", c, ctx.Err())
	}
	if cerrdefs.IsNotFound(err) {
		return explain(err, "%s: its image %s is no longer on %s", c, c.e.Ref, c.e.where())
	}
	return fmt.Errorf("%s: its image: %w", c, err)
}
