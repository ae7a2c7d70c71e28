package fastpath_test

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
)

// formatCases are, per format with a hand-written check, strings it must
// prove (common) and strings where it must agree with v5 or leave them to
// it (tricky).
var formatCases = map[string]struct{ common, tricky []string }{
	"date-time": {
		common: []string{
			"2025-03-07T02:50:00Z", "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "0000-02-29T12:00:00Z",
			"2025-12-03T16:48:31.123Z", "2025-12-03T16:48:31+05:30", "2025-12-03T16:48:31-00:00",
			"2025-12-03T16:48:31.123456789-08:00", "9999-12-31T23:59:59Z", "2025-04-30T00:00:00+23:59",
		},
		tricky: []string{
			"", "2025-03-07", "2025-03-07T02:50:00", "2016-12-31T23:59:60Z", "2025-12-03T23:59:60Z",
			"2025-12-31T18:59:60-05:00", "2025-12-31T23:59:60+00:00", "2025-12-31T23:59:60-00:00",
			"2025-12-03t16:48:31z", "2025-12-03T16:48:31z", "2025-12-03t16:48:31Z", "2025-12-03 16:48:31Z",
			"2025-12-03T16:48:31.Z", "2025-12-03T16:48:31.", "2025-12-03T16:48:31.1", "2025-12-03T16:48:31,5Z",
			"2023-02-29T10:00:00Z", "1900-02-29T10:00:00Z", "2100-02-29T10:00:00Z", "2025-04-31T10:00:00Z",
			"2025-13-01T10:00:00Z", "2025-00-01T10:00:00Z", "2025-01-00T10:00:00Z", "2025-01-32T10:00:00Z",
			"2025-12-03T24:00:00Z", "2025-12-03T23:60:00Z", "2025-12-03T23:59:61Z", "2025-12-03T16:48:31+24:00",
			"2025-12-03T16:48:31+23:60", "2025-12-03T16:48:31+2:00", "2025-12-03T16:48:31+05:3",
			"2025-12-03T16:48:31+0530", "2025-12-03T16:48:31 +05:30", "2025-12-03T16:48:31Z ",
			" 2025-12-03T16:48:31Z", "2025-12-03T16:48:31Z\n", "2025-1-03T16:48:31Z", "25-12-03T16:48:31Z",
			"+025-12-03T16:48:31Z", "-025-12-03T16:48:31Z", "20251-12-03T16:48:31Z", "2025-12-03T+6:48:31Z",
			"2025-12-03T16:+8:31Z", "2025-12-03T16:48:+1Z", "2025-+2-03T16:48:31Z", "２025-12-03T16:48:31Z",
			"٢٠٢٥-12-03T16:48:31Z", "2025-12-03T16:48:31ZZ", "2025-12-03T16:48:31.123+05:30Z",
			"2025-12-03T16:48:31.123 Z", "2025-12-03T16:48:31.١Z", "2025/12/03T16:48:31Z", "2025-12-03T16-48-31Z",
		},
	},
	"uri": {
		common: []string{
			"https://pa.example.com/webhooks/callback/8833ebb8-2730-a529-3b6a-774d413fdcd2",
			"http://localhost:8080/cb", "https://example.com", "https://example.com/", "https://host/a%20b",
			"https://host?q=1&r=2", "https://host#frag", "https://host/p?q=a:b@c#f/g?h", "HTTPS://HOST/X",
			"h+t.p-s://host/x", "https://_host~x.example/", "https://host/(a)!$&'*+,;=",
		},
		tricky: []string{
			"", "http://[::1]:8080/x", "http://[zz]/x", "http://[127.0.0.1]/", "/relative/path", "//host/path",
			"mailto:a@example.com", "urn:x", "%zz", "https://exa mple.com", "http://a b", "https://host/a b",
			"https://host/a%2", "https://host/a%zz", "https://host/a%", "https://host?%zz", "https://host#%zz",
			"https://host:/x", "https://host:80a/x", "https://host:1:2/x", "https://host::80/x",
			"https://host:99999999/x", "https://user@host/", "https://user:pw@host/", "https://@host/",
			"example.com/path", "https://", "https:///path", "https:/host", "https:host", "https://host/\\x",
			"1http://host", "+http://host", "ht_tp://host", "https://host/ü", "https://hōst/", "https://host/\t",
			"https://host/\x7f", "https://ho\x00st/", "https://host/<a>", "https://host/{a}|^`", "https://host%41/",
			"https://ho%41st/", "http://a..b/", "http://-a/", "https://host/p#a#b", "https://host/p?",
			"https://host?a?b", "https://host/ ", " https://host/", "https://host:8080", "https://host:0/",
			"https://[::1]/", "https://[fe80::1%25en0]/", "https://host[/", "https://host]/", "*",
		},
	},
	"email": {
		common: []string{
			"jane.doe@example.com", "a@b", "a+tag@example.com", "a!#$%&'*+/=?^_`{|}~-@example.com",
			"first.m.last@sub-domain.example.co", strings.Repeat("a", 64) + "@example.com",
			"a@" + strings.Repeat("b", 63) + ".com",
		},
		tricky: []string{
			"", "a", "@example.com", "a@", "a@[127.0.0.1]", "a@[300.0.0.1]", "a@[IPv6:::1]", "a@[IPv6:zz]",
			"a..b@example.com", ".a@example.com", "a.@example.com", "\"quoted\"@example.com", "\"\"@example.com",
			strings.Repeat("a", 65) + "@example.com", "a@-example.com", "a@example-.com", "a@ex-ample.com",
			"a@example.com.", "a@example..com", "a@.example.com", "a@@example.com", "a@b@example.com",
			"a b@example.com", " a@example.com", "a@example.com ", "a@example.com\n", "a(comment)@example.com",
			"a@example.com (comment)", "a@example.com (unclosed", "Jane <a@example.com>", "<a@example.com>",
			"ü@example.com", "a@exämple.com", "a@" + strings.Repeat("b", 64) + ".com", "a@b_c.com",
			"a@" + strings.Repeat("b.", 126) + "c", "a@" + strings.Repeat("b.", 127) + "c",
			strings.Repeat("a", 64) + "@" + strings.Repeat("b.", 94) + "cc", "a\\b@example.com", "a,b@example.com",
			"group: a@example.com;", "a@123", "a@1.2.3.4", "a@example.com.b-", "-a@example.com",
		},
	},
}

