package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// pki is a CA made for one test, which writes the PEM files it issues.
type pki struct {
	dir  string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	n    int64
}

func newPKI(t *testing.T, dir, name string) *pki {
	t.Helper()
	p := &pki{dir: dir}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p.cert, _ = x509.ParseCertificate(der)
	p.key = key
	p.write(t, name+".pem", "CERTIFICATE", der)
	return p
}

func (p *pki) write(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// issue writes NAME.pem and NAME-key.pem: a server certificate for
// 127.0.0.1, or a client one.
func (p *pki) issue(t *testing.T, name string, server bool) (cert, key string) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.n++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(100 + p.n), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, &k.PublicKey, p.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(k)
	return p.write(t, name+".pem", "CERTIFICATE", der), p.write(t, name+"-key.pem", "PRIVATE KEY", kder)
}

// mtlsReceiver is an HTTPS receiver that requires a client certificate from
// ca; subjects lists the client certificates of the requests it answered.
func mtlsReceiver(t *testing.T, ca *pki) (*httptest.Server, func() []string) {
	t.Helper()
	cert, key := ca.issue(t, "receiver", true)
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	var mu sync.Mutex
	var subjects []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		subjects = append(subjects, r.TLS.PeerCertificates[0].Subject.CommonName)
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), subjects...)
	}
}

// Every sending command presents --cert/--key to a receiver that requires a
// client certificate, through the shared client flags.
func TestClientCertificateEverySender(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newPKI(t, dir, "ca")
	srv, subjects := mtlsReceiver(t, ca)
	cert, key := ca.issue(t, "sender", false)
	record := filepath.Join(dir, "rec.ndjson")
	os.WriteFile(record, []byte(`{"seq":1,"received_at":"2026-01-02T03:04:05Z","method":"POST","path":"/","headers":{"Content-Type":"application/json"},"body":"{}","signature":{"scheme":"none","valid":true,"reason":""},"schema":{"name":"","valid":true,"errors":[]},"status":200}`+"\n"), 0o644)
	tlsArgs := []string{"--cacert", filepath.Join(dir, "ca.pem"), "--cert", cert, "--key", key}
	commands := map[string][]string{
		"send":     {"send", "permit.create_user", "--scheme", "none", "--to", srv.URL},
		"replay":   {"replay", record, "--to", srv.URL, "--as-recorded"},
		"callback": {"callback", srv.URL + "/webhooks/callback/1", "done"},
		"scenario": {"scenario", "run", "permit.access_request_flow", "--scheme", "none", "--to", srv.URL},
		"probe":    {"probe", "--fixture", "permit.create_user", "--scheme", "none", "--to", srv.URL},
	}
	for name, args := range commands {
		t.Run(name, func(t *testing.T) {
			before := len(subjects())
			_, errb, code := runCLI(t, &App{}, append(args, tlsArgs...)...)
			if code == ExitUsage || len(subjects()) == before {
				t.Fatalf("exit %d, %d requests with a client certificate; stderr:\n%s", code, len(subjects())-before, errb)
			}
			for _, s := range subjects()[before:] {
				if s != "sender" {
					t.Errorf("client certificate %q", s)
				}
			}
		})
	}
}

// Without a certificate, or with one the receiver's CA did not issue, the
// handshake fails and the hint says what to give.
func TestClientCertificateRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newPKI(t, dir, "ca")
	other := newPKI(t, dir, "other")
	srv, subjects := mtlsReceiver(t, ca)
	cert, key := other.issue(t, "stranger", false)
	base := []string{"send", "permit.create_user", "--scheme", "none", "--to", srv.URL, "--cacert", filepath.Join(dir, "ca.pem"), "--retries", "0"}
	_, errb, code := runCLI(t, &App{}, base...)
	if code != ExitFail || !strings.Contains(errb, "the server requires a client certificate (mutual TLS) and was sent none it accepts") ||
		!strings.Contains(errb, "hint: the server asks for a client certificate: pass --cert FILE --key FILE") {
		t.Errorf("no --cert: exit %d\n%s", code, errb)
	}
	_, errb, code = runCLI(t, &App{}, append(base, "--cert", cert, "--key", key)...)
	if code != ExitFail || !strings.Contains(errb, "hint: the server did not accept --cert "+cert) {
		t.Errorf("untrusted --cert: exit %d\n%s", code, errb)
	}
	if n := len(subjects()); n != 0 {
		t.Errorf("%d requests were answered", n)
	}
}

// --cert and --key come as a pair of readable PEM files; anything else is a
// usage error, with a hint, before anything is sent.
func TestClientCertificateFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newPKI(t, dir, "ca")
	cert, key := ca.issue(t, "sender", false)
	_, otherKey := ca.issue(t, "another", false)
	encrypted := filepath.Join(dir, "enc.pem")
	os.WriteFile(encrypted, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"), 0o600)
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		args      []string
		msg, hint string
	}{
		{[]string{"--cert", cert}, "--cert needs --key: the client certificate's private key", "--cert client.pem --key client-key.pem"},
		{[]string{"--key", key}, "--key needs --cert: the client certificate the key belongs to", "--cert client.pem --key client-key.pem"},
		{[]string{"--cert", missing, "--key", key}, "cannot read --cert " + missing + ": no such file or directory", "--cert client.pem --key client-key.pem"},
		{[]string{"--cert", cert, "--key", missing}, "cannot read --key " + missing + ": no such file or directory", "--cert client.pem --key client-key.pem"},
		{[]string{"--cert", key, "--key", cert}, "--cert " + key + " holds a private key, not a certificate", "give the certificate to --cert and its private key to --key"},
		{[]string{"--cert", cert, "--key", cert}, "--key " + cert + " holds a certificate, not a private key", "give the certificate to --cert and its private key to --key"},
		{[]string{"--cert", cert, "--key", otherKey}, "--key " + otherKey + " is not the key of the certificate: its public key is another one", "must be one pair"},
		{[]string{"--cert", cert, "--key", encrypted}, "--key " + encrypted + " holds an encrypted private key, which cannot be used without its passphrase", "openssl pkey -in " + encrypted},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errb, code := runCLI(t, &App{}, append([]string{"send", "permit.create_user", "--scheme", "none", "--to", "https://127.0.0.1:9/"}, tt.args...)...)
			lines := strings.Split(strings.TrimSpace(errb), "\n")
			if code != ExitUsage || out != "" || len(lines) != 2 || lines[0] != "webhook-tool: "+tt.msg ||
				!strings.HasPrefix(lines[1], "webhook-tool: hint: ") || !strings.Contains(lines[1], tt.hint) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant %q and a hint with %q", code, out, errb, tt.msg, tt.hint)
			}
		})
	}
}
