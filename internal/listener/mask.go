package listener

import (
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// secretMasker is the listener's handle on redact.Masker, which owns how
// the configured secrets are found and masked in paths, queries, header
// values, URLs and text.
type secretMasker struct {
	m redact.Masker
	// plain is what maskedExcerpt reads for the longest secret's length:
	// one group whose form is that long. It goes once maskedExcerpt asks
	// longest().
	plain []formGroup
}

type formGroup struct{ forms []string }

func newSecretMasker(secrets []string) secretMasker {
	s := secretMasker{m: redact.NewMasker(secrets)}
	if n := s.m.Longest(); n > 0 {
		s.plain = []formGroup{{forms: []string{strings.Repeat("*", n)}}}
	}
	return s
}

func (s *secretMasker) active() bool              { return s.m.Active() }
func (s *secretMasker) longest() int              { return s.m.Longest() }
func (s *secretMasker) mask(v string) string      { return s.m.Mask(v) }
func (s *secretMasker) maskPath(p string) string  { return s.m.MaskPath(p) }
func (s *secretMasker) maskQuery(q string) string { return s.m.MaskQuery(q) }
func (s *secretMasker) maskText(t string) string  { return s.m.MaskText(t) }
func (s *secretMasker) maskURL(u string) string   { return s.m.MaskURL(u) }
