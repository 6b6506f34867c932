package ingress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/model"
)

// Event reasons on Ingresses, besides the problem reasons of the model (model.ReasonDocs).
const (
	// ReasonLoadBalancerAssigned: the Ingress is served by the LoadBalancer the message names.
	ReasonLoadBalancerAssigned = "LoadBalancerAssigned"
	// ReasonAddressAssigned: the Ingress's address appeared or changed.
	ReasonAddressAssigned = "AddressAssigned"
)

// memory remembers what each Ingress was last told, by topic (its problems, its load
// balancer, its address), so that an unchanged Ingress gets no Event again on a resync or
// when the cache still shows an older copy of it: a resync makes no API write.
type memory struct {
	mu   sync.Mutex
	told map[types.UID]map[string]string
}

func newMemory() *memory {
	return &memory{told: map[types.UID]map[string]string{}}
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

// known reports whether the Ingress was told anything on the topic since this process started.
func (m *memory) known(uid types.UID, topic string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.told[uid][topic]
	return ok
}

func (m *memory) forget(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.told, uid)
}

// signature identifies a list of problems.
func signature(problems []model.Problem) string {
	h := sha256.New()
	for _, p := range problems {
		h.Write([]byte(p.Field + "\x00" + p.Reason + "\x00" + p.Message + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// reportProblems emits one Warning Event per problem, when the problems changed. After a
// restart the memory is empty, so the Events already on the Ingress are read once and the
// problems they tell are not told again: a restart with nothing changed writes nothing.
func (r *Reconciler) reportProblems(ctx context.Context, ing *networkingv1.Ingress, problems []model.Problem) {
	var told map[string]bool
	if len(problems) > 0 && !r.memory.known(ing.UID, "problems") {
		told = r.toldBefore(ctx, ing)
	}
	if !r.memory.changed(ing.UID, "problems", signature(problems)) {
		return
	}
	for _, p := range problems {
		note := limitNote(fmt.Sprintf("%s: %s", p.Field, p.Message))
		if told[p.Reason+"\x00"+note] {
			continue
		}
		r.event(ing, "Warning", p.Reason, "Translate "+p.Field, "%s", note)
	}
}

// toldBefore returns the reason and note of each Event this controller already sent about
// the Ingress. A failed read tells nothing; the problems are then told again.
func (r *Reconciler) toldBefore(ctx context.Context, ing *networkingv1.Ingress) map[string]bool {
	list := &eventsv1.EventList{}
	err := r.APIReader.List(ctx, list, client.InNamespace(ing.Namespace),
		client.MatchingFieldsSelector{Selector: fields.OneTermEqualSelector("regarding.uid", string(ing.UID))})
	if err != nil {
		log.FromContext(ctx).Info("Could not read the Ingress's past Events; its problems are told again", "error", err.Error())
		return nil
	}
	told := map[string]bool{}
	for _, e := range list.Items {
		if e.ReportingController == ReportingController {
			told[e.Reason+"\x00"+e.Note] = true
		}
	}
	return told
}

// maxNote is below the 1 KiB limit the API server puts on an Event's note.
const maxNote = 1000

// ReportingController is the name this controller's Events carry.
const ReportingController = "portico-ingress"

func limitNote(note string) string {
	if len(note) > maxNote {
		return note[:maxNote-3] + "..."
	}
	return note
}

// event emits an Event. The action carries the subject: the events API merges Events of one
// object with equal type, reason and action into a series that keeps the first note only,
// so two problems, or two addresses one after the other, must differ in their action.
func (r *Reconciler) event(ing *networkingv1.Ingress, eventType, reason, action, format string, args ...any) {
	note := limitNote(fmt.Sprintf(format, args...))
	if len(action) > 128 {
		action = action[:128]
	}
	r.Recorder.Eventf(ing, nil, eventType, reason, action, "%s", note)
}
