package listener

import "testing"

func TestSecretMasker(t *testing.T) {
	m := newSecretMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "It's a Secret to Everybody", "whsec_ab/cd+ef==", ""})
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
		{"whsec_M", "whsec_M"}, // 7: under redact.MinRun
	} {
		if got := m.mask(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
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
		if got := m.maskQuery(tc.in); got != tc.want {
			t.Errorf("maskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The base64 key of a whsec_ secret is masked on its own too, escaped or
// not, wherever the whole secret would be.
func TestSecretMaskerStandardKey(t *testing.T) {
	m := newSecretMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_ab/cd+ef=="})
	for _, tc := range []struct{ in, want string }{
		{"/x/MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "/x/****"},
		{"key MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whole whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "key ****, whole ****"},
		{"v1,ab/cd+ef==", "v1,****"},
	} {
		if got := m.mask(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"k=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw&v=2", "k=****&v=2"},
		{"k=ab%2Fcd%2Bef%3D%3D", "k=****"},
		{"k=ab%2fcd%2bef%3d%3d", "k=****"},
		{"k=ab/cd+ef==", "k=****"},
		{"k=whsec_ab%2Fcd%2Bef%3D%3D", "k=****"},
	} {
		if got := m.maskQuery(tc.in); got != tc.want {
			t.Errorf("maskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := m.maskURL("http://127.0.0.1:3000/in/ab%2Fcd%2Bef%3D%3D?k=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); got != "http://127.0.0.1:3000/in/****?k=****" {
		t.Errorf("maskURL = %q", got)
	}
}

// A secret under 6 characters is masked only as a whole value; a longer
// one anywhere.
func TestSecretMaskerShortSecret(t *testing.T) {
	m := newSecretMasker([]string{"json", "a b", "sixsix"})
	for _, tc := range []struct{ in, want string }{
		{"application/json", "application/json"},
		{"json", "****"},
		{"a b", "****"},
		{"not json", "not json"},
		{"x-sixsix-y", "x-****-y"},
	} {
		if got := m.mask(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
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
		if got := m.maskPath(tc.in); got != tc.want {
			t.Errorf("maskPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"format=json", "format=****"},
		{"format=json&v=2&k=a+b&l=a%20b", "format=****&v=2&k=****&l=****"},
		{"json=1&f=jsonl&json", "json=1&f=jsonl&json"},
		{"f=x.json", "f=x.json"},
	} {
		if got := m.maskQuery(tc.in); got != tc.want {
			t.Errorf("maskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"http://json:3000/in/orders.json?f=jsonl", "http://json:3000/in/orders.json?f=jsonl"},
		{"http://127.0.0.1:3000/in/json?f=json", "http://127.0.0.1:3000/in/****?f=****"},
		{"http://127.0.0.1:3000/json", "http://127.0.0.1:3000/****"},
		{"http://127.0.0.1:3000/a%20b", "http://127.0.0.1:3000/****"},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000"},
	} {
		if got := m.maskURL(tc.in); got != tc.want {
			t.Errorf("maskURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// On the hot path, a field without a secret costs no allocation.
func TestSecretMaskerNoMatchAllocatesNothing(t *testing.T) {
	m := newSecretMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "json"})
	n := testing.AllocsPerRun(100, func() {
		m.maskPath("/hooks/orders.json/x")
		m.maskQuery("format=jsonl&v=2")
		m.mask("application/json")
		m.maskURL("http://127.0.0.1:3000/in/orders?v=2")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
