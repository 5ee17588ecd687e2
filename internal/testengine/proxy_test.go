package testengine

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// A held response waits for Release and then arrives whole; other
// requests pass meanwhile.
func TestProxyHold(t *testing.T) {
	sock := filepath.Join(shortTempDir(t), "e.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "answer to "+r.URL.Path) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	p := StartProxyOn(t, "unix://"+sock, "/changes", Hold, 0)
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", p.Host[len("unix://"):])
	}}}
	get := func(path string) <-chan string {
		out := make(chan string, 1)
		go func() {
			resp, err := client.Get("http://engine" + path)
			if err != nil {
				out <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			out <- string(b)
		}()
		return out
	}
	held := get("/containers/x/changes")
	select {
	case <-p.Broken:
	case <-time.After(10 * time.Second):
		t.Fatal("the response was never held")
	}
	if got := <-get("/containers/x/json"); got != "answer to /containers/x/json" {
		t.Errorf("another request got %q", got)
	}
	select {
	case got := <-held:
		t.Fatalf("the held response came before Release: %q", got)
	case <-time.After(200 * time.Millisecond):
	}
	p.Release()
	if got := <-held; got != "answer to /containers/x/changes" {
		t.Errorf("the held response is %q", got)
	}
}
