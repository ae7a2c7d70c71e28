package redact

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand"
	"strings"
	"testing"
)

// maskByMap is Runs.Mask with no filter in front of the map of windows:
// what the filters must leave unchanged.
func maskByMap(r *Runs, s string) string {
	var b strings.Builder
	last := 0
	in := func(i int) bool { _, ok := r.windows[window(s, i)]; return ok }
	for i := 0; i+MinRun <= len(s); {
		if !in(i) {
			i++
			continue
		}
		end := i + MinRun
		for end < len(s) && in(end+1-MinRun) {
			end++
		}
		b.WriteString(s[last:i])
		b.WriteString(Mask)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	return b.String() + s[last:]
}

// The filters skip text only where the map finds nothing: pieces of every
// form of the secrets, of every length around MinRun, at every offset of
// text around them (so at every alignment to 4), mask as the map says.
func TestRunsFiltersMaskAsTheMap(t *testing.T) {
	t.Parallel()
	secrets := []string{secret, "s3cr3t-token-value", "another one with spaces"}
	r := New(secrets)
	var forms []string
	for _, s := range secrets {
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)),
			hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))))
	}
	forms = append(forms, strings.TrimPrefix(secret, "whsec_"))
	rng := rand.New(rand.NewSource(4))
	masked := 0
	for range 20000 {
		f := forms[rng.Intn(len(forms))]
		n := MinRun - 2 + rng.Intn(6)
		at := rng.Intn(len(f) - n + 1)
		pre := strings.Repeat("ab", 8)[:rng.Intn(12)]
		post := strings.Repeat("yz", 8)[:rng.Intn(12)]
		s := pre + f[at:at+n] + post
		want := maskByMap(r, s)
		if got := r.Mask(s); got != want {
			t.Fatalf("Mask(%q) = %q, the map masks %q", s, got, want)
		}
		if want != s {
			masked++
		}
	}
	if masked < 5000 {
		t.Fatalf("only %d of the texts held a run: the test tests little", masked)
	}
	for _, s := range []string{"", "1234567", "application/json", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=", "1764779311"} {
		if got := r.Mask(s); got != maskByMap(r, s) {
			t.Errorf("Mask(%q) = %q", s, got)
		}
	}
}
