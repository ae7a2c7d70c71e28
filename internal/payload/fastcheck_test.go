package payload

import (
	"io/fs"
	"os"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
)

// The fast path's own verdicts are held to v5's in internal/payload/fastpath;
// these tests hold the registry's use of it: which payloads take it, and
// that its detection and fields are the slow path's.

func TestFastPathIsOnlyForBundledSchemas(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/permit.create_user.json", `{"type":"object"}`)
	reg := mustRegistry(t, dir)
	if _, ok := reg.fastValid([]byte(`{"type":"create_user"}`), ""); ok {
		t.Fatal("a user schema replacing a bundled one took the fast path")
	}
	res, err := reg.Check([]byte(`{"type":"create_user"}`), "")
	if err != nil || !res.Valid || res.Schema != "permit.create_user" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

// TestFastPathAgreesWithCheckV5: every valid fixture is proved valid on the
// fast path, under the schema and with the fields the slow path finds.
func TestFastPathAgreesWithCheckV5(t *testing.T) {
	t.Parallel()
	reg := mustRegistry(t)
	files, err := fs.Glob(fixtures.FS, "*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for _, name := range files {
		raw, _ := fixtures.FS.ReadFile(name)
		slow, err := reg.checkV5(raw, "", nil)
		if err != nil || !slow.Valid {
			t.Fatalf("%s: v5 says %+v, %v", name, slow, err)
		}
		schema, fields, ok := reg.fastCheck(raw, "", nil)
		if !ok || schema != slow.Schema || fields != slow.Fields {
			t.Errorf("%s: fast path %v %q %+v, v5 %q %+v", name, ok, schema, fields, slow.Schema, slow.Fields)
		}
		if f, ok := reg.Peek(raw, nil); !ok || f != slow.Fields {
			t.Errorf("%s: Peek %v %+v", name, ok, f)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A directory schema that replaces a bundled one keeps its rule and its
// profile's fields.
func TestReplacedSchemaKeepsFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/permit.invite_user.json", `{"type":"object"}`)
	reg := mustRegistry(t, dir)
	res, err := reg.Check([]byte(`{"type":"invite_user","user_invite_id":"u-1"}`), "")
	if err != nil || res.Schema != "permit.invite_user" || res.Fields.Invite != "u-1" || res.Fields.Event != "invite_user" {
		t.Fatalf("%+v, %v", res, err)
	}
}
