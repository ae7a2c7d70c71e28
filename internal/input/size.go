package input

import (
	"errors"
	"strconv"
	"strings"
)

// sizeUnits are the suffixes ParseSize reads. K, M and G are 1024-based
// however they are written (KB, KiB), as in every size flag of this tool.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
	{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

// maxSize bounds every size flag: nothing this tool reads needs more.
const maxSize = 1 << 40

// ParseSize reads a byte count for a size flag: 65536, 64K, 64KB, 64KiB,
// 1M, 1 MB, 1MiB, 1G. It must be more than zero.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	switch {
	case err != nil:
		return 0, errors.New("not a size: write a number with an optional unit, like 65536, 64KB or 1MB")
	case n <= 0:
		return 0, errors.New("the size must be more than 0")
	case n > maxSize/mult:
		return 0, errors.New("the size is too large")
	}
	return n * mult, nil
}

// FormatSize prints a byte count the way ParseSize reads it back.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10) + "B"
}
