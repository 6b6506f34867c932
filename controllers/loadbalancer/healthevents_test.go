package loadbalancer

import (
	"strings"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/notice"
)

// TestUnhealthyTargetsStandAsOneEvent: while a backend's targets are unhealthy one Warning
// Event says so, renewed each EventRefresh and updated when the count changes; it is
// deleted, with a Normal Event, when they recover.
func TestUnhealthyTargetsStandAsOneEvent(t *testing.T) {
	f := newFixture(t)
	clock := clocktesting.NewFakePassiveClock(time.Unix(10_000, 0))
	f.r.Clock = clock
	f.r.Notices = &notice.Board{Client: apiServer, Reader: apiServer, Controller: ReportingController, Clock: clock}
	lb := &v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: f.ns + "-lb", UID: types.UID("uid-" + f.ns)}}
	sick := func(unhealthy int) []sickBackend {
		return []sickBackend{{name: "cart", service: v1alpha1.ServiceRef{Namespace: f.ns, Name: "cart", PortNumber: 80},
			path: "/healthz", unhealthy: unhealthy, total: 2, examples: []string{"10.0.0.2:8080"}}}
	}
	name := notice.Name(lb, healthNotice(sick(1)[0], "hint"))
	read := func() *eventsv1.Event {
		e := &eventsv1.Event{}
		err := apiServer.Get(f.ctx, client.ObjectKey{Namespace: "default", Name: name}, e)
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	f.r.tellHealth(f.ctx, lb, sick(1), "hint")
	first := read()
	if first == nil || first.Type != "Warning" || first.Reason != ReasonUnhealthyTargets || !strings.Contains(first.Note, "1 of 2 endpoints unhealthy") {
		t.Fatalf("the Event is %+v, want a Warning UnhealthyTargets saying 1 of 2", first)
	}
	f.r.tellHealth(f.ctx, lb, sick(1), "hint")
	if e := read(); e.ResourceVersion != first.ResourceVersion {
		t.Error("an unchanged problem was told again before the refresh")
	}
	clock.SetTime(clock.Now().Add(DefaultEventRefresh))
	f.r.tellHealth(f.ctx, lb, sick(1), "hint")
	if e := read(); e.Series == nil || e.Series.Count != 2 {
		t.Errorf("after the refresh the Event's series is %+v, want it renewed", e.Series)
	}
	f.r.tellHealth(f.ctx, lb, sick(2), "hint")
	if e := read(); !strings.Contains(e.Note, "2 of 2 endpoints unhealthy") {
		t.Errorf("a changed count left the note %q", e.Note)
	}
	f.r.tellHealth(f.ctx, lb, nil, "hint")
	if e := read(); e != nil {
		t.Errorf("the recovered problem still stands: %s", e.Note)
	}
	if said := strings.Join(f.eventsSaid(), "\n"); !strings.Contains(said, ReasonTargetsHealthy) {
		t.Errorf("no %s Event; the recorder got:\n%s", ReasonTargetsHealthy, said)
	}
}
