package source

// The registry source's errors: one line naming the image, the registry
// and what it answered (or why it could not be reached).

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// fail explains an error of talking to the registry about what (the
// manifest of a tag, a blob; "" for the first contact).
func (r *Registry) fail(ctx context.Context, img *registryImage, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", r, ctx.Err())
	}
	host := img.host
	var te *transport.Error
	if errors.As(err, &te) {
		answer := registryAnswer(te)
		switch te.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			creds := "with the credentials found for " + host
			if img.anon {
				creds = "to an anonymous pull (no credentials for " + host + " in the docker config: docker login " + host + ", or set DOCKER_CONFIG)"
			}
			return explain(err, "%s: the registry %s refuses access %s: %s", r, host, creds, answer)
		case http.StatusNotFound:
			if what != "" {
				return explain(err, "%s: the registry %s has no %s: %s", r, host, what, answer)
			}
		}
		if what == "" {
			what = "its API (/v2/)"
		}
		return explain(err, "%s: the registry %s answers %s for %s", r, host, answer, what)
	}
	return explain(err, "%s: cannot reach the registry %s: %s%s", r, host, oneLine(netCause(err)), tlsHint(err))
}

// registryAnswer is what the registry said: the status and its error
// codes and messages.
func registryAnswer(te *transport.Error) string {
	s := fmt.Sprintf("%d %s", te.StatusCode, http.StatusText(te.StatusCode))
	for _, d := range te.Errors {
		s += ": " + string(d.Code)
		if d.Message != "" {
			s += " (" + oneLine(d.Message) + ")"
		}
	}
	return s
}

// netCause is the network's reason without the URL and dial prefixes.
func netCause(err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns
	}
	return plainNetError(err)
}

// tlsHint says what to do about a TLS failure: a registry serving plain
// HTTP, or a certificate this machine does not trust.
func tlsHint(err error) string {
	var unknown x509.UnknownAuthorityError
	var cert *tls.CertificateVerificationError
	var host x509.HostnameError
	switch {
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "; it serves plain HTTP: add --insecure"
	case errors.As(err, &unknown), errors.As(err, &cert), errors.As(err, &host):
		return "; --insecure skips the certificate check"
	}
	return ""
}

// privateHost tells whether a host name is a loopback, private or
// link-local address (or localhost).
func privateHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified())
}
