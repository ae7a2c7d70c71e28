package inspect_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// The outcome names the URL the replay reached: the typed base with the
// recorded path and query below it, as replay.Plan builds it.
func TestReplayOutcomeNamesTheURLSent(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RequestURI()
	}))
	defer srv.Close()
	rec := &record.Record{Seq: 7, Status: 200, Method: "POST", Path: "/hooks/pa", Query: "tenant=a", Body: `{"id":"x"}`,
		Signature: &record.Signature{Scheme: "none", Valid: true}}
	p := &inspect.ReplaySender{Client: srv.Client(), Policy: delivery.Policy{}}
	out, err := p.Replay(context.Background(), rec, srv.URL+"/base")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/base/hooks/pa?tenant=a"; got != want || out.URL != srv.URL+want {
		t.Errorf("receiver got %q, outcome says %q; want both %q", got, out.URL, want)
	}
}
