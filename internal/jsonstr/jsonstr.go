// Package jsonstr writes JSON strings fast and exactly as encoding/json
// does with HTML escaping off, for the hot paths that build JSON by hand
// (listen's record lines, rendered fixtures).
//
// A delivery's body is most of a record line, and a pretty-printed JSON
// body has a '"' or '\n' to escape about every tenth byte, so the work is
// in escaping short runs: Append handles a word (8 bytes) at a time,
// stores it whole, and writes each of its escapes with two more stores
// (see appendWords). That loop reads and writes through unsafe pointers:
// with bounds checks, and the indexes they need kept in registers, it took
// half as long again. Its caller checks the bounds of a whole run once.
package jsonstr

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
	"unsafe"
)

const hexDigits = "0123456789abcdef"

// Word-at-a-time constants: a byte needs escaping when it is below 0x20, is
// '"' or '\\', or starts a multi-byte sequence (0x80 and up), which must be
// checked for invalid UTF-8 and U+2028/U+2029.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// A word's step reads up to window bytes of s from the word's start (a
// special byte's 8 followers included), and writes up to wordOut bytes of
// output plus up to room past where its output starts.
const (
	window  = 16
	wordOut = 16
	room    = 32
)

// short is the length under which a string is escaped from a copy padded
// with bytes copied as they are (padding), as are the last bytes of a
// longer one: a word may start at any of them and read a window.
const short = 2 * window

var padding = [short + window]byte{
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
}

// shortEscape is, for each byte, the letter of its two-byte escape ('"'
// for '"', 'n' for '\n'...), or 0 when it has none: it is copied, is
// another control character (\u00XX), or is not ASCII.
var shortEscape = [256]byte{
	'"': '"', '\\': '\\', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't',
}

// SpecialBytes returns a mask with the high bit set in each byte of the 8
// in x (little-endian: the first is the lowest) that is '"', '\\', below
// 0x20 or not ASCII, and in no other: the bytes a JSON string's writer must
// escape or check, and its reader must look at (the end, an escape, an
// error, a multi-byte sequence). Zero means all 8 are plain.
func SpecialBytes(x uint64) uint64 {
	// On the low 7 bits of each byte no sum carries into the next byte:
	// the high bit of a sum is clear exactly when the byte is below 0x20,
	// is '"', or is '\\'.
	lo := x & (ones * 0x7f)
	ctl := lo + ones*0x60
	quo := (lo ^ ones*'"') + ones*0x7f
	bsl := (lo ^ ones*'\\') + ones*0x7f
	return (x | ^(ctl & quo & bsl)) & highs
}

// Append writes s as a JSON string the way encoding/json does with
// HTML escaping off: '"', '\\' and control characters escaped (\b \f \n \r
// \t short, the rest \u00XX), invalid UTF-8 replaced by \ufffd, and U+2028
// and U+2029 escaped. Like append, it may write anywhere in dst's spare
// capacity.
func Append[S []byte | string](dst []byte, s S) []byte {
	return appendString(dst, view(s))
}

