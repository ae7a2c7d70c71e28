package cli

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// ClientTLS is --cacert and --insecure (registered by clientFlags): how to
// trust a server whose certificate is not in the system's roots, such as
// `listen --tls` on this machine; and --cert and --key: the client
// certificate to present to a server that asks for one (mutual TLS).
type ClientTLS struct {
	CACert   string
	Insecure bool
	Cert     string
	Key      string
}

// config is the TLS client configuration the flags ask for, or nil for the
// default (the system's roots, no client certificate). The files are read
// once, here: every request of the run presents the same certificate.
func (o ClientTLS) config() (*tls.Config, error) {
	if o.CACert == "" && !o.Insecure && o.Cert == "" && o.Key == "" {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure}
	if err := o.clientCert(conf); err != nil {
		return nil, err
	}
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

// clientCertHint is the hint of every --cert/--key error.
const clientCertHint = "give the client certificate and its private key as PEM files: --cert client.pem --key client-key.pem"

// clientCert loads --cert and --key into conf: both or neither.
func (o ClientTLS) clientCert(conf *tls.Config) error {
	switch {
	case o.Cert == "" && o.Key == "":
		return nil
	case o.Key == "":
		return usageError(errors.New("--cert needs --key: the client certificate's private key"), clientCertHint)
	case o.Cert == "":
		return usageError(errors.New("--key needs --cert: the client certificate the key belongs to"), clientCertHint)
	}
	certPEM, err := input.ReadFile(o.Cert, input.MaxSmallFileSize)
	if err != nil {
		return usageError(fmt.Errorf("cannot read --cert %s: %w", o.Cert, unwrapPathErr(err)), clientCertHint)
	}
	keyPEM, err := input.ReadFile(o.Key, input.MaxSmallFileSize)
	if err != nil {
		return usageError(fmt.Errorf("cannot read --key %s: %w", o.Key, unwrapPathErr(err)), clientCertHint)
	}
	cert, err := delivery.ClientCertificate(certPEM, keyPEM)
	var ce *delivery.CertError
	if errors.As(err, &ce) {
		flag, file, hint := "--cert", o.Cert, "give the certificate to --cert and its private key to --key"
		switch {
		case ce.Encrypted:
			flag, file, hint = "--key", o.Key, "decrypt it first, e.g. `openssl pkey -in "+o.Key+" -out client-key.pem`, and keep the copy private"
		case ce.Key:
			flag, file = "--key", o.Key
			if strings.HasPrefix(ce.Msg, "is not the key") {
				hint = "--cert and --key must be one pair: the private key the certificate was made for"
			}
		}
		return usageError(fmt.Errorf("%s %s %s", flag, file, ce.Msg), hint)
	}
	if err != nil {
		return usageError(err, clientCertHint)
	}
	conf.Certificates = []tls.Certificate{cert}
	return nil
}

// handshakeHint is the hint for err when it is a failed TLS handshake, ""
// otherwise.
func (o ClientTLS) handshakeHint(err error) string {
	if !delivery.HandshakeFailed(err) {
		return ""
	}
	if delivery.ClientCertRefused(err) {
		if o.Cert == "" {
			return "the server asks for a client certificate: pass --cert FILE --key FILE (nothing was handled)"
		}
		return fmt.Sprintf("the server did not accept --cert %s: give a certificate issued by a CA it trusts (the CA of listen --client-ca)", o.Cert)
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
