package ingress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/controllers/notice"
	"github.com/portico-dev/portico/internal/text"
	"github.com/portico-dev/portico/model"
)

// Event reasons on Ingresses, besides the problem reasons of the model (model.ReasonDocs).
const (
	// ReasonLoadBalancerAssigned: the Ingress is served by the LoadBalancer the message names.
	ReasonLoadBalancerAssigned = "LoadBalancerAssigned"
	// ReasonAddressAssigned: the Ingress's address appeared or changed.
	ReasonAddressAssigned = "AddressAssigned"
	// ReasonAddressChanging: the Ingress moved to a load balancer that is now Programmed; the
	// one that served it before stops serving it, and may be deleted with its address.
	ReasonAddressChanging = "AddressChanging"
	// ReasonAddressReleasing: the Ingress left portico's class; its load balancer stops
	// serving it, and may be deleted with its address.
	ReasonAddressReleasing = "AddressReleasing"
)

// memory remembers what each Ingress was last told, by topic (its problems, its load
// balancer, its address), so that an unchanged Ingress gets no Event again on a resync or
// when the cache still shows an older copy of it: a resync makes no API write.
type memory struct {
	mu   sync.Mutex
	told map[types.UID]map[string]string
	// toldAt is when the Ingress's standing problems were last told.
	toldAt map[types.UID]time.Time
}

func newMemory() *memory {
	return &memory{told: map[types.UID]map[string]string{}, toldAt: map[types.UID]time.Time{}}
}

// problemsTold returns the signature of the problems last told and when.
func (m *memory) problemsTold(uid types.UID) (string, time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sig, ok := m.told[uid]["problems"]
	return sig, m.toldAt[uid], ok
}

// tellProblems records that the problems of that signature were told at that time.
func (m *memory) tellProblems(uid types.UID, sig string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.told[uid] == nil {
		m.told[uid] = map[string]string{}
	}
	m.told[uid]["problems"] = sig
	m.toldAt[uid] = at
}

// changed records what the Ingress is told on a topic and reports whether it is news.
func (m *memory) changed(uid types.UID, topic, what string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.told[uid] == nil {
		m.told[uid] = map[string]string{}
	}
	if prev, ok := m.told[uid][topic]; ok && prev == what {
		return false
	}
	m.told[uid][topic] = what
	return true
}

func (m *memory) forget(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.told, uid)
	delete(m.toldAt, uid)
}

// signature identifies a list of problems.
func signature(problems []model.Problem) string {
	h := sha256.New()
	for _, p := range problems {
		h.Write([]byte(p.Field + "\x00" + p.Reason + "\x00" + p.Message + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// reportProblems emits one Warning Event per problem when the problems changed, and again
// every EventRefresh while they stand, so that `kubectl describe ingress` shows them at any
// time although Events expire. It returns when to tell them again (zero when none stands).
// After a restart the memory is empty, so the Events already on the Ingress are read once:
// problems told less than EventRefresh ago are not told again, so a restart with nothing
// changed writes nothing.
func (r *Reconciler) reportProblems(ctx context.Context, ing *networkingv1.Ingress, problems []model.Problem) time.Duration {
	sig := signature(problems)
	if len(problems) == 0 {
		r.memory.tellProblems(ing.UID, sig, time.Time{})
		return 0
	}
	now, every := r.now(), r.eventRefresh()
	last, at, known := r.memory.problemsTold(ing.UID)
	if !known {
		last, at = sig, r.toldBefore(ctx, ing, problems)
	}
	if last == sig && now.Sub(at) < every {
		return every - now.Sub(at)
	}
	for _, p := range problems {
		n := notice.Notice{Type: "Warning", Reason: p.Reason, Action: "Translate " + p.Field, Note: problemNote(p)}
		if err := r.Notices.Tell(ctx, ing, ingressKind, n); err != nil {
			// Not remembered as told: the next reconcile tries again.
			log.FromContext(ctx).Error(err, "Failed to tell a problem", "ingress", ing.Namespace+"/"+ing.Name, "reason", p.Reason)
			return every
		}
	}
	r.memory.tellProblems(ing.UID, sig, now)
	return every
}

// ingressKind is the kind the Events about Ingresses name.
var ingressKind = networkingv1.SchemeGroupVersion.WithKind("Ingress")

func problemNote(p model.Problem) string {
	return text.Truncate(fmt.Sprintf("%s: %s", p.Field, p.Message), maxNote)
}

// toldBefore returns when this controller last told the Ingress every one of the problems,
// from the Events on it: the zero time when one of them is not there. A failed read tells
// nothing; the problems are then told again.
func (r *Reconciler) toldBefore(ctx context.Context, ing *networkingv1.Ingress, problems []model.Problem) time.Time {
	list := &eventsv1.EventList{}
	err := r.APIReader.List(ctx, list, client.InNamespace(ing.Namespace),
		client.MatchingFieldsSelector{Selector: fields.OneTermEqualSelector("regarding.uid", string(ing.UID))})
	if err != nil {
		log.FromContext(ctx).Info("Could not read the Ingress's past Events; its problems are told again", "error", err.Error())
		return time.Time{}
	}
	latest := map[string]time.Time{}
	for i := range list.Items {
		e := &list.Items[i]
		if e.ReportingController != ReportingController {
			continue
		}
		k := e.Reason + "\x00" + e.Note
		if t := eventTime(e); t.After(latest[k]) {
			latest[k] = t
		}
	}
	var oldest time.Time
	for _, p := range problems {
		t, ok := latest[p.Reason+"\x00"+problemNote(p)]
		if !ok {
			return time.Time{}
		}
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	return oldest
}

// eventTime is when an Event was last observed.
func eventTime(e *eventsv1.Event) time.Time {
	t := e.EventTime.Time
	if e.Series != nil && e.Series.LastObservedTime.After(t) {
		t = e.Series.LastObservedTime.Time
	}
	if e.DeprecatedLastTimestamp.After(t) {
		t = e.DeprecatedLastTimestamp.Time
	}
	return t
}

func (r *Reconciler) now() time.Time {
	if r.Clock != nil {
		return r.Clock.Now()
	}
	return time.Now()
}

func (r *Reconciler) eventRefresh() time.Duration {
	if r.EventRefresh > 0 {
		return r.EventRefresh
	}
	return DefaultEventRefresh
}

// maxNote is below the 1 KiB limit the API server puts on an Event's note.
const maxNote = 1000

// ReportingController is the name this controller's Events carry.
const ReportingController = "portico-ingress"

// event emits an Event. The action carries the subject: the events API merges Events of one
// object with equal type, reason and action into a series that keeps the first note only,
// so two problems, or two addresses one after the other, must differ in their action.
func (r *Reconciler) event(ing *networkingv1.Ingress, eventType, reason, action, format string, args ...any) {
	note := text.Truncate(fmt.Sprintf(format, args...), maxNote)
	if len(action) > 128 {
		action = action[:128]
	}
	r.Recorder.Eventf(ing, nil, eventType, reason, action, "%s", note)
}
