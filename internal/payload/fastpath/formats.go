package fastpath

import "encoding/binary"

// Hand-written checks for the formats the bundled schemas use, and for
// their GUID pattern. v5's own format functions parse with time.Parse,
// net/url and net/mail, and allocate; most of a payload's format checks
// are of one plain shape. Each check here reports true only for strings
// it can prove v5's function accepts (see v5's format.go); false means
// "don't know", and evalFormat then asks v5's function as before. So a
// check may be as narrow as it likes, never wider.
// TestQuickFormatsAgreeWithV5 and the fuzz target hold each to v5's
// function; TestGUIDCheckEveryByte holds isGUID to the pattern.

// quickFormats are the hand-written checks by format name.
var quickFormats = map[string]func(string) bool{
	"date-time": quickDateTime,
	"email":     quickEmail,
	"uri":       quickURI,
}

// quickDateTime accepts the RFC 3339 date-times v5's isDateTime accepts
// in their usual shape: 2025-03-07T02:50:00Z, with an optional fraction
// of a second and an upper-case Z or a numeric offset. Anything else (a
// lower-case t or z, a leap second, a short or long field, a non-ASCII
// digit) is left to v5.
func quickDateTime(s string) bool {
	// yyyy-mm-ddThh:mm:ss
	// 0123456789012345678
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := digits4(s[0], s[1], s[2], s[3])
	month, ok2 := digits2(s[5], s[6])
	day, ok3 := digits2(s[8], s[9])
	hour, ok4 := digits2(s[11], s[12])
	minute, ok5 := digits2(s[14], s[15])
	sec, ok6 := digits2(s[17], s[18])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return false
	}
	// time.Parse's checks of "2006-01-02"; v5's isTime's ranges, without
	// second 60, whose verdict depends on the offset.
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	if rest == "Z" {
		return true
	}
	// +hh:mm or -hh:mm: v5 checks hh ≤ 23 and mm ≤ 59, and uses the
	// offset only to place a leap second.
	if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return false
	}
	zh, ok1 := digits2(rest[1], rest[2])
	zm, ok2 := digits2(rest[4], rest[5])
	return ok1 && ok2 && zh <= 23 && zm <= 59
}

func digits2(a, b byte) (int, bool) {
	return int(a-'0')*10 + int(b-'0'), isDigit(a) && isDigit(b)
}

func digits4(a, b, c, d byte) (int, bool) {
	hi, ok1 := digits2(a, b)
	lo, ok2 := digits2(c, d)
	return hi*100 + lo, ok1 && ok2
}

// daysIn is the length of month in year, leap years as the time package
// counts them (year 0 is one).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// quickEmail accepts the plain addresses v5's isEmail accepts: a dot-atom
// local part of at most 64 bytes from ASCII letters, digits and RFC 5322's
// other atext symbols, an "@", and a host name of letter, digit and hyphen
// labels, 254 bytes in all. Such an address passes v5's host name rules
// and is one net/mail takes whole as an addr-spec. Quoted local parts,
// address literals, comments, spaces and non-ASCII are left to v5.
func quickEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '@' {
			at = i
			break
		}
	}
	if at < 1 || at > 64 {
		return false
	}
	return dotAtom(s[:at], isAtextByte) && dotAtom(s[at+1:], isLabelByte) && labelsOK(s[at+1:])
}

// dotAtom reports whether s is runs of bytes that pass ok, separated by
// single dots, with no dot first or last.
func dotAtom(s string, ok func(byte) bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			if s[i-1] == '.' {
				return false
			}
		} else if !ok(s[i]) {
			return false
		}
	}
	return true
}

