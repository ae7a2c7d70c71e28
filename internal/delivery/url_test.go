package delivery

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://pa.example.com/webhooks/callback/abc", "http://127.0.0.1:8080/x", "HTTP://[::1]:9/"} {
		if _, err := CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"pa.example.com/webhooks/callback/abc": "it has no scheme",
		"Provisioning complete.":               "it has no scheme",
		"ftp://example.com/x":                  `the scheme must be http or https, not "ftp"`,
		"file:///etc/passwd":                   `not "file"`,
		"https://":                             "it has no host",
		"http://:8080/":                        "it has no host",
		"http://bad host/":                     "it is not a URL",
		"http://127.0.0.1:99999/":              "port 99999 is out of range",
	} {
		_, err := CheckURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckURL(%q) = %v, want it to mention %q", in, err, want)
		}
	}
}

func TestWithoutScheme(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"127.0.0.1:8080":          "http://127.0.0.1:8080",
		"localhost:8080/hook":     "http://localhost:8080/hook",
		"localhost/hook":          "http://localhost/hook",
		"LOCALHOST:3000":          "http://LOCALHOST:3000",
		"[::1]:9000/x?y=1":        "http://[::1]:9000/x?y=1",
		"10.0.0.5/webhooks":       "http://10.0.0.5/webhooks",
		"app.internal:3000/hooks": "http://app.internal:3000/hooks",
		":8080/":                  "http://127.0.0.1:8080/",
	} {
		got, ok := WithoutScheme(in)
		if !ok || got != want {
			t.Errorf("WithoutScheme(%q) = %q, %v; want %q", in, got, ok, want)
		}
		if _, err := CheckURL(got); err != nil {
			t.Errorf("CheckURL(%q) = %v", got, err)
		}
	}
	for _, in := range []string{"", "http://127.0.0.1:8080", "pa.example.com/webhooks", "delivery.json",
		"Provisioning complete.", "localhost:99999", "host:port", "a b:80", `c:\hooks`, "[::1/x"} {
		if got, ok := WithoutScheme(in); ok {
			t.Errorf("WithoutScheme(%q) = %q, want no guess", in, got)
		}
	}
}
