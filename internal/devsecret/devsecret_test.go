package devsecret

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDir(t *testing.T) {
	got, err := Dir(func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return "/x/cfg"
		}
		return ""
	})
	if err != nil || got != filepath.Join("/x/cfg", "webhook-tool") {
		t.Errorf("Dir = %q, %v", got, err)
	}
	// Unset: as os.UserConfigDir finds it, from the same environment.
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "/home/ada")
	t.Setenv("AppData", `C:\Users\ada\AppData\Roaming`)
	want, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	got, err = Dir(os.Getenv)
	if err != nil || got != filepath.Join(want, "webhook-tool") {
		t.Errorf("Dir without XDG_CONFIG_HOME = %q, %v; want under %q", got, err, want)
	}
	if _, err := Dir(func(string) string { return "" }); err == nil {
		t.Error("Dir with no environment at all: no error")
	}
}

func TestLoadGeneratesOnceWithMode0600(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cfg", "webhook-tool")
	s := Store{Dir: dir, Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 64))}
	first, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.Path != filepath.Join(dir, FileName) {
		t.Errorf("first Load = %+v", first)
	}
	if want := "whsec_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="; first.Value != want {
		t.Errorf("Value = %q, want %q", first.Value, want)
	}
	if err := Check(first.Value); err != nil {
		t.Error(err)
	}
	st, err := os.Stat(first.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("Load left files behind: %v", ents)
	}
	// Again: the same secret, not a new one.
	again, err := Store{Dir: dir}.Load()
	if err != nil || again.Value != first.Value || again.Created {
		t.Errorf("second Load = %+v, %v; want the first secret, not created", again, err)
	}
}

// Processes starting together (listen and send at once) agree on one
// secret, and none reads a half-written file.
func TestLoadConcurrentAgree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var wg sync.WaitGroup
	values := make([]string, 8)
	for i := range values {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Store{Dir: dir}.Load()
			if err != nil {
				t.Error(err)
			}
			values[i] = s.Value
		}()
	}
	wg.Wait()
	for _, v := range values {
		if v != values[0] {
			t.Fatalf("processes starting together got different secrets: %q", values)
		}
	}
}

func TestRotate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old, err := Store{Dir: dir}.Load()
	if err != nil {
		t.Fatal(err)
	}
	rot, err := Store{Dir: dir}.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if rot.Value == old.Value || Check(rot.Value) != nil {
		t.Errorf("Rotate = %q, old %q", rot.Value, old.Value)
	}
	now, err := Store{Dir: dir}.Load()
	if err != nil || now.Value != rot.Value {
		t.Errorf("Load after Rotate = %q, %v; want %q", now.Value, err, rot.Value)
	}
	if st, _ := os.Stat(rot.Path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode after Rotate %v, want 0600", st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("Rotate left files behind: %v", ents)
	}
}

func TestLoadRefusesACorruptFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Store{Dir: dir}.Load()
	if err == nil || !strings.Contains(err.Error(), "does not hold a development secret") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Load of a corrupt file: %v", err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "whsec_", "whsec_abc", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"} {
		if Check(bad) == nil {
			t.Errorf("Check(%q) accepted it", bad)
		}
	}
}

// Existing reads the secret there is and never makes one.
func TestExisting(t *testing.T) {
	t.Parallel()
	s := Store{Dir: filepath.Join(t.TempDir(), "webhook-tool")}
	if v := s.Existing(); v != "" {
		t.Fatalf("Existing with no file = %q", v)
	}
	if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
		t.Fatalf("Existing made the file: %v", err)
	}
	sec, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Existing(); v != sec.Value {
		t.Errorf("Existing = %q, want %q", v, sec.Value)
	}
	if err := os.WriteFile(s.Path(), []byte("not a secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if v := s.Existing(); v != "" {
		t.Errorf("Existing over a corrupt file = %q", v)
	}
}
