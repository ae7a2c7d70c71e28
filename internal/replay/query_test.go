package replay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
)

// A replay sends the recorded query exactly, a '#' in it included (a client
// can send one raw, and listen records it), below --to's own query.
func TestReplaySendsTheRecordedQueryExactly(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.RequestURI
	}))
	defer srv.Close()
	for _, tc := range []struct{ to, query, want string }{
		{"/hooks", "a=1%23b", "/hooks/p?a=1%23b"},
		{"/hooks", "a=1#b", "/hooks/p?a=1#b"},
		{"/hooks", "a=1#b#c&d=%zz", "/hooks/p?a=1#b#c&d=%zz"},
		{"/hooks?t=1", "a=#", "/hooks/p?t=1&a=#"},
		{"/hooks#frag", "x=1", "/hooks/p?x=1"},
	} {
		rec := recordedDelivery("standard", map[string]string{"Content-Type": "application/json"})
		rec.Path, rec.Query = "/p", tc.query
		plan, err := Plan(rec, Options{URL: srv.URL + tc.to})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Request.URL != srv.URL+tc.want {
			t.Errorf("%s + ?%s: shown as %s, want %s", tc.to, tc.query, plan.Request.URL, srv.URL+tc.want)
		}
		resp, err := delivery.Send(context.Background(), srv.Client(), plan.Request, delivery.Policy{}, nil)
		if err != nil || resp.Status != 200 {
			t.Fatalf("%s + ?%s: %d, %v", tc.to, tc.query, resp.Status, err)
		}
		if uri := <-got; uri != tc.want {
			t.Errorf("%s + ?%s: the receiver got %s, want %s", tc.to, tc.query, uri, tc.want)
		}
	}
}
