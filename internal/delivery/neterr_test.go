package delivery

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// closedAddr returns a loopback address with nothing listening on it.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func post(c *http.Client, u string) error {
	resp, err := c.Post(u, "text/plain", strings.NewReader("hello"))
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestRefused(t *testing.T) {
	t.Parallel()
	err := post(&http.Client{}, "http://"+closedAddr(t)+"/")
	if err == nil {
		t.Fatal("want an error from a closed port")
	}
	if !NotSent(err) {
		t.Errorf("NotSent(%v) = false, want true", err)
	}
	if got := Describe(err); got != "connection refused" {
		t.Errorf("Describe = %q, want %q", got, "connection refused")
	}
}

func TestDNSFailureIsNotSent(t *testing.T) {
	t.Parallel()
	// A resolver whose server cannot be reached: a real DNS failure with no
	// traffic leaving the machine.
	dead := closedAddr(t)
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", dead)
	}}
	tr := &http.Transport{DialContext: (&net.Dialer{Resolver: resolver}).DialContext}
	defer tr.CloseIdleConnections()
	err := post(&http.Client{Transport: tr}, "http://callback.example.invalid/")
	if err == nil {
		t.Fatal("want an error")
	}
	if !NotSent(err) {
		t.Errorf("NotSent(%v) = false, want true", err)
	}
	if got := Describe(err); !strings.HasPrefix(got, "DNS lookup of callback.example.invalid failed") {
		t.Errorf("Describe = %q", got)
	}
}

func TestTLSUnknownAuthority(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the handler must not be reached")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is expected
	srv.StartTLS()
	defer srv.Close()
	err := post(&http.Client{Transport: &http.Transport{}}, srv.URL)
	if err == nil {
		t.Fatal("want a certificate error")
	}
	if NotSent(err) {
		t.Errorf("NotSent(%v) = true: a TLS failure is not retried", err)
	}
	if !HandshakeFailed(err) {
		t.Errorf("HandshakeFailed(%v) = false", err)
	}
	want := "TLS handshake failed: certificate signed by unknown authority"
	if got := Describe(err); got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

func TestTLSToPlainServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	err := post(&http.Client{}, strings.Replace(srv.URL, "http://", "https://", 1))
	if err == nil {
		t.Fatal("want an error")
	}
	if !HandshakeFailed(err) {
		t.Errorf("HandshakeFailed(%v) = false", err)
	}
	if got := Describe(err); got != "server answered plain HTTP to an HTTPS request" {
		t.Errorf("Describe = %q", got)
	}
}

func TestTimeoutAfterRequestWritten(t *testing.T) {
	t.Parallel()
	received := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		received <- struct{}{}
		<-release // never answers while the client waits
	}))
	defer srv.Close()
	defer close(release) // runs before srv.Close, so the handler returns

	err := post(&http.Client{Timeout: 200 * time.Millisecond}, srv.URL)
	if err == nil {
		t.Fatal("want a timeout")
	}
	select {
	case <-received:
	default:
		t.Fatal("the server did not see the request")
	}
	if NotSent(err) {
		t.Errorf("NotSent(%v) = true after the server read the request", err)
	}
	if HandshakeFailed(err) {
		t.Errorf("HandshakeFailed(%v) = true", err)
	}
	if got := Describe(err); got != "timed out waiting for the response" {
		t.Errorf("Describe = %q", got)
	}
}

func TestServerClosesWithoutAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	err := post(&http.Client{}, srv.URL)
	if err == nil {
		t.Fatal("want an error")
	}
	if NotSent(err) {
		t.Errorf("NotSent(%v) = true after the server read the request", err)
	}
	if got := Describe(err); got != "server closed the connection without answering" {
		t.Errorf("Describe = %q", got)
	}
}

// The cases loopback cannot produce (no route, a dial timeout, a missing host
// without asking a real resolver) are checked on the errors net returns.
func TestSyntheticErrors(t *testing.T) {
	t.Parallel()
	addr := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 443}
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: "https://x/", Err: err} }
	dialErr := func(err error) error {
		return wrap(&net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: err})
	}
	cases := []struct {
		name    string
		err     error
		notSent bool
		want    string
	}{
		{"no route", dialErr(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), true, "no route to host"},
		{"net unreachable", dialErr(os.NewSyscallError("connect", syscall.ENETUNREACH)), true, "network is unreachable"},
		{"dial timeout", dialErr(os.ErrDeadlineExceeded), true, "timed out connecting to 192.0.2.1:443"},
		{"no such host", dialErr(&net.DNSError{Err: "no such host", Name: "example.invalid", IsNotFound: true}), true, "no such host example.invalid"},
		{"reset while reading", wrap(&net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: os.NewSyscallError("read", syscall.ECONNRESET)}), false, "connection reset by the server"},
		{"canceled", wrap(context.Canceled), false, "canceled"},
		{"other", wrap(errors.New("something odd")), false, "something odd"},
		{"nil", nil, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NotSent(c.err); got != c.notSent {
				t.Errorf("NotSent = %v, want %v", got, c.notSent)
			}
			if got := Describe(c.err); got != c.want {
				t.Errorf("Describe = %q, want %q", got, c.want)
			}
		})
	}
}
