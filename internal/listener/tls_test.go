package listener_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// listen's certificate choice: generated when no files are given, the
// PEM pair when they are, and a pair that does not load is the user's
// input error (CertLoadError), not a failure to generate.
func TestLoadServerCert(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	gen, fp, err := listener.SelfSigned("127.0.0.1", now)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: gen.Certificate[0]}), 0o600)
	os.WriteFile(filepath.Join(dir, "junk.pem"), []byte("not pem"), 0o600)
	writeKey(t, keyFile, gen)

	tests := []struct {
		name, cert, key string
		wantNote        string
		wantFP          string
		loadErr         bool
	}{
		{name: "self-signed", wantNote: "self-signed"},
		{name: "the pair given", cert: certFile, key: keyFile, wantNote: certFile, wantFP: fp},
		{name: "a pair that does not load", cert: filepath.Join(dir, "junk.pem"), key: keyFile, loadErr: true},
		{name: "a missing file", cert: certFile, key: filepath.Join(dir, "none.pem"), loadErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := listener.LoadServerCert(tt.cert, tt.key, "127.0.0.1", now)
			var le *listener.CertLoadError
			if tt.loadErr {
				if !errors.As(err, &le) {
					t.Fatalf("error %v, want a CertLoadError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sc.Note != tt.wantNote || (tt.wantFP != "" && sc.Fingerprint != tt.wantFP) || sc.Fingerprint == "" {
				t.Errorf("note %q fingerprint %q", sc.Note, sc.Fingerprint)
			}
			if sc.Config.MinVersion != tls.VersionTLS12 || len(sc.Config.Certificates) != 1 || !sc.NotAfter.After(now) {
				t.Errorf("config %+v, not after %v", sc.Config, sc.NotAfter)
			}
		})
	}
}

func writeKey(t *testing.T, path string, c tls.Certificate) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}
