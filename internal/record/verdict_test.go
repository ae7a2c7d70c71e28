package record

import "testing"

func TestVerdicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sig  *Signature
		want string
	}{
		{nil, VerdictUnchecked},
		{&Signature{Scheme: "standard", Valid: true}, VerdictValid},
		{&Signature{Scheme: "standard", Kind: "missing_header"}, VerdictMissing},
		{&Signature{Scheme: "standard", Kind: "no_match"}, VerdictInvalid},
		{&Signature{Scheme: "standard", Kind: "stale_timestamp"}, VerdictInvalid},
		{&Signature{Scheme: "standard", Kind: Unchecked}, VerdictUnchecked},
	} {
		if got := tc.sig.Verdict(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.sig, got, tc.want)
		}
	}
	for _, tc := range []struct {
		s    *Schema
		want string
	}{
		{nil, VerdictUnchecked},
		{&Schema{Name: "x", Valid: true}, VerdictValid},
		{&Schema{Name: "x"}, VerdictInvalid},
		{NotChecked("bad signature"), VerdictUnchecked},
	} {
		if got := tc.s.Verdict(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.s, got, tc.want)
		}
	}
}
