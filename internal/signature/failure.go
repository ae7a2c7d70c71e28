package signature

import (
	"fmt"
	"strconv"
)

// FailureKind says why a verification failed, for callers that branch on it
// (exit codes, counters, JSON output). The zero value means no failure.
type FailureKind int

// The failure kinds. Their String forms are stable: they appear in JSON.
const (
	NoFailure       FailureKind = iota // valid
	UnknownScheme                      // VerifyOptions.Scheme is not a scheme this package knows
	NoSecret                           // a scheme that needs a secret was given none
	InvalidSecret                      // a configured secret cannot be used (a whsec_ secret that is not base64)
	MissingHeader                      // a header the scheme needs is absent, or the request is unsigned
	MalformedHeader                    // a header is present but cannot be parsed
	StaleTimestamp                     // the signed timestamp is older than the tolerance
	FutureTimestamp                    // the signed timestamp is further ahead than the tolerance
	NoMatch                            // the header is well formed but no signature matched any secret
)

var kindNames = [...]string{
	NoFailure:       "none",
	UnknownScheme:   "unknown_scheme",
	NoSecret:        "no_secret",
	InvalidSecret:   "invalid_secret",
	MissingHeader:   "missing_header",
	MalformedHeader: "malformed_header",
	StaleTimestamp:  "stale_timestamp",
	FutureTimestamp: "future_timestamp",
	NoMatch:         "no_match",
}

// String returns the kind in snake_case, as JSON output spells it.
func (k FailureKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "FailureKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText makes a FailureKind encode as its name in JSON.
func (k FailureKind) MarshalText() ([]byte, error) {
	return []byte(k.String()), nil
}

// UnmarshalText reads a name MarshalText wrote, so a recorded verdict can
// be read back (replay, tests).
func (k *FailureKind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if string(b) == name {
			*k = FailureKind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown signature failure kind %q", b)
}
