package cli

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// ClientTLS is --cacert and --insecure (registered by clientFlags): how to
// trust a server whose certificate is not in the system's roots, such as
// `listen --tls` on this machine.
type ClientTLS struct {
	CACert   string
	Insecure bool
}

// config is the TLS client configuration the flags ask for, or nil for the
// default (the system's roots).
func (o ClientTLS) config() (*tls.Config, error) {
	if o.CACert == "" && !o.Insecure {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure}
	if o.CACert != "" {
		pem, err := input.ReadFile(o.CACert, input.MaxSmallFileSize)
		if err != nil {
			return nil, usageError(fmt.Errorf("cannot read --cacert %s: %w", o.CACert, unwrapPathErr(err)), "")
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			if bytes.Contains(pem, []byte("PRIVATE KEY-----")) {
				return nil, usageError(fmt.Errorf("--cacert %s holds a private key, not a certificate", o.CACert),
					"give the certificate file (listen --cert), not the key")
			}
			return nil, usageError(fmt.Errorf("--cacert %s holds no PEM certificate", o.CACert), "give a file with -----BEGIN CERTIFICATE----- blocks")
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// handshakeHint is the hint for err when it is a failed TLS handshake, ""
// otherwise.
func (o ClientTLS) handshakeHint(err error) string {
	if !delivery.HandshakeFailed(err) {
		return ""
	}
	var uae x509.UnknownAuthorityError
	var cie x509.CertificateInvalidError
	var hne x509.HostnameError
	if errors.As(err, &uae) || errors.As(err, &cie) || errors.As(err, &hne) {
		return o.untrustedHint()
	}
	return "nothing was sent; check the URL's scheme and port"
}

// untrustedHint says how to trust the server's certificate, given what the
// user already passed.
func (o ClientTLS) untrustedHint() string {
	if o.CACert != "" {
		return fmt.Sprintf("the server's certificate is not one --cacert %s vouches for: give the certificate it serves (listen --cert) or its CA", o.CACert)
	}
	return "to trust a test server's certificate (listen --tls), pass --cacert FILE, or --insecure to skip the check"
}

// withTLS returns c with conf applied to its transport (a copy: c is not
// changed), or c itself when conf is nil.
func withTLS(c *http.Client, conf *tls.Config) *http.Client {
	if conf == nil {
		return c
	}
	cc := *c
	t, ok := cc.Transport.(*http.Transport)
	if !ok && cc.Transport == nil {
		t, ok = http.DefaultTransport.(*http.Transport), true
	}
	if ok {
		t = t.Clone()
		t.TLSClientConfig = conf
		cc.Transport = t
	}
	return &cc
}
