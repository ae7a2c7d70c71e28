package samples

import (
	"fmt"
	"strings"
)

// PassedOver says what was passed over and why, "" when nothing was:
// "3 callbacks, 1 duplicate, 2 lines that are not records".
func (s Stats) PassedOver() string {
	var parts []string
	add := func(n int64, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(s.Callbacks, "callback", "callbacks")
	add(s.Execs, "exec run", "exec runs")
	add(s.Duplicates, "duplicate delivery", "duplicate deliveries")
	add(s.Refused, "refused request (no whole body)", "refused requests (no whole body)")
	add(s.Older, "delivery before --since", "deliveries before --since")
	add(s.NotRecords, "line that is not a record", "lines that are not records")
	return strings.Join(parts, ", ")
}

// Read says what was read: "120 deliveries from 2 record files, 3 files".
func (s Stats) Read() string {
	var parts []string
	if s.Deliveries > 0 || s.Files == 0 {
		parts = append(parts, plural(s.Deliveries, "recorded delivery", "recorded deliveries"))
	}
	if s.Files > 0 {
		parts = append(parts, plural(s.Files, "payload file", "payload files"))
	}
	return strings.Join(parts, " and ")
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
