package listener_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// testCA is a CA made for one test, and the client certificates it issues.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

func (ca *testCA) client(t *testing.T, subject pkix.Name) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// mtlsClient presents cert, whoever issued it (Go's client would otherwise
// hold back one the server's CAs did not issue); nil presents none.
func mtlsClient(cert *tls.Certificate) *http.Client {
	conf := &tls.Config{InsecureSkipVerify: true}
	if cert != nil {
		conf.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: conf, DisableKeepAlives: true}, Timeout: 10 * time.Second}
}

// listen --client-ca: a client certificate the CA issued is taken and named
// in the record; none, or one another CA issued, fails the handshake,
// logged with its reason and a hint, and listen serves on.
func TestClientCertificatesRequired(t *testing.T) {
	t.Parallel()
	ca, other := newTestCA(t, "test client CA"), newTestCA(t, "another CA")
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.pem(), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := listener.LoadServerCert("", "", "127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.RequireClientCerts(caFile); err != nil {
		t.Fatal(err)
	}
	e := start(t, func(c *listener.Config) { c.Secrets = nil; c.TLS = sc.Config })
	trusted := ca.client(t, pkix.Name{CommonName: "trusted sender", Organization: []string{"Acme"}})
	untrusted := other.client(t, pkix.Name{CommonName: "untrusted sender"})
	body := fixture(t, "permit.create_user")
	post := func(c *http.Client) (int, error) {
		resp, err := c.Post(e.url+"/", "application/json", strings.NewReader(string(body)))
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if status, err := post(mtlsClient(&trusted)); err != nil || status != 200 {
		t.Fatalf("trusted client: %d %v", status, err)
	}
	for name, c := range map[string]*http.Client{"untrusted": mtlsClient(&untrusted), "no certificate": mtlsClient(nil)} {
		status, err := post(c)
		var re *tls.AlertError
		if err == nil || !(errors.As(err, &re) || strings.Contains(err.Error(), "remote error: tls")) {
			t.Errorf("%s client: %d %v, want a TLS alert", name, status, err)
		}
	}
	if status, err := post(mtlsClient(&trusted)); err != nil || status != 200 {
		t.Fatalf("trusted client after the refusals: %d %v", status, err)
	}
	recs := e.records()
	if len(recs) != 2 {
		t.Fatalf("%d records, want the 2 trusted deliveries", len(recs))
	}
	if s, i := dig(recs[0], "client_cert.subject"), dig(recs[0], "client_cert.issuer"); s != "CN=trusted sender,O=Acme" || i != "CN=test client CA" {
		t.Errorf("client_cert %v, %v", s, i)
	}
	stderr := e.errOut.String()
	for _, want := range []string{
		"TLS handshake error", "failed to verify certificate", "the client certificate was not issued by the --client-ca CA",
		"client didn't provide a certificate", "listen --client-ca requires a client certificate: the sender passes --cert FILE --key FILE",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "TLS handshake error"); n != 2 {
		t.Errorf("%d handshake lines, want one each:\n%s", n, stderr)
	}
}

// Over plain HTTP and TLS without --client-ca, a record has no client_cert.
func TestNoClientCertificateNoField(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	e.post("/", fixture(t, "permit.create_user"))
	if recs := e.records(); recs[0]["client_cert"] != nil {
		t.Errorf("client_cert %v", recs[0]["client_cert"])
	}
}

// A --client-ca that holds no certificate is the user's input error.
func TestRequireClientCertsBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{"junk.pem": "not pem", "key.pem": "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"} {
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
	}
	sc, err := listener.LoadServerCert("", "", "127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"junk.pem": "holds no PEM certificate", "key.pem": "holds a private key", "none.pem": "no such file"} {
		err := sc.RequireClientCerts(filepath.Join(dir, name))
		var le *listener.CertLoadError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "cannot load --client-ca: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
