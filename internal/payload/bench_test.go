package payload_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
)

// The registry's benchmarks, from outside the package: paygen, which makes
// their payloads, imports payload for its event list.

func newRegistry(tb testing.TB) *payload.Registry {
	tb.Helper()
	r, err := payload.NewRegistry()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// paPayloads returns n varied, valid, pretty-printed Permission Assist
// payloads (4–7 KB each), the same for every run.
func paPayloads(tb testing.TB, n int) [][]byte {
	tb.Helper()
	r := rand.New(rand.NewPCG(7, 1))
	out := make([][]byte, n)
	for i := range out {
		b, err := json.MarshalIndent(paygen.PermissionAssist(r), "", "  ")
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// BenchmarkCheck is one ~6 KB Permission Assist payload, schema detected.
func BenchmarkCheck(b *testing.B) {
	reg := newRegistry(b)
	var raw []byte
	for _, p := range paPayloads(b, 50) {
		if len(p) > 5800 && len(p) < 6500 {
			raw = p
			break
		}
	}
	if raw == nil {
		b.Fatal("no ~6 KB payload generated")
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := reg.Check(raw, "")
		if err != nil || !res.Valid {
			b.Fatalf("%v %+v", err, res)
		}
	}
}

// BenchmarkCheckAll is 1,000 payloads through the worker pool, as validate
// runs a directory.
func BenchmarkCheckAll(b *testing.B) {
	reg := newRegistry(b)
	payloads := paPayloads(b, 1000)
	inputs := make([]payload.Input, len(payloads))
	for i, p := range payloads {
		inputs[i] = payload.Input{Name: "p", Read: func() ([]byte, error) { return p, nil }}
	}
	b.ReportAllocs()
	for b.Loop() {
		reg.CheckAll(inputs, "", 0, func(fr payload.FileResult) {
			if fr.Err != nil || !fr.Result.Valid {
				b.Fatalf("%v %+v", fr.Err, fr.Result)
			}
		})
	}
}