// agreeWithV5 fails the test when a hand-written check proves s but v5's
// own function for the format rejects it.
func agreeWithV5(t *testing.T, name, s string) bool {
	t.Helper()
	quick := fastpath.QuickFormats[name]
	if quick(s) && !jsonschema.Formats[name](s) {
		t.Fatalf("the hand-written %s check passes %q; v5 does not", name, s)
	}
	return quick(s)
}

func TestQuickFormatsAgreeWithV5(t *testing.T) {
	t.Parallel()
	names := make([]string, 0, len(fastpath.QuickFormats))
	for name := range fastpath.QuickFormats {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cases, ok := formatCases[name]
		if !ok {
			t.Fatalf("no cases for the hand-written %s check", name)
		}
		for _, s := range cases.common {
			if !agreeWithV5(t, name, s) {
				t.Errorf("the hand-written %s check leaves the common %q to v5", name, s)
			}
		}
		for _, s := range cases.tricky {
			agreeWithV5(t, name, s)
		}
		// v5's functions pass whatever is not a string, and the fast path
		// relies on that without asking them.
		for _, v := range []any{nil, true, false, json.Number("1"), json.Number("1.5")} {
			if !jsonschema.Formats[name](v) {
				t.Errorf("v5's %s function fails %v", name, v)
			}
		}
	}
}

// formatAlphabet is what mutateFormat puts into a string: the bytes the
// formats give meaning to, and some they do not allow.
const formatAlphabet = "0123456789:-+.TtZz@[]%/?#_~ \t\x00azAZ\\\"()<>é٢"

// TestQuickFormatsAgreeWithV5Mutated mutates the common strings of each
// format at random and holds the hand-written checks to v5 on each.
func TestQuickFormatsAgreeWithV5Mutated(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 9))
	n := 40000
	if testing.Short() {
		n = 4000
	}
	names := make([]string, 0, len(formatCases))
	for name := range formatCases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cases := formatCases[name]
		proved := 0
		for i := 0; i < n; i++ {
			b := []byte(cases.common[r.IntN(len(cases.common))])
			for j := 1 + r.IntN(3); j > 0; j-- {
				b = mutateFormat(r, b)
			}
			if agreeWithV5(t, name, string(b)) {
				proved++
			}
		}
		if proved == 0 || proved == n {
			t.Errorf("%s: %d of %d mutated strings proved: the mutations miss one verdict", name, proved, n)
		}
	}
}

// mutateFormat replaces, inserts or deletes one byte or rune of b, or
// swaps a digit for another.
func mutateFormat(r *rand.Rand, b []byte) []byte {
	alphabet := []rune(formatAlphabet)
	c := string(alphabet[r.IntN(len(alphabet))])
	at := r.IntN(len(b) + 1)
	switch r.IntN(4) {
	case 0: // insert
		return []byte(string(b[:at]) + c + string(b[at:]))
	case 1: // delete
		if at < len(b) {
			return append(b[:at:at], b[at+1:]...)
		}
	case 2: // replace
		if at < len(b) {
			return []byte(string(b[:at]) + c + string(b[at+1:]))
		}
	default: // another digit where there is one: dates out of range
		for i := range b {
			if k := (at + i) % len(b); b[k] >= '0' && b[k] <= '9' {
				b[k] = byte('0' + r.IntN(10))
				break
			}
		}
	}
	return b
}
