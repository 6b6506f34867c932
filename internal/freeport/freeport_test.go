package freeport

import (
	"net"
	"strconv"
	"testing"
)

// A picked port is outside the kernel's ephemeral range, never handed out twice, and free:
// a server can bind it.
func TestPickedPortsAreFreeDistinctAndBelowTheEphemeralRange(t *testing.T) {
	seen := map[int]bool{}
	for range 50 {
		p, err := Pick()
		if err != nil {
			t.Fatal(err)
		}
		if p < low || p >= high || seen[p] {
			t.Fatalf("picked %d (seen before: %v), want a new port in %d-%d", p, seen[p], low, high)
		}
		seen[p] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("picked port %d cannot be bound: %v", p, err)
		}
		_ = l.Close()
	}
}
