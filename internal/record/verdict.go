package record

import "github.com/webhook-tool/webhook-tool/internal/signature"

// The verdicts on a delivery's signature and payload as one word each: what
// response rules match (signature: invalid) and expectations report.
const (
	VerdictValid     = "valid"
	VerdictInvalid   = "invalid"
	VerdictMissing   = "missing"   // a signature: the request carried none the scheme needs
	VerdictUnchecked = "unchecked" // nothing to check with, or (a payload) not validated
)

// Verdict is the signature verdict as one word: valid; missing when the
// request carried no signature the scheme needs; unchecked when listen had
// no secret to check with (or s is nil: a callback, a refused request);
// invalid otherwise.
func (s *Signature) Verdict() string {
	switch {
	case s == nil || s.Kind == Unchecked:
		return VerdictUnchecked
	case s.Valid:
		return VerdictValid
	case s.Kind == signature.MissingHeader.String():
		return VerdictMissing
	}
	return VerdictInvalid
}

// Verdict is the payload verdict as one word: valid, invalid, or unchecked
// when it was not validated (a bad signature) or s is nil.
func (s *Schema) Verdict() string {
	switch {
	case s == nil || !s.IsChecked():
		return VerdictUnchecked
	case s.Valid:
		return VerdictValid
	}
	return VerdictInvalid
}
