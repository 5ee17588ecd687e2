package testengine

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Break says what a Proxy does to an image save stream once it has passed
// Limit bytes of the response.
type Break int

const (
	// Stall stops forwarding and keeps the connection open, like an engine
	// that hangs: only the client giving up ends the request.
	Stall Break = iota
	// HangUp closes the connection, like an engine that died.
	HangUp
	// Pace never breaks the stream: it forwards it at Limit bytes a
	// second, like an engine on a slow disk or at the end of a network.
	Pace
	// Hold stops forwarding until Release, then forwards the rest as it
	// is: the response arrives late and whole, for a test to change the
	// engine meanwhile.
	Hold
)

// Proxy is a unix socket in front of the real engine that forwards every
// request as it is, except the response to an image save (GET
// /images/get), which it breaks off after Limit bytes (or, with Pace,
// slows to Limit bytes a second).
type Proxy struct {
	Host   string        // unix://… of the proxy's socket
	Broken chan struct{} // closed when a save stream has been broken off

	engine  string
	match   []byte // what a request's bytes hold for its response to be broken
	mode    Break
	limit   int64
	once    sync.Once
	done    chan struct{}
	release chan struct{} // closed by Release: stalled streams hang up
	relOnce sync.Once
}

// StartProxy starts a Proxy for the engine at engineHost (a unix:// host),
// stopped when the test ends.
func StartProxy(t testing.TB, engineHost string, mode Break, limit int64) *Proxy {
	t.Helper()
	return StartProxyOn(t, engineHost, "/images/get", mode, limit)
}

// StartProxyOn is StartProxy for the responses to the requests whose
// bytes hold match (e.g. "/archive", a container's archive API), counting
// Limit over the responses of one connection.
func StartProxyOn(t testing.TB, engineHost, match string, mode Break, limit int64) *Proxy {
	t.Helper()
	sock, ok := strings.CutPrefix(engineHost, "unix://")
	if !ok {
		t.Fatalf("the proxy needs a unix:// engine, not %s", engineHost)
	}
	probe, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("the engine at %s does not answer: %v", engineHost, err)
	}
	probe.Close()
	// Socket paths are short (~108 bytes): not under t.TempDir().
	path := filepath.Join(shortTempDir(t), "p.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Host: "unix://" + path, Broken: make(chan struct{}), engine: sock, match: []byte(match), mode: mode, limit: limit, done: make(chan struct{}), release: make(chan struct{})}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		close(p.done)
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return p
}

func (p *Proxy) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("unix", p.engine)
	if err != nil {
		return
	}
	defer up.Close()
	var saving atomic.Bool
	go func() {
		// Requests: forwarded whole; a save request arms the break.
		buf := make([]byte, 32<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if bytes.Contains(buf[:n], p.match) {
					saving.Store(true)
				}
				if _, werr := up.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if cw, ok := up.(interface{ CloseWrite() error }); ok {
					cw.CloseWrite()
				}
				return
			}
		}
	}()
	var sent int64
	var start time.Time
	buf := make([]byte, 32<<10)
	for {
		n, err := up.Read(buf)
		if n > 0 {
			if saving.Load() && p.mode == Pace {
				if start.IsZero() {
					start = time.Now()
				}
				sent += int64(n)
				due := start.Add(time.Duration(float64(sent) / float64(p.limit) * float64(time.Second)))
				select {
				case <-time.After(time.Until(due)):
				case <-p.done:
					return
				}
			} else if saving.Load() {
				switch {
				case sent+int64(n) > p.limit && p.mode == Hold:
					// What is past the limit waits for Release, then goes on below.
					held := int(max(p.limit-sent, 0))
					sent += int64(n)
					c.Write(buf[:held])
					p.breakOff()
					select {
					case <-p.done:
						return
					case <-p.release:
					}
					n = copy(buf, buf[held:n])
				case sent+int64(n) > p.limit:
					n = int(p.limit - sent)
					c.Write(buf[:n])
					p.breakOff()
					if p.mode == Stall {
						select {
						case <-p.done:
						case <-p.release:
						}
					}
					return
				default:
					sent += int64(n)
				}
			}
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// shortTempDir is a temp directory with a short path, for sockets.
func shortTempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "lxp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// Release ends the stalls and holds: a stalled stream hangs up, as a
// stream the engine broke off; a held one goes on.
func (p *Proxy) Release() {
	p.relOnce.Do(func() { close(p.release) })
}

func (p *Proxy) breakOff() {
	p.once.Do(func() { close(p.Broken) })
}
