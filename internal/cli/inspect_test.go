package cli

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// With every port tried from the default --ui taken, listen goes on
// without the page and says so in its banner.
func TestListenUINotStartedWhenEveryPortIsTaken(t *testing.T) {
	t.Parallel()
	var a, b net.Listener
	for range 50 {
		a, _ = net.Listen("tcp", "127.0.0.1:0")
		p := a.Addr().(*net.TCPAddr).Port
		var err error
		if b, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1)); err == nil {
			break
		}
		a.Close()
		a = nil
	}
	if a == nil {
		t.Fatal("no two consecutive free ports")
	}
	defer a.Close()
	defer b.Close()
	var out, errb lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready, done := startListen(t, ctx, testListenApp(&out, &errb), &ListenOptions{Addr: "127.0.0.1:0", Path: "/", Scheme: "none",
		MaxBody: "1MiB", Status: 200, Output: "quiet", UI: a.Addr().String(), UITries: 2}) // as the default: not given
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("listen must go on without the page: %v\n%s", err, errb.String())
	}
	if ready.UIErr == nil || ready.UI != "" {
		t.Errorf("ready %+v, want the inspector not started", ready)
	}
	line := ""
	for l := range strings.Lines(errb.String()) {
		if strings.HasPrefix(l, "  inspector: ") {
			line = strings.TrimSuffix(strings.TrimPrefix(l, "  inspector: "), "\n")
		}
	}
	if !strings.HasPrefix(line, "not started: ports ") || !strings.HasSuffix(line, "are all in use (choose one with --ui HOST:PORT)") {
		t.Fatalf("banner line %q\n%s", line, errb.String())
	}
}

// The Replay button's replayer re-signs as replay does: a fresh id, the
// recorded scheme, the body as recorded, the signature headers replaced.
func TestReplayerResigns(t *testing.T) {
	t.Parallel()
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	app := &App{Now: time.Now}
	rec := &record.Record{Seq: 7, Method: "POST", Path: "/", Headers: map[string]string{
		"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00", "Content-Length": "2", "X-Custom": "kept"},
		Signature: &record.Signature{Scheme: "github", Valid: true}, Schema: &record.Schema{Valid: true}}
	rec.SetBody([]byte(`{"a":1}`))
	out, err := newReplayer(app, []string{"", "It's a Secret to Everybody"}, signature.Auto).Replay(context.Background(), rec, srv.URL+"/x")
	if err != nil || !out.OK || out.Status != 200 || !out.Resigned || out.Scheme != "github" || out.Seq != 7 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	reqs, bodies := rcv.got()
	if len(reqs) != 1 || string(bodies[0]) != `{"a":1}` || reqs[0].Header.Get("X-Custom") != "kept" {
		t.Fatalf("received %d, body %q", len(reqs), bodies)
	}
	v := signature.Verify(signature.VerifyOptions{Scheme: signature.GitHub, Secrets: []string{"It's a Secret to Everybody"}}, reqs[0].Header, bodies[0])
	if !v.Valid {
		t.Fatalf("not re-signed: %s", v.Reason)
	}

	// Without a secret the recorded headers go as they were.
	out, err = newReplayer(app, nil, signature.Auto).Replay(context.Background(), rec, srv.URL)
	if err != nil || out.Resigned || out.Scheme != "github (as recorded)" {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	if reqs, _ = rcv.got(); reqs[1].Header.Get("X-Hub-Signature-256") != "sha256=00" {
		t.Fatal("the recorded signature was not sent")
	}

	// What replay refuses, the button refuses.
	cb := &record.Record{Seq: 8, Method: "POST", Kind: record.KindCallback}
	if _, err := newReplayer(app, nil, signature.Auto).Replay(context.Background(), cb, srv.URL); err == nil || !strings.Contains(err.Error(), "a callback") {
		t.Fatalf("replaying a callback: %v", err)
	}
	if _, err := newReplayer(app, nil, signature.Auto).Replay(context.Background(), rec, "ftp://x"); err == nil {
		t.Fatal("replayed to ftp")
	}
}
