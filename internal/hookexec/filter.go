package hookexec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// PermitTypes are the Permit `type` values a filter may name: the payloads
// PRODUCT.md detects by their type field. (Access request and operation
// approval webhooks carry no type.)
var PermitTypes = []string{"create_user", "invite_user", "role_assignment"}

// FilterError is an --exec-on value that names nothing a delivery can be.
type FilterError struct {
	Filter string
	Hint   string
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("--exec-on %q is not a schema name, a Permission Assist event or a Permit type", e.Filter)
}

// CheckFilters refuses a filter that no delivery could match, which would
// otherwise run nothing without a word: each must be one of schemaNames (the
// registry's, bundled and --schema-dir), a Permission Assist event name or a
// Permit type, spelled exactly.
func CheckFilters(filters, schemaNames []string) error {
	known := slices.Clone(schemaNames)
	for _, e := range payload.BundledEvents() {
		known = append(known, e.Name)
	}
	known = append(known, PermitTypes...)
	for _, f := range filters {
		if slices.Contains(known, f) {
			continue
		}
		hint := "a filter is a schema name (`webhook-tool schemas list`), a Permission Assist event such as AccessRequestProvisioning, or a Permit type such as invite_user"
		for _, k := range known {
			if strings.EqualFold(strings.ReplaceAll(k, "_", ""), strings.ReplaceAll(f, "_", "")) {
				hint = fmt.Sprintf("did you mean %q? names are case-sensitive", k)
				break
			}
		}
		return &FilterError{Filter: f, Hint: hint}
	}
	return nil
}

// Matches reports whether a delivery of schema, with event (its Permission
// Assist event name or Permit type, "" for none), passes filters: no filter
// passes everything, else any one filter naming either.
func Matches(filters []string, schema, event string) bool {
	if len(filters) == 0 {
		return true
	}
	for _, f := range filters {
		if f == schema || (event != "" && f == event) {
			return true
		}
	}
	return false
}
