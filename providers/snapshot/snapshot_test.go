package snapshot

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

type item struct{ name, owner, value string }

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// cloud is a list call over a map, counting its calls.
type cloud struct {
	items map[string]item
	lists int
	err   error
}

func (c *cloud) list(_ context.Context, location, kind string) ([]item, error) {
	c.lists++
	if c.err != nil {
		return nil, c.err
	}
	var out []item
	for _, it := range c.items {
		out = append(out, it)
	}
	return out, nil
}

func setup(ttl time.Duration) (*Cache[item], *cloud, *clock) {
	cl := &cloud{items: map[string]item{"a": {"a", "lb1", "1"}, "b": {"b", "lb2", "1"}, "c": {"c", "lb1", "1"}}}
	clk := &clock{now: time.Unix(1000, 0)}
	c := New(Options[item]{
		List: cl.list, Name: func(i item) string { return i.name }, Group: func(i item) string { return i.owner },
		TTL: ttl, Clock: clk,
	})
	return c, cl, clk
}

func names(items []item) []string {
	var out []string
	for _, i := range items {
		out = append(out, i.name)
	}
	return out
}

func TestSnapshotSharesOneListPerTTL(t *testing.T) {
	ctx := context.Background()
	c, cl, clk := setup(5 * time.Second)
	for range 50 {
		if got, _ := c.Group(ctx, "eu", "URLMap", "lb1"); !reflect.DeepEqual(names(got), []string{"a", "c"}) {
			t.Fatalf("group lb1: %v", names(got))
		}
	}
	if cl.lists != 1 {
		t.Errorf("%d lists for 50 reads within the TTL, want 1", cl.lists)
	}
	if _, err := c.All(ctx, "us", "URLMap"); err != nil || cl.lists != 2 {
		t.Errorf("another location shared the snapshot: %d lists, %v", cl.lists, err)
	}

	// The provider's own writes show at once.
	c.Put("eu", "URLMap", item{"d", "lb1", "1"})
	c.Put("eu", "URLMap", item{"a", "lb2", "2"}) // a changes owner
	c.Remove("eu", "URLMap", "c")
	if got, _ := c.Group(ctx, "eu", "URLMap", "lb1"); !reflect.DeepEqual(names(got), []string{"d"}) {
		t.Errorf("after writes, group lb1: %v", names(got))
	}
	if got, ok, _ := c.Get(ctx, "eu", "URLMap", "a"); !ok || got.value != "2" {
		t.Errorf("get a: %+v %v", got, ok)
	}

	// A change outside is seen once the TTL has passed, not before.
	cl.items["e"] = item{"e", "lb1", "1"}
	clk.now = clk.now.Add(4 * time.Second)
	if _, ok, _ := c.Get(ctx, "eu", "URLMap", "e"); ok {
		t.Error("the snapshot listed again within the TTL")
	}
	clk.now = clk.now.Add(2 * time.Second)
	if _, ok, _ := c.Get(ctx, "eu", "URLMap", "e"); !ok {
		t.Error("a change outside is not seen after the TTL")
	}
	if cl.lists != 3 {
		t.Errorf("%d lists, want 3", cl.lists)
	}
}

func TestSnapshotRefreshInvalidateAndErrors(t *testing.T) {
	ctx := context.Background()
	c, cl, _ := setup(time.Minute)
	c.Put("eu", "URLMap", item{"z", "lb9", "1"}) // not read yet: left to the first list
	if _, ok, _ := c.Get(ctx, "eu", "URLMap", "z"); ok {
		t.Error("a write to an unread snapshot invented a resource the cloud lacks")
	}
	c.Invalidate("eu", "URLMap")
	cl.err = errors.New("503")
	if _, err := c.All(ctx, "eu", "URLMap"); err == nil {
		t.Error("a failed list was not reported")
	}
	cl.err = nil
	if err := c.Refresh(ctx, "eu", "URLMap"); err != nil || cl.lists != 3 {
		t.Errorf("refresh: %v, %d lists", err, cl.lists)
	}

	every, cl2, _ := setup(-1)
	for range 3 {
		_, _ = every.All(ctx, "eu", "URLMap")
	}
	if cl2.lists != 3 {
		t.Errorf("a negative TTL listed %d times for 3 reads", cl2.lists)
	}
}

