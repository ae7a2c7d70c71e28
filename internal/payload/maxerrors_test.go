package payload

import (
	"reflect"
	"testing"
)

// errorBomb is a Permission Assist payload whose privileges are n empty
// objects: six missing properties each.
func errorBomb(t *testing.T, n int) []byte {
	t.Helper()
	privs := make([]any, n)
	for i := range privs {
		privs[i] = map[string]any{}
	}
	return mutate(t, fixture(t, "permission_assist.access_request_created"), func(m map[string]any) {
		m["event"].(map[string]any)["request"].(map[string]any)["target"].(map[string]any)["privileges"] = privs
	})
}

// A payload built to fail lists the first DefaultMaxErrors errors, the
// same ones and in the same order as the full list, and counts the rest.
func TestErrorsCapped(t *testing.T) {
	t.Parallel()
	raw := errorBomb(t, 1000)
	r := mustRegistry(t)
	r.SetMaxErrors(0)
	all, err := r.Check(raw, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Errors) != 6000 || all.Omitted != 0 {
		t.Fatalf("uncapped: %d errors, %d omitted; want 6000, 0", len(all.Errors), all.Omitted)
	}
	r.SetMaxErrors(DefaultMaxErrors)
	capped, err := r.Check(raw, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(capped.Errors) != DefaultMaxErrors || capped.Omitted != 6000-DefaultMaxErrors {
		t.Fatalf("capped: %d errors, %d omitted; want %d, %d", len(capped.Errors), capped.Omitted, DefaultMaxErrors, 6000-DefaultMaxErrors)
	}
	if !reflect.DeepEqual(capped.Errors, all.Errors[:DefaultMaxErrors]) {
		t.Error("the capped list is not the start of the full one")
	}
	if mustRegistry(t).MaxErrors() != DefaultMaxErrors {
		t.Error("a new registry does not cap at DefaultMaxErrors")
	}
}

// A cap that falls inside one failed keyword's errors (a "required" with
// six missing properties) still keeps exactly max and counts the rest.
func TestErrorsCappedMidKeyword(t *testing.T) {
	t.Parallel()
	r := mustRegistry(t)
	r.SetMaxErrors(3)
	res, err := r.Check(errorBomb(t, 2), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 3 || res.Omitted != 9 {
		t.Fatalf("%d errors, %d omitted; want 3, 9", len(res.Errors), res.Omitted)
	}
}
