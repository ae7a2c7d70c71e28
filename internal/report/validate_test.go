package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

func TestFileAnnotationsAndFileCase(t *testing.T) {
	t.Parallel()
	invalid := payload.FileResult{Name: "a.json", Result: payload.Result{Schema: "permit.create_user", Errors: []payload.Error{
		{InstanceLocation: "/role", Message: "must be a string; got number 1", Line: 3, Column: 11},
		{InstanceLocation: "", Message: `missing required property "type"`, Line: 1, Column: 1},
	}}}
	got := FileAnnotations(invalid)
	if len(got) != 2 {
		t.Fatalf("%d annotations, want 2", len(got))
	}
	if s := got[0].String(); s != "::error file=a.json,line=3,col=11,title=permit.create_user::/role: must be a string; got number 1" {
		t.Errorf("got %s", s)
	}
	if s := got[1].String(); !strings.HasSuffix(s, `::/: missing required property "type"`) {
		t.Errorf("the document itself is /: %s", s)
	}
	c := FileCase(invalid)
	if c.Failure == nil || c.Failure.Message != "invalid against permit.create_user: 2 errors" ||
		!strings.Contains(c.Failure.Text, "a.json:3:11: /role: must be a string") || c.Classname != "permit.create_user" {
		t.Errorf("case: %+v %+v", c, c.Failure)
	}

	notJSON := payload.FileResult{Name: "b.json", Result: payload.Result{Errors: []payload.Error{{Message: "invalid JSON: unexpected end", Line: 2, Column: 4}}}}
	if s := FileAnnotations(notJSON)[0].String(); s != "::error file=b.json,line=2,col=4,title=not JSON::invalid JSON: unexpected end" {
		t.Errorf("got %s", s)
	}
	if c := FileCase(notJSON); c.Failure == nil || c.Failure.Message != "not JSON" || !strings.Contains(c.Failure.Text, "b.json:2:4: invalid JSON") {
		t.Errorf("case: %+v", c.Failure)
	}

	unread := payload.FileResult{Name: "c.json", Err: errors.New("cannot read file:\nno such file")}
	if s := FileAnnotations(unread)[0].String(); s != "::error file=c.json,title=not checked::cannot read file:; no such file" {
		t.Errorf("got %s", s)
	}
	if c := FileCase(unread); c.Error == nil || c.Failure != nil {
		t.Errorf("case: %+v", c)
	}

	valid := payload.FileResult{Name: "d.json", Result: payload.Result{Schema: "permit.create_user", Valid: true}}
	if a := FileAnnotations(valid); len(a) != 0 {
		t.Errorf("a valid file is annotated: %v", a)
	}
	if c := FileCase(valid); c.Failure != nil || c.Error != nil || c.Skipped != nil {
		t.Errorf("case: %+v", c)
	}
}
