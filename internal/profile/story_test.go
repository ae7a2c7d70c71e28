package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A story may live in a file of its own, read only when asked for.
func TestStoryFile(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{
		"schemas/a.json":       `{}`,
		"p/desk.profile.yaml":  "name: desk\nschemas: ../schemas\nstory: stories/desk.yaml\n",
		"p/stories/desk.yaml":  "subject: /ticket\nid: key\n",
		"inline.profile.yaml":  "name: inline\nschemas: ./schemas\nstory:\n  subject: /t\n",
		"nostory.profile.yaml": "name: plain\nschemas: ./schemas\n",
	})
	p, err := Load(filepath.Join(dir, "p", "desk.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Story != nil || p.StoryFile == nil {
		t.Fatalf("story %v, story file %v: want the file, not yet read", p.Story, p.StoryFile)
	}
	n, err := p.StoryNode()
	if err != nil || n == nil || len(n.Content) != 4 || n.Content[1].Value != "/ticket" {
		t.Fatalf("StoryNode = %v, %v", n, err)
	}
	// Read when asked: a file broken after the profile was loaded is
	// reported then, naming the story file and the line.
	if err := os.WriteFile(filepath.Join(dir, "p", "stories", "desk.yaml"), []byte("subject: &a x\nid: *a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = p.StoryNode()
	var pe *Error
	if !errors.As(err, &pe) || pe.Line != 2 || !strings.Contains(err.Error(), "desk.yaml") || !strings.Contains(err.Error(), "aliases") {
		t.Errorf("broken story file: %v", err)
	}
	in, err := Load(filepath.Join(dir, "inline.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := in.StoryNode(); err != nil || n != in.Story || n == nil {
		t.Errorf("inline story: %v, %v", n, err)
	}
	plain, err := Load(filepath.Join(dir, "nostory.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := plain.StoryNode(); n != nil || err != nil {
		t.Errorf("no story: %v, %v", n, err)
	}
}

// The bundled permission_assist story is a file of its own: parsing the
// profiles, which every command does, does not parse it.
func TestBundledStoryIsReadWhenAsked(t *testing.T) {
	t.Parallel()
	p, err := Load("permission_assist")
	if err != nil {
		t.Fatal(err)
	}
	if p.Story != nil || p.StoryFile == nil {
		t.Fatalf("story %v, file %v", p.Story, p.StoryFile)
	}
	n, err := p.StoryNode()
	if err != nil || n == nil {
		t.Fatalf("StoryNode: %v, %v", n, err)
	}
	if !strings.Contains(p.StoryFile.Display, "permission_assist.story.yaml") {
		t.Errorf("story file %q", p.StoryFile.Display)
	}
}
