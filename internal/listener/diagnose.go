package listener

import (
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// doctorSlots is how many signature diagnoses may run at once. A diagnosis
// re-hashes the body a few dozen times, so a flood of badly signed requests
// must not turn into a flood of diagnoses: beyond this many at a time, a
// failure is recorded without one.
const doctorSlots = 2

// diagnose asks the signature doctor what most likely broke the failed
// verdict v. It returns nil when nothing explains it, or when the doctor is
// busy with other deliveries.
func (l *Listener) diagnose(opts signature.VerifyOptions, h http.Header, body []byte, v signature.Result) *signature.Diagnosis {
	select {
	case l.doctor <- struct{}{}:
		defer func() { <-l.doctor }()
	default:
		return nil
	}
	rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: opts, Others: l.cfg.OtherSecrets}, h, body, v)
	if rep.Diagnosis == nil {
		return nil
	}
	// The doctor never writes a secret; the mask is belt and braces, as
	// for the reason.
	return &signature.Diagnosis{Cause: rep.Diagnosis.Cause, Detail: l.masker.mask(rep.Diagnosis.Detail)}
}

// rejectionText is the body of a 401: the reason, and the likely cause on a
// line of its own when the doctor found one.
func rejectionText(sig *record.Signature) []byte {
	text := sig.Reason + "\n"
	if d := sig.Diagnosis; d != nil {
		text += "likely cause (" + string(d.Cause) + "): " + d.Detail + "\n"
	}
	return []byte(text)
}
