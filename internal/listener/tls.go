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
}

// CertLoadError is a --cert/--key pair that cannot be used: the user's
// input, not a failure of the listener.
type CertLoadError struct{ Err error }

func (e *CertLoadError) Error() string { return "cannot load --cert/--key: " + e.Err.Error() }
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
			return nil, &CertLoadError{err}
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
