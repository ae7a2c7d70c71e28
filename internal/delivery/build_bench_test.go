package delivery

import (
	"strconv"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
)

// BenchmarkRequestBuilder is the client's own work per delivery before the
// transport: stamping the body, signing it, building the headers.
func BenchmarkRequestBuilder(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run("single/secrets="+strconv.Itoa(n), func(b *testing.B) {
			rb := benchBuilder(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rb.Next(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("load/secrets="+strconv.Itoa(n), func(b *testing.B) {
			rb := benchBuilder(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rb.LoadRequest(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchBuilder(tb testing.TB, secrets int) *Builder {
	tb.Helper()
	raw, err := fixture.Load("permission_assist.access_request_approved")
	if err != nil {
		tb.Fatal(err)
	}
	tmpl, err := NewTemplate(raw, TemplateOptions{Now: time.Now(), CallbackBase: "http://127.0.0.1/webhooks/callback/"})
	if err != nil {
		tb.Fatal(err)
	}
	ss := []string{"bench-secret", "second-secret"}[:secrets]
	return &Builder{URL: "http://127.0.0.1/", Scheme: "standard", Secrets: ss, Template: tmpl, Now: time.Now, UserAgent: "webhook-tool/bench"}
}
