package source

// The engine source's transport: the HTTP client, its dialer (which keeps
// the cause of a failed connection) and TLS.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/moby/moby/client"
)

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
