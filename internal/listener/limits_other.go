//go:build !unix

package listener

// fdLimit: no descriptor limit to fit (Windows sockets are handles with no
// small per-process cap); DefaultMaxConns applies.
func fdLimit() (int64, bool) { return 0, false }
