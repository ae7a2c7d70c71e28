// Package suggest finds the name a person probably meant when they typed one
// that does not exist: a command, a fixture, a schema, a payload path. It
// owns the edit distance every "did you mean" of the tool is based on.
package suggest

import "strings"

// Closest returns the candidate nearest to word, or "" when none is near
// enough or two are equally near. Case and the separators people mix up
// (-, _, space) do not count as differences; otherwise a candidate may be at
// most a quarter of word's length away in edits (at least 1, at most 3), so a
// short word is not "corrected" into an unrelated one.
func Closest(word string, candidates []string) string {
	norm := normalize(word)
	limit := min(max(len(norm)/4, 1), 3)
	best, bestD, tie := "", limit+1, false
	for _, c := range candidates {
		nc := normalize(c)
		if nc == norm {
			return c
		}
		switch d := Distance(norm, nc); {
		case d < bestD:
			best, bestD, tie = c, d, false
		case d == bestD && c != best:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// normalize folds case and treats -, _ and space alike.
func normalize(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(s))
}

// Distance is the Damerau-Levenshtein distance (optimal string alignment)
// between a and b in bytes: insertions, deletions, substitutions and
// swaps of two neighbours each cost one, so "actoin" is one edit from
// "action".
func Distance(a, b string) int {
	// Three rows: two back for transpositions.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
