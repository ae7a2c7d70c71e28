//go:build !unix

package main

import "net"

// holdDeadPort: off Unix, a port that was free a moment ago.
func holdDeadPort() (int, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, func() {}, l.Close()
}
