package source

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

// socketDir is a short temp directory: socket paths are limited to ~108 bytes.
func socketDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lxerr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// An engine that answers every request but the ping with 404, as an
// engine without the image does.
func startImagelessEngine(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(socketDir(t), "e.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		if r.URL.Path == "/_ping" {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"No such image: app:1"}`))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

// Engine errors keep their one line for people and unwrap to their cause.
func TestEngineErrorsUnwrapToTheirCause(t *testing.T) {
	refused := filepath.Join(socketDir(t), "refused.sock")
	l, err := net.Listen("unix", refused)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // the socket file stays, with nobody listening
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	for _, tc := range []struct {
		name, host string
		ctx        context.Context
		cause      error
		text       string
	}{
		{"missing socket", "unix://" + filepath.Join(socketDir(t), "none.sock"), context.Background(), fs.ErrNotExist, "no such socket; start Docker"},
		{"refused", "unix://" + refused, context.Background(), syscall.ECONNREFUSED, "connection refused, no daemon is listening"},
		{"cancelled", "unix://" + refused, cancelled, context.Canceled, "context canceled"},
		{"no such image", startImagelessEngine(t), context.Background(), cerrdefs.ErrNotFound, "no image app:1 on the Docker Engine at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engineFor(t, "app:1", tc.host)
			_, err := e.Preview(tc.ctx, nil)
			if !errors.Is(err, tc.cause) {
				t.Errorf("err = %v (%T); want it to be %v", err, err, tc.cause)
			}
			if err == nil || !strings.Contains(err.Error(), tc.text) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q; want one line with %q", err, tc.text)
			}
		})
	}
}
