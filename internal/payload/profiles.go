package payload

import (
	"net/http"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// DeliveryID is the delivery id the headers h carry in a profile's id
// header (profile.Profile.IDHeader): the first of the registry's profiles
// that names one h has, "" when none does.
func (r *Registry) DeliveryID(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	for _, p := range r.profiles {
		if p.IDHeader == "" {
			continue
		}
		if id := strings.TrimSpace(h.Get(p.IDHeader)); id != "" {
			return id
		}
	}
	return ""
}

// SchemaProfile is the profile the named schema is of, and its group: what
// the profile's event header says to select it (profile.Schema.Group). p
// is nil for a schema of no profile (a --schema FILE) or an unknown name.
func (r *Registry) SchemaProfile(name string) (p *profile.Profile, group string) {
	r.mu.RLock()
	e, ok := r.entries[name]
	r.mu.RUnlock()
	if !ok || e.prof == nil {
		return nil, ""
	}
	return e.prof, e.group
}
