package callback

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckBase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, want, hint string }{
		{"", "", ""},
		{"http://127.0.0.1:8080/webhooks/callback/", "", ""},
		{"https://hooks.example.com/cb/{id}/reply", "", ""},
		{"http://host.docker.internal:9999/webhooks/callback/", "", ""},
		{"127.0.0.1:8080/webhooks/callback/", "it has no http:// or https://", "did you mean --callback-base http://127.0.0.1:8080/webhooks/callback/?"},
		{"ftp://example.com/cb/", `the scheme is "ftp"`, "give a URL such as"},
		{"http:///cb/", "it has no host", "give a URL such as"},
		{"http://example.com/cb/#x", "a fragment", "give a URL such as"},
		{"http://example.com/{id}/{id}", "{id} may appear once", "give a URL such as"},
		{"http://exa mple.com/", "invalid --callback-base", "give a URL such as"},
	} {
		err := CheckBase(tc.base)
		var be *BaseError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.base, err)
		case tc.want != "" && (!errors.As(err, &be) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(be.Hint(), tc.hint)):
			t.Errorf("%q: got %v, want %q with hint %q", tc.base, err, tc.want, tc.hint)
		}
	}
}

func TestBasePath(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{
		"http://h:1/webhooks/callback/":      "/webhooks/callback/",
		"https://h":                          "/",
		"https://h/cb/{id}/reply":            "/cb/{id}/reply",
		"https://h/x-webhook-tool-id/{id}/r": "/x-webhook-tool-id/{id}/r",
	} {
		if got := basePath(base); got != want {
			t.Errorf("basePath(%q) = %q, want %q", base, got, want)
		}
	}
}
