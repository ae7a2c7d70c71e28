package replay_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/inspect/curl"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// What a client sent is what a replay sends: listen records a path with
// escaped bytes that are not UTF-8 (and an escaped slash), a query and a
// header value holding such bytes, and replay sends those very bytes, the
// secrets still masked. The receiving end reads the raw request head.
func TestRecordThenReplayByteExact(t *testing.T) {
	t.Parallel()
	const token = "s3cr3t-token-xyz"
	cases := []struct {
		name, line, header   string // as sent to listen
		wantLine, wantHeader string // as replay sends them
	}{
		{
			name: "bytes", line: "POST /p%FF%00x/a%2Fb?q=%FF&r=\xff&s=\xc3\xa9 HTTP/1.1", header: "X-Bin: a\xffb",
			wantLine: "POST /p%FF%00x/a%2Fb?q=%FF&r=%FF&s=\xc3\xa9 HTTP/1.1", wantHeader: "X-Bin: a\xffb",
		},
		{
			name: "masked", line: "POST /hook/" + token + "/%FE HTTP/1.1", header: "X-Bin: " + token + "\xfe",
			wantLine: "POST /hook/****/%FE HTTP/1.1", wantHeader: "X-Bin: ****\xfe",
		},
	}
	recs := recordRaw(t, []string{token}, func(send func(head string)) {
		for _, c := range cases {
			send(c.line + "\r\nHost: example.test\r\n" + c.header + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
		}
	})
	if len(recs) != len(cases) {
		t.Fatalf("%d records, want %d", len(recs), len(cases))
	}
	addr, heads := rawReceiver(t)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := recs[i]
			plan, err := replay.Plan(rec, replay.Options{URL: "http://" + addr})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := delivery.Send(context.Background(), &http.Client{Timeout: 10 * time.Second}, plan.Request, delivery.Policy{}, nil)
			if err != nil || resp.Status != 200 {
				t.Fatalf("replay: %d %v", resp.Status, err)
			}
			head := <-heads
			lines := strings.Split(head, "\r\n")
			if lines[0] != c.wantLine {
				t.Errorf("request line %q\nwant         %q\n(record: path %q, path_raw %q, query %q)", lines[0], c.wantLine, rec.Path, rec.PathRaw, rec.Query)
			}
			if !contains(lines, c.wantHeader) {
				t.Errorf("no header line %q in\n%q\n(record: %q, headers_base64 %q)", c.wantHeader, head, rec.Headers["X-Bin"], rec.HeadersBase64)
			}
			cmd, err := curl.New(rec, "http://"+addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			// (Copy as curl leaves out a header holding a masked secret.)
			target := strings.Fields(c.wantLine)[1]
			if !contains(cmd.Argv, "http://"+addr+target) || (!strings.Contains(c.wantHeader, "****") && !contains(cmd.Argv, c.wantHeader)) {
				t.Errorf("curl argv %q does not send %q and %q", cmd.Argv, target, c.wantHeader)
			}
		})
	}
}

// A record written before path_raw and headers_base64, or by hand, still
// replays from path, query and headers; a headers_base64 that does not
// decode is an error, not a header sent wrong.
func TestExactFieldsOptional(t *testing.T) {
	t.Parallel()
	rec := &record.Record{Seq: 3, Method: "POST", Path: "/a b", Query: "x=1", Headers: record.Headers{"X-A": "v"},
		Signature: &record.Signature{Scheme: "none", Valid: true}}
	if got := replay.URL(rec, "http://h/base"); got != "http://h/base/a%20b?x=1" {
		t.Errorf("URL %q", got)
	}
	if h := replay.Headers(rec, false); h.Get("X-A") != "v" {
		t.Errorf("headers %v", h)
	}
	rec.HeadersBase64 = record.Headers{"X-A": "not base64!"}
	if _, err := replay.Plan(rec, replay.Options{URL: "http://h/"}); err == nil || !strings.Contains(err.Error(), "headers_base64") {
		t.Errorf("Plan: %v", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// recordRaw runs a listener (reporting signatures, masking secrets),
// lets do send it raw request heads, and returns what it recorded.
func recordRaw(t *testing.T, secrets []string, do func(send func(head string))) []*record.Record {
	t.Helper()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := record.NewWriter(&buf, record.Options{})
	l, err := listener.New(listener.Config{Scheme: signature.Auto, Secrets: secrets, ReportOnly: true, Registry: reg, Records: w})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(l)
	do(func(head string) {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, head)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("listen answered %s to %q", resp.Status, head)
		}
	})
	srv.Close()
	w.Close()
	var recs []*record.Record
	rd := record.NewReader(&buf)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

// rawReceiver answers 200 to each request and hands over its head, the
// request line and header lines exactly as they came.
func rawReceiver(t *testing.T) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	heads := make(chan string, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			tp := textproto.NewReader(br)
			var head []string
			for {
				line, err := tp.ReadLine()
				if err != nil || line == "" {
					break
				}
				head = append(head, line)
			}
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(strings.Join(head, "\r\n") + "\r\n\r\n")))
			if err == nil && req.ContentLength > 0 {
				io.CopyN(io.Discard, br, req.ContentLength)
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			c.Close()
			heads <- strings.Join(head, "\r\n")
		}
	}()
	return ln.Addr().String(), heads
}

// An exact header value stands in only for the readable one it matches:
// one masked since (the inspector masks a file's signature headers) stays
// masked in a replay and in Copy as curl.
func TestExactHeaderYieldsToAMaskedOne(t *testing.T) {
	t.Parallel()
	rec := &record.Record{Seq: 4, Method: "POST", Path: "/", Signature: &record.Signature{Scheme: "none", Valid: true},
		Headers:       record.Headers{"X-Sig": "****", "X-Bin": "a\ufffdb"},
		HeadersBase64: record.Headers{"X-Sig": "c2VjcmV0/w==", "X-Bin": "Yf9i"}, // "secret\xff", "a\xffb"
	}
	h := replay.Headers(rec, false)
	if h.Get("X-Bin") != "a\xffb" || h.Get("X-Sig") != "" {
		t.Errorf("headers %q", h)
	}
}
