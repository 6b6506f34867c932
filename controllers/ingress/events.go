package ingress

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

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

// reportProblems emits one Warning Event per problem, when the problems changed.
func (r *Reconciler) reportProblems(ing *networkingv1.Ingress, problems []model.Problem) {
	if !r.memory.changed(ing.UID, "problems", signature(problems)) {
		return
	}
	for _, p := range problems {
		r.event(ing, "Warning", p.Reason, "Translate "+p.Field, "%s: %s", p.Field, p.Message)
	}
}

// maxNote is below the 1 KiB limit the API server puts on an Event's note.
const maxNote = 1000

// event emits an Event. The action carries the subject: the events API merges Events of one
// object with equal type, reason and action into a series that keeps the first note only,
// so two problems, or two addresses one after the other, must differ in their action.
func (r *Reconciler) event(ing *networkingv1.Ingress, eventType, reason, action, format string, args ...any) {
	note := fmt.Sprintf(format, args...)
	if len(note) > maxNote {
		note = note[:maxNote-3] + "..."
	}
	if len(action) > 128 {
		action = action[:128]
	}
	r.Recorder.Eventf(ing, nil, eventType, reason, action, "%s", note)
}