// The version stays while nothing changes, so a caller may keep what it derived; it moves
// with every list, put and remove, so a caller never keeps something stale.
func TestSnapshotVersionMovesWithEveryChange(t *testing.T) {
	ctx := context.Background()
	c, cl, clk := setup(5 * time.Second)
	version := func() uint64 {
		t.Helper()
		v, err := c.Version(ctx, "eu", "URLMap")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := version()
	if version() != v || cl.lists != 1 {
		t.Fatalf("the version moved (or the cloud was listed %d times) with nothing changed", cl.lists)
	}
	for _, change := range []struct {
		name string
		do   func()
	}{
		{"put", func() { c.Put("eu", "URLMap", item{"d", "lb1", "1"}) }},
		{"remove", func() { c.Remove("eu", "URLMap", "a") }},
		{"the TTL", func() { clk.now = clk.now.Add(6 * time.Second) }},
		{"invalidate", func() { c.Invalidate("eu", "URLMap") }},
	} {
		change.do()
		if next := version(); next == v {
			t.Errorf("after %s the version is still %d", change.name, v)
		} else {
			v = next
		}
	}
}

// Once filled, an expired snapshot is listed again by the reader that finds it expired,
// while the others read it as it is instead of waiting; a write made during that list
// survives it, and an invalidation during it drops the list.
func TestRefreshDoesNotStallTheOtherReaders(t *testing.T) {
	ctx := context.Background()
	c, cl, clk := setup(5 * time.Second)
	if _, err := c.All(ctx, "eu", "URLMap"); err != nil {
		t.Fatal(err)
	}
	listing, release := make(chan bool), make(chan bool)
	c.opts.List = func(ctx context.Context, location, kind string) ([]item, error) {
		listing <- true
		<-release
		return cl.list(ctx, location, kind) // the list read before the write below
	}
	clk.now = clk.now.Add(6 * time.Second)
	done := make(chan []item)
	go func() {
		got, _ := c.Group(ctx, "eu", "URLMap", "lb1")
		done <- got
	}()
	<-listing
	if got, err := c.Group(ctx, "eu", "URLMap", "lb1"); err != nil || !reflect.DeepEqual(names(got), []string{"a", "c"}) {
		t.Fatalf("a reader during the refresh got %v, %v; want the snapshot as it was, at once", names(got), err)
	}
	c.Put("eu", "URLMap", item{"d", "lb1", "1"})
	close(release)
	if got := <-done; !reflect.DeepEqual(names(got), []string{"a", "c", "d"}) {
		t.Errorf("the refreshing reader got %v, want the list and the write made during it", names(got))
	}
	if got, _ := c.Group(ctx, "eu", "URLMap", "lb1"); !reflect.DeepEqual(names(got), []string{"a", "c", "d"}) {
		t.Errorf("after the refresh, group lb1: %v; the write made during it was lost", names(got))
	}

	clk.now = clk.now.Add(6 * time.Second)
	listing, release = make(chan bool), make(chan bool)
	go func() {
		got, _ := c.Group(ctx, "eu", "URLMap", "lb1")
		done <- got
	}()
	<-listing
	c.Invalidate("eu", "URLMap") // an unknown outcome: the list under way may miss it
	cl.items["e"] = item{"e", "lb1", "1"}
	close(release)
	go func() { <-listing }() // the list that follows the invalidation (release is closed)
	if got := <-done; !reflect.DeepEqual(names(got), []string{"a", "c", "e"}) {
		t.Errorf("after an invalidation during a refresh the reader got %v, want a list made after it", names(got))
	}
}
