package forwardurl_test

import (
	"net/url"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
)

func TestTarget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, prefix, req, want string }{
		{"http://127.0.0.1:3000/webhooks", "/", "/", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/", "/permit", "http://127.0.0.1:3000/webhooks/permit"},
		{"http://127.0.0.1:3000/webhooks/", "/", "/permit/users", "http://127.0.0.1:3000/webhooks/permit/users"},
		{"http://127.0.0.1:3000", "/", "/pa?source=zap", "http://127.0.0.1:3000/pa?source=zap"},
		{"http://127.0.0.1:3000/in?app=1", "/", "/?v=2", "http://127.0.0.1:3000/in?app=1&v=2"},
		{"http://127.0.0.1:3000/in?app=1", "/", "/", "http://127.0.0.1:3000/in?app=1"},
		{"http://127.0.0.1:3000/in", "/hooks/", "/hooks/", "http://127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in", "/hooks/", "/hooks", "http://127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in", "/hooks/", "/hooks/permit", "http://127.0.0.1:3000/in/permit"},
		{"http://127.0.0.1:3000/in", "/", "/a%2Fb", "http://127.0.0.1:3000/in/a%2Fb"},
		// Dot segments resolve below the forward URL's path, never above it.
		{"http://127.0.0.1:3000/webhooks", "/", "/../admin", "http://127.0.0.1:3000/webhooks/admin"},
		{"http://127.0.0.1:3000/webhooks", "/", "/%2e%2e/admin", "http://127.0.0.1:3000/webhooks/admin"},
		{"http://127.0.0.1:3000/webhooks", "/", "/.%2E/%2E./admin", "http://127.0.0.1:3000/webhooks/admin"},
		{"http://127.0.0.1:3000/webhooks", "/", "/a/b/../../../admin?v=2", "http://127.0.0.1:3000/webhooks/admin?v=2"},
		{"http://127.0.0.1:3000/webhooks", "/", "/a/./b/../c", "http://127.0.0.1:3000/webhooks/a/c"},
		{"http://127.0.0.1:3000/webhooks", "/", "/a/..", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/", "/..", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/hooks/", "/hooks/../../admin", "http://127.0.0.1:3000/webhooks/admin"},
		// An escaped slash or backslash is a separator for the dot segments
		// (an app that decodes %2F first would otherwise climb above base).
		{"http://127.0.0.1:3000/webhooks", "/", "/a%2F..%2Fb/...", "http://127.0.0.1:3000/webhooks/b/..."},
		{"http://127.0.0.1:3000/base", "/p/", "/p/..%2f..%2fetc", "http://127.0.0.1:3000/base/etc"},
		{"http://127.0.0.1:3000/base", "/", "/..%2F..%2F..%2Fetc%2Fpasswd", "http://127.0.0.1:3000/base/etc%2Fpasswd"},
		{"http://127.0.0.1:3000/base", "/", "/..%5C..%5cetc", "http://127.0.0.1:3000/base/etc"},
		{"http://127.0.0.1:3000/base", "/", "/x/%2e%2e%2f%2e%2e%2fetc", "http://127.0.0.1:3000/base/etc"},
		{"http://127.0.0.1:3000/base", "/", "/a%2Fb%2F..", "http://127.0.0.1:3000/base/a/"},
		{"http://127.0.0.1:3000/webhooks", "/", "/v1.2/x..y", "http://127.0.0.1:3000/webhooks/v1.2/x..y"},
		// A fragment is never sent.
		{"http://127.0.0.1:3000/in#frag", "/", "/", "http://127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in#frag", "/", "/x?v=2", "http://127.0.0.1:3000/in/x?v=2"},
		// The password is sent (Shown hides it).
		{"http://user:hunter2@127.0.0.1:3000/in", "/", "/x", "http://user:hunter2@127.0.0.1:3000/in/x"},
	} {
		u, err := url.Parse(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := forwardurl.Target(tc.base, tc.prefix, u); got != tc.want {
			t.Errorf("Target(%s, %s, %s) = %s, want %s", tc.base, tc.prefix, tc.req, got, tc.want)
		}
	}
}

func TestShown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"http://user:hunter2@127.0.0.1:3000/in", "http://user:xxxxx@127.0.0.1:3000/in"},
		{"http://user@127.0.0.1:3000/in", "http://user@127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in#frag", "http://127.0.0.1:3000/in"},
		{"http://u:p%40ss@127.0.0.1:3000/%zz", "(invalid URL)"},
	} {
		if got := forwardurl.Shown(tc.in); got != tc.want {
			t.Errorf("Shown(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
