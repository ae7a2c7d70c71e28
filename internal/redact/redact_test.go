package redact

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestRunsMask(t *testing.T) {
	t.Parallel()
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

func TestRunsError(t *testing.T) {
	t.Parallel()
	r := New([]string{secret})
	base := errors.New("cannot reach http://h/?t=" + secret)
	err := r.Error(fmt.Errorf("send: %w", base))
	if strings.Contains(err.Error(), secret[6:14]) || !strings.Contains(err.Error(), "send: cannot reach http://h/?t=****") {
		t.Errorf("Error() = %q", err)
	}
	if !errors.Is(err, base) {
		t.Error("the masked error does not unwrap to the original")
	}
	var none *Runs
	if none.Error(base) != base || r.Error(nil) != nil {
		t.Error("nil Runs or nil error changed")
	}
}

func TestRecordLine(t *testing.T) {
	t.Parallel()
	raw := `{"seq":1,"headers":{"Authorization":"Bearer tok","X-Api-Key":"k","Webhook-Id":"msg_1"},"newer":{"x":1}}`
	m, err := RecordLine([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m["headers"]); got != `{"Authorization":"Bearer ****","Webhook-Id":"msg_1","X-Api-Key":"****"}` {
		t.Errorf("headers %s", got)
	}
	if string(m["newer"]) != `{"x":1}` || string(m["seq"]) != "1" {
		t.Errorf("other fields changed: %s %s", m["newer"], m["seq"])
	}
	if _, err := RecordLine([]byte("not json")); err == nil {
		t.Error("not JSON read")
	}
}
