package readiness

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/portico-dev/portico/providers"
)

// Store holds the health the providers last reported, per load balancer, backend and target
// IP, in memory: a restarted controller learns it again from the first pass over each load
// balancer, and meanwhile the gate keeps waiting, which is safe.
type Store struct {
	mu  sync.RWMutex
	lbs map[string]map[string]map[string]string // load balancer → backend → IP → state
	// wake carries the pods to evaluate again after a load balancer's health changed.
	wake chan event.GenericEvent
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{lbs: map[string]map[string]map[string]string{}, wake: make(chan event.GenericEvent, 1024)}
}

// Record keeps what a pass over a load balancer found: per backend, the state of each
// target IP (a pod with several ports is only as healthy as its least healthy port).
func (s *Store) Record(lb string, health map[string][]providers.TargetHealth) {
	byBackend := make(map[string]map[string]string, len(health))
	for backend, ts := range health {
		ips := make(map[string]string, len(ts))
		for _, t := range ts {
			if prev, ok := ips[t.IP]; !ok || prev == providers.HealthHealthy {
				ips[t.IP] = t.State
			}
		}
		byBackend[backend] = ips
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lbs[lb] = byBackend
}

// Forget drops a deleted load balancer.
func (s *Store) Forget(lb string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.lbs, lb)
}

// State is the health of a pod IP in a backend of a load balancer: "" when the load
// balancer has no pass recorded, or the IP is not one of the backend's targets yet.
func (s *Store) State(lb, backend, ip string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.lbs[lb][backend][ip]
}

// Wake asks the readiness reconciler to evaluate the pods again. It never blocks a
// reconcile: when the queue is full a pod is dropped, and its periodic check finds it.
func (s *Store) Wake(pods []types.NamespacedName) {
	for _, p := range pods {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Name}}
		select {
		case s.wake <- event.GenericEvent{Object: pod}:
		default:
		}
	}
}
