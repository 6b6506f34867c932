package testenv

import (
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// Inventory returns the fake cloud's resources that belong to one LoadBalancer, in
// kind and name order: what the cloud would get for it.
func (e *Env) Inventory(lbName string) []fake.Resource {
	var out []fake.Resource
	for _, r := range e.Cloud.Inventory() {
		if o, ok := providers.OwnerFromDescription(r.Description); ok && o.ClusterID == e.ClusterID && o.LoadBalancer == lbName {
			out = append(out, r)
		}
	}
	return out
}

// OwnedInventory returns every resource of the fake cloud that this cluster owns.
func (e *Env) OwnedInventory() []fake.Resource {
	var out []fake.Resource
	for _, r := range e.Cloud.Inventory() {
		if o, ok := providers.OwnerFromDescription(r.Description); ok && o.ClusterID == e.ClusterID {
			out = append(out, r)
		}
	}
	return out
}
