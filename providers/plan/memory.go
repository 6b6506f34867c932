package plan

// memoryKey names one resource of one location.
type memoryKey struct {
	scope string
	Key
}

// refusal is a write the cloud refused as invalid: the hash of its fields and the error.
type refusal struct {
	hash string
	err  error
}

// remember records that the cloud refused want as invalid. One refusal per resource is
// kept, so the memory is bounded by the resources of the load balancers.
func (e *Engine) remember(scope string, want Resource, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.refused == nil {
		e.refused = map[memoryKey]refusal{}
	}
	e.refused[memoryKey{scope, want.Key}] = refusal{hash: hashFields(want.Fields), err: err}
}

// remembered returns the refusal of exactly this write, or nil: a write whose fields
// changed since is sent again.
func (e *Engine) remembered(scope string, want Resource) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.refused[memoryKey{scope, want.Key}]
	if !ok || r.hash != hashFields(want.Fields) {
		return nil
	}
	return r.err
}

// forget drops the refusal of a resource the cloud took.
func (e *Engine) forget(scope string, k Key) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.refused, memoryKey{scope, k})
}
