package listener

import (
	"errors"
	"testing"
)

func TestParseAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Addr{
		"127.0.0.1:8080": {HostPort: "127.0.0.1:8080"},
		"8080":           {HostPort: "127.0.0.1:8080", PortOnly: true},
		"0":              {HostPort: "127.0.0.1:0", PortOnly: true},
		"localhost:9000": {HostPort: "localhost:9000"},
		"[::1]:9000":     {HostPort: "[::1]:9000"},
		":8080":          {HostPort: ":8080", AllInterfaces: true},
		"0.0.0.0:8080":   {HostPort: "0.0.0.0:8080", AllInterfaces: true},
		"[::]:8080":      {HostPort: "[::]:8080", AllInterfaces: true},
	} {
		got, err := ParseAddr(in)
		if err != nil || got != want {
			t.Errorf("ParseAddr(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for in, suggest := range map[string]string{
		"localhost":              "localhost:8080",
		"http://127.0.0.1:9000/": "127.0.0.1:9000",
		"https://localhost":      "localhost:443",
		"127.0.0.1:99999":        "",
		"127.0.0.1:http":         "",
		"":                       "",
	} {
		_, err := ParseAddr(in)
		var ae *AddrError
		if !errors.As(err, &ae) || ae.Suggest != suggest {
			t.Errorf("ParseAddr(%q) = %v (%+v), want an AddrError suggesting %q", in, err, ae, suggest)
		}
	}
	if DefaultAddr != "127.0.0.1:8080" {
		t.Errorf("DefaultAddr = %q: send's default --to must match it", DefaultAddr)
	}
}
