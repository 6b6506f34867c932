package loadbalancer

import (
	"context"
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/notice"
)

// Event reasons of the cloud's health of a load balancer's targets.
const (
	// ReasonUnhealthyTargets is a standing Warning on the LoadBalancer for as long as the
	// cloud finds targets of a backend unhealthy; it is deleted when they recover.
	ReasonUnhealthyTargets = v1alpha1.ReasonUnhealthyTargets
	// ReasonTargetsHealthy tells that a backend's targets are healthy again.
	ReasonTargetsHealthy = "TargetsHealthy"
)

// ReportingController is the reportingController of the loadbalancer controller's Events.
const ReportingController = "portico-loadbalancer"

// DefaultEventRefresh is how often a standing health notice is renewed, within the API
// server's one-hour Event lifetime.
const DefaultEventRefresh = 30 * time.Minute

// toldNotices remembers, per load balancer and backend, the health notice last told and
// when, so that a standing problem is renewed only every EventRefresh, a changed one at
// once, and a gone one withdrawn. A restarted controller forgets: it tells a standing
// problem again, and a notice it no longer knows of expires with its Event.
type toldNotices struct {
	mu   sync.Mutex
	told map[string]map[string]toldNotice
}

type toldNotice struct {
	n  notice.Notice
	at time.Time
}

func (t *toldNotices) of(lb string) map[string]toldNotice {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]toldNotice{}
	for k, v := range t.told[lb] {
		out[k] = v
	}
	return out
}

func (t *toldNotices) set(lb string, m map[string]toldNotice) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.told == nil {
		t.told = map[string]map[string]toldNotice{}
	}
	if len(m) == 0 {
		delete(t.told, lb)
		return
	}
	t.told[lb] = m
}

func (t *toldNotices) forget(lb string) { t.set(lb, nil) }

// healthNotice is the standing Event of one backend's unhealthy targets; its key is the
// backend, so that a changing count updates one Event.
func healthNotice(s sickBackend, hint string) notice.Notice {
	return notice.Notice{Type: "Warning", Reason: ReasonUnhealthyTargets, Action: "Check health of backend " + s.name,
		Key: "health/" + s.name, Note: s.summary() + "; " + hint}
}

// tellHealth keeps one standing Warning per backend with unhealthy targets, renewed while
// it lasts, and withdraws it with a Normal Event when the targets recover.
func (r *Reconciler) tellHealth(ctx context.Context, lb *v1alpha1.LoadBalancer, sick []sickBackend, hint string) {
	if r.Notices == nil {
		return
	}
	told := r.told.of(lb.Name)
	now := r.now()
	next := map[string]toldNotice{}
	for _, s := range sick {
		n := healthNotice(s, hint)
		last, ok := told[s.name]
		if ok && last.n.Note == n.Note && now.Sub(last.at) < r.eventRefresh() {
			next[s.name] = last
			continue
		}
		if err := r.Notices.Tell(ctx, lb, v1alpha1.GroupVersion.WithKind("LoadBalancer"), n); err != nil {
			log.FromContext(ctx).Error(err, "Failed to tell unhealthy targets", "backend", s.name)
			if ok {
				// Told again on the next pass: the problem still stands.
				next[s.name] = toldNotice{n: last.n}
			}
			continue
		}
		next[s.name] = toldNotice{n: n, at: now}
	}
	for backend, last := range told {
		if _, still := next[backend]; still {
			continue
		}
		if err := r.Notices.Withdraw(ctx, lb, last.n); err != nil {
			log.FromContext(ctx).Error(err, "Failed to withdraw a health notice", "backend", backend)
			next[backend] = last
			continue
		}
		r.Recorder.Eventf(lb, nil, "Normal", ReasonTargetsHealthy, actionFor("Check health of backend", backend), "%s",
			"the cloud finds the endpoints of backend "+backend+" healthy again")
	}
	r.told.set(lb.Name, next)
}

func (r *Reconciler) eventRefresh() time.Duration {
	if r.EventRefresh > 0 {
		return r.EventRefresh
	}
	return DefaultEventRefresh
}

func (r *Reconciler) now() time.Time {
	if r.Clock != nil {
		return r.Clock.Now()
	}
	return time.Now()
}
