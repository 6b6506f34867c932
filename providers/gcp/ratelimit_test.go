package gcp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/iterator"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// countingLimiter counts the waits of each class, and fails them all once err is set.
type countingLimiter struct {
	mu    sync.Mutex
	waits map[ratelimit.Class]int
	err   error
}

func (l *countingLimiter) Wait(_ context.Context, class ratelimit.Class) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if l.waits == nil {
		l.waits = map[ratelimit.Class]int{}
	}
	l.waits[class]++
	return nil
}

// callClasses counts gcptest's calls by the class the limiter should have seen them as.
func callClasses(srv *gcptest.Server) map[ratelimit.Class]int {
	out := map[ratelimit.Class]int{}
	for _, c := range srv.Calls() {
		switch {
		case strings.Contains(c.Path, "/operations/"):
			out[ratelimit.Poll]++
		case c.Write:
			out[ratelimit.Write]++
		default:
			out[ratelimit.Read]++
		}
	}
	return out
}

// Every call the provider makes, read, write or poll, waits on its limiter first: over a
// create, an update, a certificate rotation, a static address and a delete, the limiter saw
// exactly as many waits of each class as Google saw calls.
func TestEveryCallWaitsOnTheLimiter(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{OperationPolls: 2})
	op, err := tc.client.api.Addresses.Insert(context.Background(), &computepb.InsertGlobalAddressRequest{Project: testProject,
		AddressResource: &computepb.Address{Name: proto.String("user-ip")}})
	mustWait(t, op, err)
	tc.srv.ResetCalls()
	lim := &countingLimiter{}
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Limiter: lim})
	ctx := context.Background()
	d := full(t, "paced")
	d.Spec.StaticAddress = "user-ip"
	for _, change := range []func(){
		func() {},
		func() { d.Spec.Backends[0].HealthCheck.Path = "/ready" },
		func() { d.Certificates["default/tls"] = testCertificate(t, "shop.example.com") },
		func() { d.Targets["web"] = d.Targets["web"][:1] },
	} {
		change()
		if _, err := p.Ensure(ctx, d); err != nil && !providers.IsInvalid(err) {
			t.Fatal(err)
		}
	}
	if err := p.Delete(ctx, providers.Ref{Name: "paced", Location: testProject}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Owned(ctx, nil); err != nil {
		t.Fatal(err)
	}
	calls := callClasses(tc.srv)
	for _, class := range ratelimit.Classes {
		if calls[class] == 0 {
			t.Errorf("the scenario made no %s call", class)
		}
		if lim.waits[class] != calls[class] {
			t.Errorf("%s: the limiter saw %d waits, Google %d calls", class, lim.waits[class], calls[class])
		}
	}
}

// A wait the limiter refuses (its context ended) stops the call: Google sees nothing, and
// the error is retryable.
func TestARefusedWaitMakesNoCall(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	tc.srv.ResetCalls()
	lim := &countingLimiter{err: context.DeadlineExceeded}
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Limiter: lim})
	if _, err := p.Ensure(context.Background(), full(t, "held")); !providers.IsRetryable(err) {
		t.Errorf("Ensure answered %v, want a retryable error", err)
	}
	if n := len(tc.srv.Calls()); n != 0 {
		t.Errorf("Google saw %d calls the limiter held back", n)
	}
}

// pagedIterator waits once per page fetched, not per item, and not after the last page.
func TestEachPageWaitsOnce(t *testing.T) {
	pages := [][]int{{1, 2}, {3, 4}, {5}}
	fetches := 0
	it := &intPager{}
	it.info, it.next = iterator.NewPageInfo(func(_ int, token string) (string, error) {
		i := fetches
		fetches++
		it.buf = append(it.buf, pages[i]...)
		if i+1 < len(pages) {
			return "page" + string(rune('0'+i+1)), nil
		}
		_ = token
		return "", nil
	}, func() int { return len(it.buf) }, func() any { b := it.buf; it.buf = nil; return b })
	waits := 0
	p := paged(func() error { waits++; return nil }, pager[int](it))
	var got []int
	for {
		v, err := p.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if len(got) != 5 || fetches != 3 || waits != 3 {
		t.Errorf("read %v in %d fetches with %d waits, want 5 items, 3 fetches, 3 waits", got, fetches, waits)
	}
}

// intPager is a list iterator over ints, built as the SDK builds its own.
type intPager struct {
	info *iterator.PageInfo
	next func() error
	buf  []int
}

func (p *intPager) PageInfo() *iterator.PageInfo { return p.info }

func (p *intPager) Next() (int, error) {
	if err := p.next(); err != nil {
		return 0, err
	}
	v := p.buf[0]
	p.buf = p.buf[1:]
	return v, nil
}

// jumpClock advances its time by every wait asked of it, at once, and adds the waits up.
type jumpClock struct {
	mu     sync.Mutex
	now    time.Time
	waited time.Duration
}

func (c *jumpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *jumpClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waited += d
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// With the kit's limiter at 10 writes per second and a burst of 1, a create of N writes
// waits (N-1)/10 s on the limiter's clock: the rate holds for the provider's writes.
func TestWritesKeepTheRate(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	tc.srv.ResetCalls()
	clock := &jumpClock{now: time.Unix(1000, 0)}
	lim, err := ratelimit.New(ratelimit.Config{WritesPerSecond: 10, WriteBurst: 1}, clock)
	if err != nil {
		t.Fatal(err)
	}
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Limiter: lim})
	if _, err := p.Ensure(context.Background(), full(t, "rated")); err != nil {
		t.Fatal(err)
	}
	writes := callClasses(tc.srv)[ratelimit.Write]
	if want := time.Duration(writes-1) * 100 * time.Millisecond; writes < 2 || clock.waited != want {
		t.Errorf("%d writes waited %v on the limiter, want %v", writes, clock.waited, want)
	}
}
