package delivery_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

// serial numbers certificates; tests that make them run in parallel.
var serial atomic.Int64

func newCA(t *testing.T, name string) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue makes a leaf certificate signed by ca, for a server (on 127.0.0.1)
// or a client, and returns it and its key as PEM.
func (ca testCA) issue(t *testing.T, name string, server bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

// A receiver that requires a client certificate its CA issued: the trusted
// client is answered, an untrusted one and one with none are refused in the
// handshake, and the refusal reads as one.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "webhook-tool test CA")
	other := newCA(t, "another CA")
	srvCert, srvKey := ca.issue(t, "receiver", true)
	goodCert, goodKey := ca.issue(t, "trusted sender", false)
	badCert, badKey := other.issue(t, "untrusted sender", false)

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.pem)
	pair, err := tls.X509KeyPair(srvCert, srvKey)
	if err != nil {
		t.Fatal(err)
	}
	var subject string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		subject = r.TLS.PeerCertificates[0].Subject.CommonName
		w.Write([]byte("ok"))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refusals are the point
	srv.StartTLS()
	defer srv.Close()

	send := func(certs ...tls.Certificate) (delivery.Response, error) {
		c := delivery.NewClient(1)
		tr := c.Transport.(*http.Transport)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, Certificates: certs}
		return delivery.Send(context.Background(), c, delivery.Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("{}")},
			delivery.Policy{Timeout: 10 * time.Second}, nil)
	}

	good, err := delivery.ClientCertificate(goodCert, goodKey)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := send(good)
	if err != nil || resp.Status != 200 || subject != "trusted sender" {
		t.Fatalf("trusted client: %v, %d, subject %q", err, resp.Status, subject)
	}

	bad, err := delivery.ClientCertificate(badCert, badKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, certs := range map[string][]tls.Certificate{"untrusted": {bad}, "none": nil} {
		subject = ""
		resp, err := send(certs...)
		if err == nil || subject != "" {
			t.Fatalf("%s client: answered %d, subject %q", name, resp.Status, subject)
		}
		if !delivery.ClientCertRefused(err) || !delivery.HandshakeFailed(err) {
			t.Errorf("%s client: %v is not a refused client certificate", name, err)
		}
		want := "TLS handshake failed: the server requires a client certificate (mutual TLS) and was sent none it accepts"
		if d := delivery.Describe(err); d != want {
			t.Errorf("%s client: Describe = %q, want %q", name, d, want)
		}
	}
}

func TestClientCertificateErrors(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "CA")
	cert, key := ca.issue(t, "sender", false)
	_, otherKey := ca.issue(t, "another sender", false)
	encrypted := []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")
	tests := []struct {
		name      string
		cert, key []byte
		inKey     bool
		msg       string
	}{
		{"key given as the certificate", key, key, false, "holds a private key, not a certificate"},
		{"not PEM", []byte("hello"), key, false, "holds no PEM certificate"},
		{"certificate given as the key", cert, cert, true, "holds a certificate, not a private key"},
		{"empty key", cert, nil, true, "holds no PEM private key"},
		{"encrypted key", cert, encrypted, true, "holds an encrypted private key"},
		{"another certificate's key", cert, otherKey, true, "is not the key of the certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := delivery.ClientCertificate(tt.cert, tt.key)
			var ce *delivery.CertError
			if !errors.As(err, &ce) || ce.Key != tt.inKey || !strings.HasPrefix(ce.Msg, tt.msg) {
				t.Errorf("err = %#v, want a CertError (key file: %v) %q", err, tt.inKey, tt.msg)
			}
		})
	}
	if _, err := delivery.ClientCertificate(append(cert, ca.pem...), key); err != nil {
		t.Errorf("a chain with its intermediate: %v", err)
	}
}
