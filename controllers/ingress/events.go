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

// problemMemory remembers which problems each Ingress was last told about, so that an
// unchanged Ingress gets no Event again on a resync: a resync makes no API write.
type problemMemory struct {
	mu   sync.Mutex
	seen map[types.UID]string
}

func newProblemMemory() *problemMemory {
	return &problemMemory{seen: map[types.UID]string{}}
}

// changed records the problems of an Ingress and reports whether they differ from the last.
func (m *problemMemory) changed(uid types.UID, problems []model.Problem) bool {
	h := sha256.New()
	for _, p := range problems {
		h.Write([]byte(p.Field + "\x00" + p.Reason + "\x00" + p.Message + "\x00"))
	}
	sig := hex.EncodeToString(h.Sum(nil))
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[uid] == sig {
		return false
	}
	m.seen[uid] = sig
	return true
}

func (m *problemMemory) forget(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.seen, uid)
}

// reportProblems emits one Warning Event per problem, when the problems changed.
func (r *Reconciler) reportProblems(ing *networkingv1.Ingress, problems []model.Problem) {
	if !r.problems.changed(ing.UID, problems) {
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
