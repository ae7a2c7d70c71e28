package input

import "testing"

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"65536": 65536, "64K": 65536, "64kb": 65536, "64KiB": 65536, "1M": 1 << 20, "1 MB": 1 << 20, "10B": 10, "2g": 2 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "lots", "1TB", "99999999G", "1.5MB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) succeeded", in)
		}
	}
	for _, n := range []int64{64 << 10, 1 << 20, 1000} {
		if got, err := ParseSize(FormatSize(n)); err != nil || got != n {
			t.Errorf("FormatSize(%d) = %q does not read back", n, FormatSize(n))
		}
	}
}
