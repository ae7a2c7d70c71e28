package listener

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultAddr is where listen listens unless told otherwise; send delivers
// there by default.
const DefaultAddr = "127.0.0.1:8080"

// Addr is a --addr value as listen reads it.
type Addr struct {
	HostPort string // what to listen on, HOST:PORT
	// PortOnly is set when the value was a bare port ("8080"), taken as
	// 127.0.0.1:8080: on this machine only, like the default.
	PortOnly bool
	// AllInterfaces is set for ":8080", "0.0.0.0:8080" or "[::]:8080":
	// other machines can reach the listener.
	AllInterfaces bool
}

// AddrError is a --addr value that is not HOST:PORT; Suggest, when set, is
// the value that was probably meant.
type AddrError struct {
	Value, Reason, Suggest string
}

func (e *AddrError) Error() string { return fmt.Sprintf("invalid --addr %q: %s", e.Value, e.Reason) }

// ParseAddr reads a --addr value: HOST:PORT, or a bare port for
// 127.0.0.1:PORT. Port 0 picks a free port.
func ParseAddr(s string) (Addr, error) {
	v := strings.TrimSpace(s)
	if isPort(v) {
		return Addr{HostPort: net.JoinHostPort("127.0.0.1", v), PortOnly: true}, nil
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		return Addr{}, &AddrError{Value: s, Reason: "give HOST:PORT, not a URL", Suggest: hostPortOf(u)}
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		e := &AddrError{Value: s, Reason: "want HOST:PORT, e.g. " + DefaultAddr}
		if v != "" && !strings.ContainsAny(v, ":/ ") {
			e.Reason, e.Suggest = "it has no port", net.JoinHostPort(v, "8080")
		}
		return Addr{}, e
	}
	if !isPort(port) {
		return Addr{}, &AddrError{Value: s, Reason: fmt.Sprintf("port %q is not a number from 0 to 65535", port)}
	}
	a := Addr{HostPort: v}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		a.AllInterfaces = true
	}
	return a, nil
}

func isPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535 && s != "" && s[0] != '+' && s[0] != '-'
}

func hostPortOf(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if strings.EqualFold(u.Scheme, "https") {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}
