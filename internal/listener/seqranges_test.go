package listener

import "testing"

func TestSeqRanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seqs []int64
		want string
	}{
		{[]int64{2}, "2"},
		{[]int64{6, 7, 8, 9, 65}, "6-9,65"},
		{[]int64{1, 3, 4, 10, 11, 12, 14}, "1,3-4,10-12,14"},
	} {
		if got := seqRanges(tc.seqs); got != tc.want {
			t.Errorf("seqRanges(%v) = %q, want %q", tc.seqs, got, tc.want)
		}
	}
}