// view is s as a string without a copy: Append only reads it.
func view[S []byte | string](s S) string {
	if b, ok := any(s).([]byte); ok {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(s)
}

func appendString(dst []byte, s string) []byte {
	n := len(s)
	// A guess that fits pretty-printed JSON: about one byte in ten gains
	// a backslash. Denser escapes grow d again.
	d := slices.Grow(dst, n+n>>3+2+room)
	j := len(d)
	d = d[:cap(d)]
	d[j] = '"'
	j++
	i := 0
	if n >= short {
		d, j, i = appendRun(d, j, s, 0, n-window+1)
	}
	buf := padding
	r := copy(buf[:], s[i:])
	if len(d)-j < room {
		d = grow(d, j, r)
	}
	w0 := binary.LittleEndian.Uint64(buf[0:8])
	w1 := binary.LittleEndian.Uint64(buf[8:16])
	w2 := binary.LittleEndian.Uint64(buf[16:24])
	w3 := binary.LittleEndian.Uint64(buf[24:32])
	if SpecialBytes(w0)|SpecialBytes(w1)|SpecialBytes(w2)|SpecialBytes(w3) == 0 {
		// Most short strings (a method, a header) have nothing to escape.
		w := (*[room]byte)(d[j : j+room])
		binary.LittleEndian.PutUint64(w[0:8], w0)
		binary.LittleEndian.PutUint64(w[8:16], w1)
		binary.LittleEndian.PutUint64(w[16:24], w2)
		binary.LittleEndian.PutUint64(w[24:32], w3)
		j += r
	} else {
		// buf does not escape: appendRun only reads it.
		var tail int
		d, j, tail = appendRun(d, j, unsafe.String(&buf[0], len(buf)), 0, r)
		j -= tail - r // the padding copied past the end
	}
	d[j] = '"'
	return d[:j+1]
}

// appendRun writes the escaped form of s from i at d[j:] while i < end (s
// holds a window from each i before end), growing d as it needs. It
// returns d, and where it stopped in d and s: at end or up to a word past
// it.
func appendRun(d []byte, j int, s string, i, end int) ([]byte, int, int) {
	for i < end {
		// Take as many words as d has room for, and grow it when that is
		// only a few.
		need := (end - i + 7) / 8
		words := min(need, (len(d)-j-room)/wordOut)
		if words < need && words < 8 {
			d = grow(d, j, max(end-i+(end-i)>>3, 8*wordOut))
			continue
		}
		var slow bool
		j, i, slow = appendWords(d, j, s, i, words)
		if slow {
			i, j = escapeOne(d, j, s, i)
		}
	}
	return d, j, i
}

// appendWords writes words words (8 bytes each) of s from i, escaped, at
// d[j:]. It returns where it stopped in d and s, and whether it stopped
// early, at a byte it leaves to escapeOne.
//
// Each word is stored whole. For each special byte in it with a two-byte
// escape, in order, the escape is stored where the byte goes and the 8
// bytes after it are stored again after the escape: a word costs one load
// and one store, a special byte two stores, and none of them waits for a
// copy or a check for room.
func appendWords(d []byte, j int, s string, i, words int) (int, int, bool) {
	if words <= 0 {
		return j, i, false
	}
	// Every read below is within a window of a word start, every write
	// within room of where a word's output starts, and a word's output is
	// at most wordOut: these two checks bound them all.
	_ = s[i+8*(words-1)+window-1]
	_ = d[j+wordOut*(words-1)+room-1]
	src := unsafe.Pointer(unsafe.StringData(s[i:]))
	out := unsafe.Pointer(&d[j])
	start := out
	for w := 0; w < words; w++ {
		x := *(*uint64)(src)
		*(*uint64)(out) = x
		for m := SpecialBytes(x); m != 0; m &= m - 1 {
			k := uintptr(bits.TrailingZeros64(m) >> 3)
			e := shortEscape[*(*byte)(unsafe.Add(src, k))]
			if e == 0 {
				done := int(uintptr(out) - uintptr(start))
				return j + done + int(k), i + 8*w + int(k), true
			}
			*(*uint16)(unsafe.Add(out, k)) = uint16(e)<<8 | '\\'
			*(*uint64)(unsafe.Add(out, k+2)) = *(*uint64)(unsafe.Add(src, k+1))
			out = unsafe.Add(out, 1)
		}
		src = unsafe.Add(src, 8)
		out = unsafe.Add(out, 8)
	}
	return j + int(uintptr(out)-uintptr(start)), i + 8*words, false
}

// grow returns d (of which d[:j] is written) with room for rest more
// bytes and a word's step, at its full capacity.
func grow(d []byte, j, rest int) []byte {
	d = slices.Grow(d[:j], rest+room)
	return d[:cap(d)]
}

// escapeOne writes s[i], a control character without a short escape or
// the start of a multi-byte sequence, at d[j:], which has room for it,
// and returns the indexes past it in s and d.
func escapeOne(d []byte, j int, s string, i int) (int, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		d[j] = '\\'
		d[j+1] = 'u'
		d[j+2] = '0'
		d[j+3] = '0'
		d[j+4] = hexDigits[b>>4]
		d[j+5] = hexDigits[b&0xF]
		return i + 1, j + 6
	}
	c, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case c == utf8.RuneError && size == 1:
		return i + 1, j + copy(d[j:], `\ufffd`)
	case c == '\u2028' || c == '\u2029':
		d[j] = '\\'
		d[j+1] = 'u'
		d[j+2] = '2'
		d[j+3] = '0'
		d[j+4] = '2'
		d[j+5] = hexDigits[c&0xF]
		return i + size, j + 6
	}
	return i + size, j + copy(d[j:], s[i:i+size])
}
