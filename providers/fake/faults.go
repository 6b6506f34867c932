package fake

import (
	"context"
	"time"
)

// Operations of the Cloud, as Call.Op names them.
const (
	OpInsert = "insert"
	OpPatch  = "patch"
	OpDelete = "delete"
	OpGet    = "get"
	OpList   = "list"
)

// mutating reports whether op writes.
func mutating(op string) bool {
	return op == OpInsert || op == OpPatch || op == OpDelete || op == OpAttach || op == OpDetach || op == OpSetTarget
}

// Call is one call made to the Cloud.
type Call struct {
	Op string
	// Location is where the call acted: a region name, or "global".
	Location string
	Kind     string
	// Name is empty for a list.
	Name string
	// Fields lists what a patch changed.
	Fields []string
	// Err is the error the call returned, nil on success.
	Err error
}

// Mutating reports whether the call was a write: an insert, patch or delete, or an attach
// or detach of endpoints, a setTarget.
func (c Call) Mutating() bool { return mutating(c.Op) }

// opKind selects the calls a latency applies to.
type opKind struct{ op, kind string }

// fault is an error injected into the calls that match op and kind ("" matches any).
type fault struct {
	op, kind string
	err      error
	left     int // < 0: until cleared
}

func matches(op, kind, wantOp, wantKind string) bool {
	return (wantOp == "" || wantOp == op) && (wantKind == "" || wantKind == kind)
}

// InjectError makes the next times calls of op on kind fail with err before they take effect;
// times < 0 fails them until ClearFaults. An empty op or kind matches any.
func (c *Cloud) InjectError(op, kind string, err error, times int) {
	if times == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, &fault{op: op, kind: kind, err: err, left: times})
}

// InjectLatency delays every call of op on kind by d, or until its context ends; d = 0
// removes the delay. An empty op or kind matches any.
func (c *Cloud) InjectLatency(op, kind string, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := opKind{op, kind}
	if d <= 0 {
		delete(c.latency, k)
		return
	}
	c.latency[k] = d
}

// writeFault fails one future insert, patch or delete.
type writeFault struct {
	skip   int // mutating calls to let through first
	err    error
	landed bool
}

// FailWrite makes the nth insert, patch or delete from now (n >= 1) fail with err. With
// landed, the write takes effect and only its answer is lost, as when a connection drops
// after the cloud committed it; else it fails and changes nothing. A second call replaces
// the first.
func (c *Cloud) FailWrite(n int, err error, landed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeFault = nil
	if n >= 1 {
		c.writeFault = &writeFault{skip: n - 1, err: err, landed: landed}
	}
}

// takeWriteFault counts a mutating call against the armed write fault; it returns the error
// the call fails with before taking effect (refused) or after it (lost); c.mu is held.
func (c *Cloud) takeWriteFault() (refused, lost error) {
	f := c.writeFault
	if f == nil {
		return nil, nil
	}
	if f.skip > 0 {
		f.skip--
		return nil, nil
	}
	c.writeFault = nil
	if f.landed {
		return nil, f.err
	}
	return f.err, nil
}

// ClearFaults removes every injected error and latency.
func (c *Cloud) ClearFaults() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = nil
	c.writeFault = nil
	c.latency = map[opKind]time.Duration{}
}

// OnCall sets a function called after each insert, patch and delete, outside the Cloud's
// lock, for example to stop a controller after k calls; nil removes it.
func (c *Cloud) OnCall(fn func(Call)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hook = fn
}

// maxCalls bounds the call log, so that a long-running demo controller does not grow without
// end; tests reset the log long before.
const maxCalls = 1 << 16

// record appends a call to the log, dropping the oldest half when it is full; c.mu is held.
func (c *Cloud) record(call Call) {
	if len(c.calls) >= maxCalls {
		c.calls = append(c.calls[:0], c.calls[len(c.calls)/2:]...)
	}
	c.calls = append(c.calls, call)
}

// Calls returns the calls made so far, in order (at most the last 65536).
func (c *Cloud) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Call, len(c.calls))
	for i, call := range c.calls {
		call.Fields = cloneSlice(call.Fields)
		out[i] = call
	}
	return out
}

// ResetCalls forgets the calls made so far.
func (c *Cloud) ResetCalls() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

// before applies the injected latency and fault of a call; it returns the error the call
// must fail with, if any.
func (c *Cloud) before(ctx context.Context, op, kind string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	d := c.latencyFor(op, kind)
	c.mu.Unlock()
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.takeFault(op, kind)
}

func (c *Cloud) latencyFor(op, kind string) time.Duration {
	for _, k := range []opKind{{op, kind}, {op, ""}, {"", kind}, {"", ""}} {
		if d, ok := c.latency[k]; ok {
			return d
		}
	}
	return 0
}

func (c *Cloud) takeFault(op, kind string) error {
	for i, f := range c.faults {
		if !matches(op, kind, f.op, f.kind) {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				c.faults = append(c.faults[:i:i], c.faults[i+1:]...)
			}
		}
		return f.err
	}
	return nil
}
