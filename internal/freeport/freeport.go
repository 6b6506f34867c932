// Package freeport picks loopback ports for servers that cannot be handed a listener, such
// as an nginx that binds its own ports.
//
// A port the kernel hands out for 127.0.0.1:0 comes from the ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 on Linux), the same range every
// other test's httptest server and every outgoing connection draws from: between closing
// the probe and nginx binding it, another process running in parallel may take it, and
// nginx fails with "Address already in use". Ports below that range are never handed out
// by the kernel, so a port picked there stays free unless another picker chooses it too.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
)

// The range Pick draws from: below Linux's ephemeral ports and above the common services.
const (
	low  = 20000
	high = 32000
)

var (
	mu     sync.Mutex
	picked = map[int]bool{} // never hand out the same port twice in one process
)

// Pick returns a loopback TCP port that is free now, outside the kernel's ephemeral range.
func Pick() (int, error) {
	mu.Lock()
	defer mu.Unlock()
	for range 200 {
		port := low + rand.IntN(high-low)
		if picked[port] {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // taken: try another
		}
		_ = l.Close()
		picked[port] = true
		return port, nil
	}
	return 0, fmt.Errorf("no free loopback port found in %d-%d", low, high)
}
