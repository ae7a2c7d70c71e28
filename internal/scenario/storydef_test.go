package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// A story is the profile's data: a profile of another provider, with a
// story of its own vocabulary, carries its subject the same way.
func TestStoryOfAnotherProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("desk.profile.yaml", `name: desk
schemas: ./schemas
fixtures: ./examples
fields:
  event: /kind
story:
  subject: /ticket
  called: ticket
  id: key
  status: state
  dates: [openedAt, closedAt]
  log: history
  entry: {at: $time, by: $author, what: $action, note: $text}
  system: Helpdesk
  people: {owner: owner}
  events:
    ticket.opened: {action: open, status: new, author: owner, text: "opened by {owner}", reach: [openedAt]}
    ticket.closed: {action: close, status: done, set: [closedAt], text: closed}
`)
	write("schemas/ticket.json", `{"type": "object", "required": ["kind", "ticket"]}`)
	write("examples/opened.json", `{"kind": "ticket.opened", "ticket": {"key": "T-1", "state": "x", "owner": {"name": "Ada"}, "openedAt": null, "closedAt": null, "history": [{"at": "old"}]}}`)
	write("examples/closed.json", `{"kind": "ticket.closed", "ticket": {"key": "T-9", "state": "y", "owner": null}}`)
	p, err := profile.Load(filepath.Join(dir, "desk.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := fixture.ListOf([]*profile.Profile{p})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ParseWith([]byte("steps:\n  - name: opened\n    fixture: desk.opened\n  - name: closed\n    fixture: desk.closed\n"), "desk.yaml", dir, list)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs(), Profiles: []*profile.Profile{p}})
	if err != nil {
		t.Fatal(err)
	}
	first, last := decodeBody(t, ds[0].Body), decodeBody(t, ds[1].Body)
	if at(first, "ticket.key") != "00000000-0000-4000-8000-000000000001" || at(last, "ticket.key") != at(first, "ticket.key") {
		t.Errorf("the ticket's key: %v then %v, want one fresh key", at(first, "ticket.key"), at(last, "ticket.key"))
	}
	if at(first, "ticket.state") != "new" || at(last, "ticket.state") != "done" {
		t.Errorf("states %v, %v", at(first, "ticket.state"), at(last, "ticket.state"))
	}
	if at(last, "ticket.owner.name") != "Ada" || at(last, "ticket.openedAt") == nil || at(last, "ticket.closedAt") == nil {
		t.Errorf("the closed step does not carry the opened ticket: %v", last["ticket"])
	}
	hist, _ := at(last, "ticket.history").([]any)
	if len(hist) != 2 || at(hist[0], "by") != "Ada" || at(hist[0], "note") != "opened by Ada" || at(hist[1], "by") != "Helpdesk" || at(hist[1], "what") != "close" {
		t.Errorf("history %v", hist)
	}
	if ds[0].Kind != "ticket.opened" || ds[1].RequestID != at(first, "ticket.key") || ds[1].Subject != "ticket" {
		t.Errorf("kind %q, request id %q, subject %q", ds[0].Kind, ds[1].RequestID, ds[1].Subject)
	}
}

// A story in a file of its own (story: FILE) is read when a scenario
// needs it, and its mistakes are reported against that file.
func TestStoryFromItsOwnFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"desk.profile.yaml":    "name: desk\nschemas: ./schemas\nfixtures: ./examples\nfields:\n  event: /kind\nstory: desk.story.yaml\n",
		"desk.story.yaml":      "subject: /ticket\nid: key\nstatus: state\nevents:\n  ticket.opened: {status: new}\n",
		"schemas/t.json":       `{"type": "object"}`,
		"examples/opened.json": `{"kind": "ticket.opened", "ticket": {"key": "T-1", "state": "x"}}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := profile.Load(filepath.Join(dir, "desk.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	def, err := storyOf(p)
	if err != nil || def == nil || def.Subject != "/ticket" {
		t.Fatalf("story %+v, %v", def, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "desk.story.yaml"), []byte("subject: /ticket\nid: key\nstatsu: state\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err = profile.Load(filepath.Join(dir, "desk.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = storyOf(p)
	if err == nil || !strings.Contains(err.Error(), "story "+filepath.Join(dir, "desk.story.yaml")) || !strings.Contains(err.Error(), `line 3: unknown key "statsu"`) {
		t.Errorf("error %v: want it to name the story file and the line", err)
	}
}
