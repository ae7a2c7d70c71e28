package listener_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// --ready-file: a file left by an earlier run is gone before this one is
// up; once it is, the file holds the deliveries' URL (whole: it was renamed
// into place, no temporary file is left beside it); it is removed at the
// end.
func TestRunReadyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "listen.ready")
	if err := os.WriteFile(path, []byte("http://127.0.0.1:1/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var atReady string
	cfg := listener.RunConfig{
		Config: listener.Config{Registry: registry, Output: listener.Quiet, PathPrefix: "/hooks/"},
		Addr:   "127.0.0.1:0", ReadyFile: path, Getenv: leaveGC,
	}
	ready := make(chan listener.Ready, 1)
	cfg.Ready = func(r listener.Ready) {
		b, _ := os.ReadFile(path)
		atReady = string(b)
		ready <- r
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := listener.Run(ctx, cfg)
		done <- err
	}()
	var r listener.Ready
	select {
	case r = <-ready:
	case err := <-done:
		t.Fatalf("Run returned before it was ready: %v", err)
	}
	if want := r.URL + "\n"; atReady != want || !strings.HasSuffix(r.URL, "/hooks/") {
		t.Errorf("the ready file holds %q, want %q", atReady, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want the ready file alone: %v", len(entries), entries)
	}
	resp, err := http.Post(strings.TrimSpace(atReady), "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("the URL in the ready file: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left after the run: %v", entries)
	}
}

// A ready file that could never be written stops the run before it binds.
func TestRunReadyFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ name, path, want string }{
		{"a directory", dir, "is a directory"},
		{"no such directory", filepath.Join(dir, "none", "ready"), "cannot write in the directory of"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ready bool
			_, err := listener.Run(context.Background(), listener.RunConfig{
				Config: listener.Config{Registry: registry, Output: listener.Quiet},
				Addr:   "127.0.0.1:0", ReadyFile: tc.path, Getenv: leaveGC,
				Ready: func(listener.Ready) { ready = true },
			})
			var ie *listener.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || ie.Hint == "" {
				t.Fatalf("got %v, want an InputError with %q and a hint", err, tc.want)
			}
			if ready {
				t.Error("Ready was called")
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestCheckPublicURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, hint string }{
		{"https://abc.trycloudflare.com", "", ""},
		{"http://tunnel.example:8443/base/", "", ""},
		{"abc.ngrok-free.app", "has no http:// or https://", "did you mean --public-url https://abc.ngrok-free.app?"},
		{"ftp://example.com/", `the scheme is "ftp"`, "give the URL your tunnel prints"},
		{"https:///path", "has no host", "give the URL"},
		{"https://example.com/?x=1", "query or fragment", "give the URL"},
		{"https://user:pw@example.com/", "user name or password", "give the URL"},
		{"https://exa mple.com/", "invalid --public-url", "give the URL"},
	} {
		err := listener.CheckPublicURL(tc.in)
		var ie *listener.InputError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.want != "" && (!errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(ie.Hint, tc.hint)):
			t.Errorf("%q: got %v, want %q with hint %q", tc.in, err, tc.want, tc.hint)
		case strings.Contains(tc.in, "pw") && err != nil && strings.Contains(err.Error(), "pw"):
			t.Errorf("%q: the error shows the password: %v", tc.in, err)
		}
	}
}

// --public-url: Ready says where deliveries go from outside (the --path
// prefix below it), the banner shows it and advertises the callback
// stand-in there, and the inspector offers it as the listener's URL.
func TestRunPublicURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ public, prefix, want string }{
		{"https://abc.trycloudflare.com", "/", "https://abc.trycloudflare.com/"},
		{"https://abc.trycloudflare.com/", "/hooks/", "https://abc.trycloudflare.com/hooks/"},
		{"https://abc.trycloudflare.com/hooks", "/hooks/", "https://abc.trycloudflare.com/hooks/"},
		{"https://proxy.example/tunnel/", "/hooks/", "https://proxy.example/tunnel/hooks/"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			cfg := listener.RunConfig{
				Config: listener.Config{Registry: registry, Output: listener.Quiet, PathPrefix: tc.prefix, Diag: render.NewDiag(&syncBuffer{})},
				Addr:   "127.0.0.1:0", PublicURL: tc.public,
				UI: &listener.UIConfig{Addr: "127.0.0.1:0", Given: true},
			}
			r, cancel, done := runService(t, cfg)
			defer func() { cancel(); <-done }()
			if r.Public != tc.want {
				t.Fatalf("Ready.Public %q, want %q", r.Public, tc.want)
			}
			banner := cfg.Banner(r, render.NewPalette(false))
			for _, want := range []string{"listening on " + r.URL, "public URL: " + tc.want, "callbacks: POST " + tc.want + "webhooks/callback/{id}"} {
				if !strings.Contains(banner, want) {
					t.Errorf("the banner lacks %q:\n%s", want, banner)
				}
			}
			resp, err := http.Get(r.UI + "api/info")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var info struct{ Listener string }
			if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.Listener != tc.want {
				t.Errorf("the inspector offers %q (%v), want %q", info.Listener, err, tc.want)
			}
		})
	}
	// Without it the banner advertises the local stand-in, as before.
	cfg := listener.RunConfig{Config: listener.Config{Registry: registry, Output: listener.Quiet}, Addr: "127.0.0.1:0"}
	r, cancel, done := runService(t, cfg)
	defer func() { cancel(); <-done }()
	if b := cfg.Banner(r, render.NewPalette(false)); r.Public != "" || strings.Contains(b, "public URL") || !strings.Contains(b, "callbacks: POST "+r.URL+"webhooks/callback/{id}") {
		t.Errorf("ready %+v, banner:\n%s", r, b)
	}
}

// A --public-url that is no URL stops the run before it binds.
func TestRunPublicURLInvalid(t *testing.T) {
	t.Parallel()
	_, err := listener.Run(context.Background(), listener.RunConfig{
		Config: listener.Config{Registry: registry, Output: listener.Quiet},
		Addr:   "127.0.0.1:0", PublicURL: "abc.trycloudflare.com", Getenv: leaveGC,
	})
	var ie *listener.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an InputError", err)
	}
}
