package listener

import "testing"

func TestSecretMasker(t *testing.T) {
	m := newSecretMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "It's a Secret to Everybody", "whsec_ab/cd+ef==", ""})
	for _, tc := range []struct{ in, want string }{
		{"/", "/"},
		{"/x/whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "/x/****"},
		{"v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "v1,****"},
		{"It's a Secret to Everybody, twice: It's a Secret to Everybody", "****, twice: ****"},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"}, // not the secret
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
	} {
		if got := m.maskQuery(tc.in); got != tc.want {
			t.Errorf("maskQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