// labelsOK applies v5's host name rules to a dot-atom of label bytes: at
// most 253 bytes, labels of at most 63, none ending with a hyphen and the
// name not starting with one.
func labelsOK(host string) bool {
	if len(host) > 253 || host[0] == '-' {
		return false
	}
	start := 0
	for i := 0; i <= len(host); i++ {
		if i == len(host) || host[i] == '.' {
			if i-start > 63 || host[i-1] == '-' {
				return false
			}
			start = i + 1
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isAlnum(c byte) bool { return isLetter(c) || isDigit(c) }

func isLabelByte(c byte) bool { return isAlnum(c) || c == '-' }

// isAtextByte is RFC 5322's atext in ASCII, as net/mail's isAtext has it:
// a printable character that is not a special.
func isAtextByte(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~':
		return true
	}
	return false
}

// quickURI accepts the absolute URIs v5's isURI accepts in the usual
// shape scheme://host[:port][/path][?query][#fragment]: a scheme, a host
// name of ASCII letters, digits and "-._~" with at most a port of digits
// after it, and after it only RFC 3986's path, query and fragment
// characters with every "%" starting an escape of two hex digits. For
// such a string net/url.Parse finds that scheme, that host and no error,
// and the host has no colon for v5's IPv6 check. User info, IP literals,
// opaque forms like mailto:, spaces, control bytes and non-ASCII are left
// to v5.
func quickURI(s string) bool {
	// A scheme starts with a letter (net/url's getScheme).
	if s == "" || !isLetter(s[0]) {
		return false
	}
	i := 1
	for i < len(s) && (isAlnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') {
		i++
	}
	if len(s)-i < 4 || s[i:i+3] != "://" {
		return false
	}
	i += 3
	host := i
	for i < len(s) && (isAlnum(s[i]) || s[i] == '-' || s[i] == '.' || s[i] == '_' || s[i] == '~') {
		i++
	}
	if i == host {
		return false
	}
	if i < len(s) && s[i] == ':' {
		i++
		port := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == port {
			return false
		}
	}
	if i < len(s) && s[i] != '/' && s[i] != '?' && s[i] != '#' {
		return false
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case !isURIByte(c):
			return false
		}
	}
	return true
}

// isURIByte is RFC 3986's unreserved, sub-delims, ":", "@", "/", "?" and
// "#": the bytes of a path, query and fragment besides escapes.
func isURIByte(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '/', '?', '#':
		return true
	}
	return false
}

// guidPattern is the bundled schemas' GUID pattern, checked by hand.
const guidPattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	// Five words, the last two overlapping: the dashes are bytes 8, 13,
	// 18 and 23, that is bytes 0 and 5 of the second word and 2 and 7 of
	// the third.
	const dashes1, dashes2 = 0x80<<0 | 0x80<<40, 0x80<<16 | 0x80<<56
	return hexBytes(le64(s[0:8])) == highs &&
		hexBytes(le64(s[8:16])) == highs&^dashes1 && dashBytes(le64(s[8:16])) == dashes1 &&
		hexBytes(le64(s[16:24])) == highs&^dashes2 && dashBytes(le64(s[16:24])) == dashes2 &&
		hexBytes(le64(s[24:32])) == highs && hexBytes(le64(s[28:36])) == highs
}

func le64(s string) uint64 { return binary.LittleEndian.Uint64([]byte(s)) }

// hexBytes returns the high bit of each byte of x that is a hex digit.
// Each test adds to 7-bit bytes, which cannot carry into the next byte;
// a byte from 0x80 up is none.
func hexBytes(x uint64) uint64 {
	low := x &^ highs
	lower := low | ones*0x20 // 'A'-'F' to 'a'-'f'; digits have the bit
	digit := (low + ones*(0x80-'0')) &^ (low + ones*(0x80-'9'-1))
	letter := (lower + ones*(0x80-'a')) &^ (lower + ones*(0x80-'f'-1))
	return (digit | letter) &^ x & highs
}

// dashBytes returns the high bit of each byte of x that is '-'.
func dashBytes(x uint64) uint64 {
	low := x &^ highs
	return (low + ones*(0x80-'-')) &^ (low + ones*(0x80-'-'-1)) &^ x & highs
}
