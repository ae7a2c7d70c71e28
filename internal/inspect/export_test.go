package inspect

// SetTailBytes makes OpenFile index only the last n bytes before it
// returns; the returned func restores the default.
func SetTailBytes(n int64) func() {
	old := tailBytes
	tailBytes = n
	return func() { tailBytes = old }
}
