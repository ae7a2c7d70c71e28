package redact

import (
	"encoding/base64"
	"strings"
	"testing"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestRunsMask(t *testing.T) {
	r := New([]string{secret, "s3cr3t-token-value", "short"})
	for _, tc := range []struct{ in, want string }{
		{"nothing here", "nothing here"},
		{`timestamp "` + secret[:32] + `"...`, `timestamp "****"...`}, // cut at 32, as a reason quotes it
		{"Bearer " + secret, "Bearer ****"},                           // whole
		{"x" + secret[10:20] + "y", "x****y"},                         // any run of 8+
		{"key MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "key ****"},          // the key alone
		{"Basic " + base64.StdEncoding.EncodeToString([]byte(secret)), "Basic ****"},
		{"short and sweet", "short and sweet"}, // under MinRun: left to whole-value masking
		{"whsec_Mf", "****"},                   // 8 characters of the secret are a run
	} {
		if got := r.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := r.MaskEscaped("s3cr3t%2Dtoken%2Dvalue"); got != Mask {
		t.Errorf("escaped: %q", got)
	}
	if got := r.MaskURL("http://h/p/s3cr3t%2Dtoken%2Dvalue?t=s3cr3t%2dtoken%2dvalue&x=1"); strings.Contains(got, "s3cr3t") || !strings.Contains(got, "x=1") {
		t.Errorf("MaskURL: %q", got)
	}
	var none *Runs
	if none.Mask(secret) != secret || New(nil) != nil {
		t.Error("nil Runs masks")
	}
}
