package listener_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// rawApp is an app behind --forward-to that answers each request with
// answer's bytes as they are, then closes the connection, or with hold keeps
// it open until the test ends (an app that switched protocols, or a slow
// one) or 25 s have passed.
// It returns its URL
// and the requests it read.
func rawApp(t *testing.T, answer string, hold bool) (string, <-chan *http.Request) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reqs := make(chan *http.Request, 16)
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(done); ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				reqs <- req
				io.WriteString(c, answer)
				if !hold {
					return
				}
				select {
				case <-done:
				case <-time.After(25 * time.Second):
					// After sendRaw's deadline: a listener that still waits
					// on this app lets the test end.
				}
			})
		}
	})
	return "http://" + ln.Addr().String(), reqs
}

// sendRaw writes req's bytes to the listener as they are and returns the
// answer, read with net/http's reader and not decoded.
func sendRaw(t *testing.T, e *env, req string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Bounds a listener that never answers, so the test fails instead of
	// hanging; no answer takes near this long.
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("answer's body: %v (%d bytes read)", err, len(body))
	}
	return resp, body
}

// rawDelivery is a signed delivery of body as a raw request, with the
// extra header lines given.
func rawDelivery(t *testing.T, id string, body []byte, extra ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("POST /hook?x=1 HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json\r\n")
	for _, h := range sign(t, signature.Standard, secret, id, clock, body) {
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	return b.String()
}

// The app gets exactly the sender's headers, less the hop-by-hop ones
// (Connection, those it names, Keep-Alive, Te...): no Accept-Encoding and
// no User-Agent that the sender did not send.
func TestForwardSendsExactlyTheSendersHeaders(t *testing.T) {
	t.Parallel()
	var got http.Header
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		io.Copy(io.Discard, r.Body)
	}))
	defer app.Close()
	e := start(t, func(c *listener.Config) { c.ForwardTo = app.URL })
	body := fixture(t, "permit.create_user")
	resp, answer := sendRaw(t, e, rawDelivery(t, "msg_hdr", body,
		"X-Tenant: acme", "X-Twice: a", "X-Twice: b", "Keep-Alive: timeout=5", "X-Conn-Only: 1", "Connection: X-Conn-Only", "Te: trailers"))
	if resp.StatusCode != 200 {
		t.Fatalf("sender got %d %q", resp.StatusCode, answer)
	}
	want := []string{"Content-Length", "Content-Type", "Webhook-Id", "Webhook-Signature", "Webhook-Timestamp", "X-Tenant", "X-Twice"}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range got {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(names, want) {
		t.Errorf("app got headers %v\nwant %v\n(all: %v)", names, want, got)
	}
	if v := got.Values("X-Twice"); !slices.Equal(v, []string{"a", "b"}) {
		t.Errorf("X-Twice: %q", v)
	}
}

// The app's answer reaches the sender as it came: its status, its headers
// less the hop-by-hop ones (Content-Encoding included, and no Content-Type
// or Date net/http would add), and its bytes, gzip-encoded ones not
// decoded on the way.
func TestForwardPassesTheAppsAnswerAsItCame(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, `{"queued":true}`)
	zw.Close()
	answer := fmt.Sprintf("HTTP/1.1 202 Accepted\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n"+
		"X-Request-Id: r-1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nKeep-Alive: timeout=5\r\nContent-Length: %d\r\n\r\n%s", gz.Len(), gz.Bytes())
	url, reqs := rawApp(t, answer, false)
	e := start(t, func(c *listener.Config) { c.ForwardTo = url })
	body := fixture(t, "permit.create_user")
	resp, got := sendRaw(t, e, rawDelivery(t, "msg_gz", body, "Accept-Encoding: gzip"))
	if resp.StatusCode != 202 || !bytes.Equal(got, gz.Bytes()) {
		t.Fatalf("sender got %d %q, want 202 and the gzip bytes %q", resp.StatusCode, got, gz.Bytes())
	}
	if r := <-reqs; r.Header.Get("Accept-Encoding") != "gzip" {
		t.Errorf("app got Accept-Encoding %q, want the sender's gzip", r.Header.Get("Accept-Encoding"))
	}
	want := http.Header{
		"Content-Encoding": {"gzip"}, "Vary": {"Accept-Encoding"}, "X-Request-Id": {"r-1"},
		"Set-Cookie": {"a=1", "b=2"}, "Content-Length": {fmt.Sprint(gz.Len())},
	}
	if fmt.Sprint(resp.Header) != fmt.Sprint(want) {
		t.Errorf("sender got headers\n%v\nwant\n%v", resp.Header, want)
	}
}

// An app that answers 101 Switching Protocols, or an interim 1xx and then
// nothing, is a bad gateway: the sender gets 502 at once rather than a
// connection held open, and the record says why.
func TestForwardRefusesOneOhOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, answer, want string
	}{
		{"101", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "101"},
		{"102 and no final answer", "HTTP/1.1 102 Processing\r\n\r\n", "102"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := rawApp(t, tc.answer, true)
			e := start(t, func(c *listener.Config) {
				c.ForwardTo = url
				c.ForwardClient = listener.NewForwardClient()
				c.ForwardClient.Timeout = 5 * time.Second // bounds the wait without the fix
			})
			body := fixture(t, "permit.create_user")
			resp, got := sendRaw(t, e, rawDelivery(t, "msg_101", body))
			if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(got), tc.want) {
				t.Fatalf("sender got %d %q, want 502 naming %s", resp.StatusCode, got, tc.want)
			}
			recs := e.records()
			fwErr, _ := dig(recs[0], "forward.error").(string)
			if dig(recs[0], "status") != float64(502) || fmt.Sprint(dig(recs[0], "forward.status")) != tc.want || !strings.HasPrefix(fwErr, "the app answered "+tc.want) {
				t.Errorf("record: status %v, forward.status %v, forward.error %q", dig(recs[0], "status"), dig(recs[0], "forward.status"), fwErr)
			}
		})
	}
}

// An answer larger than listen passes back (--max-body), or one cut short,
// is never passed off as whole: the sender gets 502, the record keeps the
// app's status, an excerpt and the reason.
func TestForwardRefusesAnAnswerCutShort(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 5<<20)
	for _, tc := range []struct {
		name, answer, want string
	}{
		{"5 MiB with its length", "HTTP/1.1 200 OK\r\nContent-Length: 5242880\r\n\r\n" + big, "larger than"},
		{"5 MiB chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
			fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(big), big), "larger than"},
		{"cut short", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this", "cut short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := rawApp(t, tc.answer, false)
			e := start(t, func(c *listener.Config) { c.ForwardTo = url })
			body := fixture(t, "permit.create_user")
			resp, got := sendRaw(t, e, rawDelivery(t, "msg_big", body))
			if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(got), tc.want) {
				t.Fatalf("sender got %d %q..., want 502 saying %q", resp.StatusCode, got[:min(len(got), 300)], tc.want)
			}
			recs := e.records()
			fwErr, _ := dig(recs[0], "forward.error").(string)
			if dig(recs[0], "status") != float64(502) || dig(recs[0], "forward.status") != float64(200) || !strings.Contains(fwErr, tc.want) {
				t.Errorf("record: status %v, forward.status %v, forward.error %q", dig(recs[0], "status"), dig(recs[0], "forward.status"), fwErr)
			}
		})
	}
}
