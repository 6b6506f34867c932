package loadbalancer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/portico-dev/portico/providers"
)

// invalidInputs remembers, per load balancer, the fingerprint of an input the provider
// refused as invalid. A resync with the same input does not call the provider again; any
// change to the spec, a Secret, the targets or the class parameters changes the fingerprint
// and tries again. After a restart the memory is empty, so the input is tried once more.
type invalidInputs struct {
	mu   sync.Mutex
	last map[string]string
}

func (m *invalidInputs) same(lb, fingerprint string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last[lb] == fingerprint
}

func (m *invalidInputs) record(lb, fingerprint string, invalid bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[string]string{}
	}
	if invalid {
		m.last[lb] = fingerprint
	} else {
		delete(m.last, lb)
	}
}

func (m *invalidInputs) forget(lb string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.last, lb)
}

// fingerprintOf hashes everything a provider sees. Certificates count by their hash only, so
// no key material is held.
func fingerprintOf(want *providers.Desired) string {
	b, _ := json.Marshal(struct {
		Ref          providers.Ref
		Spec         any
		Params       any
		Targets      map[string][]providers.Target
		Certificates map[string]providers.Certificate
	}{want.Ref, want.Spec, want.Params, want.Targets, want.Certificates})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
