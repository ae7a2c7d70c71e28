package hookexec_test

import (
	"errors"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/payload"
)

func TestCheckFilters(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	schemas := []string{"permission_assist.access_request", "permit.invite_user", "acme.order"}
	for _, tc := range []struct {
		filter, hint string // hint "" : accepted
	}{
		{"permission_assist.access_request", ""},
		{"acme.order", ""}, // a --schema-dir schema
		{"AccessRequestProvisioning", ""},
		{"AccessRequestCanceled", ""},
		{"invite_user", ""},
		{"role_assignment", ""},
		{"accessrequestprovisioning", `did you mean "AccessRequestProvisioning"? names are case-sensitive`},
		{"Invite_User", `did you mean "invite_user"? names are case-sensitive`},
		{"Provisioning", "a filter is a schema name (`webhook-tool schemas list`), a Permission Assist event such as AccessRequestProvisioning, or a Permit type such as invite_user"},
	} {
		err := hookexec.CheckFilters([]string{"invite_user", tc.filter}, schemas, reg)
		var fe *hookexec.FilterError
		switch {
		case tc.hint == "" && err != nil:
			t.Errorf("%s: %v", tc.filter, err)
		case tc.hint != "" && (!errors.As(err, &fe) || fe.Filter != tc.filter || fe.Hint != tc.hint):
			t.Errorf("%s: err %v, hint %q; want hint %q", tc.filter, err, fe, tc.hint)
		}
	}
}

func TestMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		filters       []string
		schema, event string
		want          bool
	}{
		{nil, "permit.create_user", "create_user", true},
		{[]string{"AccessRequestProvisioning"}, "permission_assist.access_request", "AccessRequestProvisioning", true},
		{[]string{"AccessRequestProvisioning"}, "permission_assist.access_request", "AccessRequestCreated", false},
		{[]string{"permission_assist.access_request"}, "permission_assist.access_request", "AccessRequestCreated", true},
		{[]string{"AccessRequestApproved", "invite_user"}, "permit.invite_user", "invite_user", true},
		{[]string{"invite_user"}, "permit.create_user", "create_user", false},
		{[]string{"invite_user"}, "permit.access_request", "", false},
	} {
		if got := hookexec.Matches(tc.filters, tc.schema, tc.event); got != tc.want {
			t.Errorf("Matches(%q, %s, %s) = %v", tc.filters, tc.schema, tc.event, got)
		}
	}
}
