package source

// The engine source's errors: one line saying what failed and what to do,
// wrapping the cause so that errors.Is and errors.As find it.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// engineError is an error of the engine source: the one line a person
// reads, and the cause it explains, for errors.Is and errors.As (a missing
// socket is fs.ErrNotExist, an image the engine lacks errdefs' not found).
type engineError struct {
	msg   string
	cause error
}

func (e *engineError) Error() string { return e.msg }
func (e *engineError) Unwrap() error { return e.cause }

// explain words cause for people, keeping it underneath.
func explain(cause error, format string, args ...any) error {
	return &engineError{msg: fmt.Sprintf(format, args...), cause: cause}
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
		return explain(err, "no image %s on %s; check the name with `%s images`", e.Ref, e.where(), e.kindOf().cli)
	}
	return explain(err, "%s: %s the image: %s", e, doing, oneLine(daemonMessage(err)))
}

// connError says why the engine could not be reached and what to do.
func (e *Engine) connError(err error) error {
	e.mu.Lock()
	cause := e.dialErr
	e.mu.Unlock()
	if cause == nil {
		cause = err
	}
	todo := e.kindOf().unreached
	switch {
	case errors.Is(cause, fs.ErrNotExist):
		return explain(cause, "cannot reach %s: no such socket; %s", e.where(), todo)
	case errors.Is(cause, fs.ErrPermission):
		return explain(cause, "cannot reach %s: permission denied on the socket; %s", e.where(), e.kindOf().permission)
	case errors.Is(cause, syscall.ECONNREFUSED):
		return explain(cause, "cannot reach %s: connection refused, no daemon is listening; %s", e.where(), todo)
	}
	var cert *tls.CertificateVerificationError
	var alert tls.AlertError
	if errors.As(cause, &cert) || errors.As(cause, &alert) || e.Host.TLS != nil && strings.Contains(cause.Error(), "tls:") {
		return explain(cause, "cannot reach %s over TLS: %s; check the certificates (DOCKER_CERT_PATH and DOCKER_TLS_VERIFY, or the context's TLS files)", e.where(), oneLine(plainNetError(cause)))
	}
	return explain(cause, "cannot reach %s: %s; %s", e.where(), oneLine(plainNetError(cause)), todo)
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
