package payload

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSchemas(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A directory schema whose top-level properties carry a const is detected
// for payloads with those values, before the bundled rules; one without a
// const is only used with --schema, and the no-match error says so.
func TestDirectorySchemasAreDetectedByConst(t *testing.T) {
	t.Parallel()
	dir := writeSchemas(t, map[string]string{
		"order.created.schema.json": `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["type","order_id"],
			"properties":{"type":{"const":"order.created"},"order_id":{"type":"integer"}}}`,
		"order.v2.json": `{"type":"object","properties":{"type":{"const":"order.created"},"version":{"const":2}}}`,
		// Claims Permission Assist-looking payloads too: its const wins.
		"pa.custom.json": `{"type":"object","properties":{"tenant":{"const":"acme"}}}`,
		"refund.json":    `{"type":"object","required":["refund_id"]}`,
	})
	reg := mustRegistry(t, dir)
	for _, tc := range []struct {
		payload, schema string
		valid           bool
	}{
		{`{"type":"order.created","order_id":7}`, "order.created", true},
		{`{"type":"order.created","order_id":"x"}`, "order.created", false},
		{`{"type":"order.created","version":2}`, "order.v2", true}, // more consts matched wins
		{`{"type":"order.created","version":2.0}`, "order.v2", true},
		{`{"type":"create_user","email":"a@b.c"}`, "permit.create_user", false}, // bundled rules still apply
		{`{"event":{},"callback":"x","tenant":"acme"}`, "pa.custom", true},
	} {
		res, err := reg.Check([]byte(tc.payload), "")
		if err != nil {
			t.Errorf("%s: %v", tc.payload, err)
			continue
		}
		if res.Schema != tc.schema || res.Valid != tc.valid {
			t.Errorf("%s: schema %q valid %v, want %q %v", tc.payload, res.Schema, res.Valid, tc.schema, tc.valid)
		}
	}

	_, err := reg.Check([]byte(`{"type":"order.refunded"}`), "")
	var nm NoMatchError
	if !errors.As(err, &nm) {
		t.Fatalf("want NoMatchError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"tried order.created, order.v2, pa.custom, permit.create_user,", "permission_assist.access_request)",
		`refund has no top-level "const" property to be detected by`} {
		if !strings.Contains(msg, want) {
			t.Errorf("no-match error %q lacks %q", msg, want)
		}
	}
}

// Without directory schemas nothing changes: the message names the bundled
// schemas only.
func TestNoMatchWithoutDirectorySchemas(t *testing.T) {
	t.Parallel()
	_, err := mustRegistry(t).Check([]byte(`{"type":"order.created"}`), "")
	if err == nil || strings.Contains(err.Error(), "const") || !strings.HasPrefix(err.Error(), "no schema matches this payload (tried permit.create_user,") {
		t.Errorf("error = %v", err)
	}
}
