package redact

import "testing"

func TestMasker(t *testing.T) {
	t.Parallel()
	m := NewMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "It's a Secret to Everybody", "whsec_ab/cd+ef==", ""})
	for _, tc := range []struct{ in, want string }{
		{"/", "/"},
		{"/x/whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "/x/****"},
		{"v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "v1,****"},
		{"It's a Secret to Everybody, twice: It's a Secret to Everybody", "****, twice: ****"},
		// A secret cut short (as a reason quotes a header at 32
		// characters) is masked too: any 8 characters of it are.
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "****"},
		{`timestamp "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2"...`, `timestamp "****"...`},
		{"Basic d2hzZWNfTWZLUTlyOEdLWXFyVHdqVVBEOElMUFpJbzJMYUxhU3c=", "Basic ****"},
		{"whsec_Mf", "****"},
		{"whsec_M", "whsec_M"}, // 7: under MinRun
	} {
		if got := m.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"token=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw&v=2", "token=****&v=2"},
		{"k=It%27s+a+Secret+to+Everybody", "k=****"},
		{"k=It%27s%20a%20Secret%20to%20Everybody", "k=****"},
		{"k=whsec_ab%2Fcd%2Bef%3D%3D", "k=****"},
		{"k=whsec_ab%2fcd%2bef%3d%3d", "k=****"},
		{"k=whsec_ab/cd+ef==", "k=****"},
		{"v=2", "v=2"},
		{"t=It%27s%20a%20Secret%2Dto%2DEverybody", "t=****"}, // escaped where nothing needs it
	} {
		if got := m.MaskQuery(tc.in); got != tc.want {
			t.Errorf("MaskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The base64 key of a whsec_ secret is masked on its own too, escaped or
// not, wherever the whole secret would be.
func TestMaskerStandardKey(t *testing.T) {
	t.Parallel()
	m := NewMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_ab/cd+ef=="})
	for _, tc := range []struct{ in, want string }{
		{"/x/MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "/x/****"},
		{"key MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whole whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "key ****, whole ****"},
		{"v1,ab/cd+ef==", "v1,****"},
	} {
		if got := m.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"k=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw&v=2", "k=****&v=2"},
		{"k=ab%2Fcd%2Bef%3D%3D", "k=****"},
		{"k=ab%2fcd%2bef%3d%3d", "k=****"},
		{"k=ab/cd+ef==", "k=****"},
		{"k=whsec_ab%2Fcd%2Bef%3D%3D", "k=****"},
	} {
		if got := m.MaskQuery(tc.in); got != tc.want {
			t.Errorf("MaskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := m.MaskURL("http://127.0.0.1:3000/in/ab%2Fcd%2Bef%3D%3D?k=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); got != "http://127.0.0.1:3000/in/****?k=****" {
		t.Errorf("MaskURL = %q", got)
	}
}

// A secret under 6 characters is masked only as a whole value; a longer
// one anywhere.
func TestMaskerShortSecret(t *testing.T) {
	t.Parallel()
	m := NewMasker([]string{"json", "a b", "sixsix"})
	for _, tc := range []struct{ in, want string }{
		{"application/json", "application/json"},
		{"json", "****"},
		{"a b", "****"},
		{"not json", "not json"},
		{"x-sixsix-y", "x-****-y"},
	} {
		if got := m.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"/orders.json", "/orders.json"},
		{"/json", "/****"},
		{"/json/", "/****/"},
		{"/x/json/y", "/x/****/y"},
		{"/a b/json.x", "/****/json.x"},
		{"/sixsix.json", "/****.json"},
	} {
		if got := m.MaskPath(tc.in); got != tc.want {
			t.Errorf("MaskPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"format=json", "format=****"},
		{"format=json&v=2&k=a+b&l=a%20b", "format=****&v=2&k=****&l=****"},
		{"json=1&f=jsonl&json", "json=1&f=jsonl&json"},
		{"f=x.json", "f=x.json"},
	} {
		if got := m.MaskQuery(tc.in); got != tc.want {
			t.Errorf("MaskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"http://json:3000/in/orders.json?f=jsonl", "http://json:3000/in/orders.json?f=jsonl"},
		{"http://127.0.0.1:3000/in/json?f=json", "http://127.0.0.1:3000/in/****?f=****"},
		{"http://127.0.0.1:3000/json", "http://127.0.0.1:3000/****"},
		{"http://127.0.0.1:3000/a%20b", "http://127.0.0.1:3000/****"},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000"},
	} {
		if got := m.MaskURL(tc.in); got != tc.want {
			t.Errorf("MaskURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// On the hot path, a field without a secret costs no allocation.
func TestMaskerNoMatchAllocatesNothing(t *testing.T) {
	m := NewMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "json"})
	n := testing.AllocsPerRun(100, func() {
		m.MaskPath("/hooks/orders.json/x")
		m.MaskQuery("format=jsonl&v=2")
		m.Mask("application/json")
		m.MaskURL("http://127.0.0.1:3000/in/orders?v=2")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

func TestMaskerLongest(t *testing.T) {
	t.Parallel()
	var zero Masker
	if zero.Active() || zero.Longest() != 0 || zero.Mask("x") != "x" {
		t.Error("the zero Masker masks")
	}
	m := NewMasker([]string{"json", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "sixsix"})
	if got := m.Longest(); got != len("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
		t.Errorf("Longest = %d", got)
	}
	if m := NewMasker([]string{"json"}); !m.Active() || m.Longest() != 0 {
		t.Errorf("a short secret: active %v, longest %d", m.Active(), m.Longest())
	}
}
