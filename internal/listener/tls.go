package listener

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// SelfSigned makes a certificate for localhost, the loopback addresses and
// host (the --addr host, when it is not empty or a wildcard), valid for a
// week from now, and returns it with its SHA-256 fingerprint in the
// colon-separated form browsers and `openssl x509 -fingerprint` show.
func SelfSigned(host string, now time.Time) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "webhook-tool listen", Organization: []string{"webhook-tool"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	switch ip := net.ParseIP(host); {
	case host == "" || (ip != nil && ip.IsUnspecified()):
	case ip != nil:
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	default:
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, Fingerprint(der), nil
}

// Fingerprint is the SHA-256 of a DER certificate as AB:CD:... hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// ServerCert is the certificate listen serves and what to say about it.
type ServerCert struct {
	Config      *tls.Config
	Fingerprint string    // SHA-256, colon-separated
	Note        string    // "self-signed", or the --cert file
	File        string    // the --cert file; "" for a self-signed one
	NotAfter    time.Time // the leaf's expiry
	// ClientCA is the --client-ca file when client certificates are
	// required (RequireClientCerts); "" when none is asked for.
	ClientCA string
}

// RequireClientCerts makes the server require a client certificate issued
// by a CA in the PEM file caFile (mutual TLS): a client with none, or with
// one no such CA issued, fails the handshake. A file that cannot be used is
// a *CertLoadError.
func (sc *ServerCert) RequireClientCerts(caFile string) error {
	pemBytes, err := input.ReadFile(caFile, input.MaxSmallFileSize)
	if err != nil {
		return &CertLoadError{Flag: "--client-ca", Err: fmt.Errorf("%s: %w", caFile, unwrapPath(err))}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		what := "holds no PEM certificate"
		if strings.Contains(string(pemBytes), "PRIVATE KEY-----") {
			what = "holds a private key, not a certificate"
		}
		return &CertLoadError{Flag: "--client-ca", Err: fmt.Errorf("%s %s", caFile, what)}
	}
	sc.Config.ClientAuth = tls.RequireAndVerifyClientCert
	sc.Config.ClientCAs = pool
	sc.ClientCA = caFile
	return nil
}

// CertLoadError is a --cert/--key pair (or the --client-ca file: Flag)
// that cannot be used: the user's input, not a failure of the listener.
type CertLoadError struct {
	Flag string // "": --cert/--key
	Err  error
}

func (e *CertLoadError) Error() string {
	flag := e.Flag
	if flag == "" {
		flag = "--cert/--key"
	}
	return "cannot load " + flag + ": " + e.Err.Error()
}
func (e *CertLoadError) Unwrap() error { return e.Err }

// LoadServerCert chooses listen's certificate: the PEM pair certFile and
// keyFile when given, else a fresh self-signed one for host (SelfSigned).
// A pair that does not load is a *CertLoadError.
func LoadServerCert(certFile, keyFile, host string, now time.Time) (*ServerCert, error) {
	sc := &ServerCert{}
	var cert tls.Certificate
	var err error
	if certFile == "" && keyFile == "" {
		cert, sc.Fingerprint, err = SelfSigned(host, now)
		if err != nil {
			return nil, fmt.Errorf("cannot generate a certificate: %w", err)
		}
		sc.Note = "self-signed"
	} else {
		if cert, err = loadKeyPair(certFile, keyFile); err != nil {
			return nil, &CertLoadError{Err: err}
		}
		sc.Fingerprint = Fingerprint(cert.Certificate[0])
		sc.Note, sc.File = certFile, certFile
	}
	if leaf, err := x509.ParseCertificate(cert.Certificate[0]); err == nil {
		sc.NotAfter = leaf.NotAfter
	}
	sc.Config = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return sc, nil
}

// loadKeyPair is tls.LoadX509KeyPair with both files read within
// input.MaxSmallFileSize: a --cert of /dev/zero ends with an error, not
// out of memory.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := input.ReadFile(certFile, input.MaxSmallFileSize)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", certFile, unwrapPath(err))
	}
	key, err := input.ReadFile(keyFile, input.MaxSmallFileSize)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", keyFile, unwrapPath(err))
	}
	return tls.X509KeyPair(cert, key)
}

// unwrapPath drops the path from an *fs.PathError: the message names it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// clientCert is what the record says of the certificate a client presented.
func clientCert(leaf *x509.Certificate) *record.ClientCert {
	return &record.ClientCert{Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String()}
}

// handshakeKind sorts a failed TLS handshake net/http logs, for the
// rate-limited log (one line per kind a second) and a hint: whether the
// client sent no certificate or one the --client-ca did not issue.
func handshakeKind(msg string, clientCA bool) (kind, hint string) {
	switch {
	case !strings.Contains(msg, "TLS handshake error"):
		return "http", ""
	case clientCA && strings.Contains(msg, "client didn't provide a certificate"):
		return "tls: no client certificate", "listen --client-ca requires a client certificate: the sender passes --cert FILE --key FILE"
	case clientCA && strings.Contains(msg, "failed to verify certificate"):
		return "tls: untrusted client certificate", "the client certificate was not issued by the --client-ca CA"
	}
	return "tls", ""
}
