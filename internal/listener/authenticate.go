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

// doctorPerSecond is how many diagnoses may start a second (and in a
// burst). A diagnosis costs as much CPU as ten good deliveries, so the
// slots alone let a flood of badly signed requests keep both cores busy
// diagnosing (about 3,000 a second here, against 25,000 good ones); a
// person reading why their signatures fail needs a few.
const doctorPerSecond = 20

// authenticate is the authenticate stage: it fills the record's signature
// verdict. Without a secret the signature is reported, not checked; an
// unsigned request to a report-only listener is taken as unsigned; a
// failed verdict is counted and, when the doctor has a free slot,
// diagnosed.
func (l *Listener) authenticate(r *http.Request, d *inflight) {
	rec := &d.rec
	// The scheme only matters here without a secret or in report-only
	// mode: otherwise the verifier detects it itself.
	sch := signature.Scheme("")
	if len(l.cfg.Secrets) == 0 || l.cfg.ReportOnly {
		if sch = l.cfg.Scheme; sch == "" || sch == signature.Auto {
			sch = signature.Detect(r.Header)
		}
	}
	switch {
	case len(l.cfg.Secrets) == 0 && sch != signature.None:
		// Nothing to check with: say what was there, and let it through.
		rec.Signature = &record.Signature{Scheme: string(sch), Reason: "not checked: listen has no --secret", Kind: record.Unchecked}
	case l.cfg.ReportOnly && sch == signature.None:
		// Unsigned, and no secret was asked for: as without one.
		rec.Signature = &record.Signature{Scheme: string(signature.None), Valid: true}
	default:
		v := l.verifier.Verify(r.Header, d.body, rec.ReceivedAt)
		rec.Signature = &record.Signature{Scheme: string(v.Scheme), Valid: v.Valid, Reason: l.masker.Mask(v.Reason)}
		if !v.Valid {
			rec.Signature.Kind = v.Kind.String()
			rec.Signature.Diagnosis = l.diagnose(l.verifier.Options(rec.ReceivedAt), r.Header, d.body, v)
			l.n.badSig.Add(1)
		}
	}
}

// refuses reports whether a delivery with verdict sig is answered 401: it
// failed, and the listener enforces its secrets (not report-only).
func (l *Listener) refuses(sig *record.Signature) bool {
	return !sig.Valid && sig.Kind != record.Unchecked && !l.cfg.ReportOnly
}

// diagnose asks the signature doctor what most likely broke the failed
// verdict v. It returns nil when nothing explains it, or when the doctor is
// busy with other deliveries or has done its share this second.
func (l *Listener) diagnose(opts signature.VerifyOptions, h http.Header, body []byte, v signature.Result) *signature.Diagnosis {
	select {
	case l.doctor <- struct{}{}:
		defer func() { <-l.doctor }()
	default:
		return nil
	}
	if !l.doctorRate.take() {
		return nil
	}
	rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: opts, Others: l.cfg.OtherSecrets}, h, body, v)
	if rep.Diagnosis == nil {
		return nil
	}
	// The doctor never writes a secret; the mask is belt and braces, as
	// for the reason.
	return &signature.Diagnosis{Cause: rep.Diagnosis.Cause, Detail: l.masker.Mask(rep.Diagnosis.Detail)}
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
