package fake

import "github.com/portico-dev/portico/providers"

// NewInMemory returns the controller's fake provider: a provider of a new, empty Cloud that
// lives as long as the process. It is the fake's constructor in providers/catalog.
func NewInMemory(clusterID string, observer providers.CallObserver) (providers.Provider, error) {
	return New(NewCloud(), Options{ClusterID: clusterID, Observer: observer}), nil
}
