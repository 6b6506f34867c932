package cluster

import (
	"context"
	"fmt"
	"sort"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Options of Open.
type Options struct {
	// Namespace is the controller's namespace, where the ConfigMap lives.
	Namespace string
	// ClusterID is --cluster-id: it seeds the record at the first start, and must agree with
	// the stored ID at every later one. Empty seeds from the UID of namespace kube-system.
	ClusterID string
}

// Store is the cluster record kept in the ConfigMap portico-cluster: the cluster ID, read once
// at start, and every location of each provider, answered from memory and written only when a
// location is new. It implements Locations.
type Store struct {
	client client.Client
	key    client.ObjectKey
	id     string

	// writing serializes writes, so that concurrent reconciles do not conflict with each other.
	writing sync.Mutex
	mu      sync.Mutex
	seen    map[string]map[string]bool
}

var _ Locations = (*Store)(nil)

// Open reads the cluster record, creating it at the first start, and refuses a --cluster-id
// that disagrees with it. c must read from the API server, not from a cache.
func Open(ctx context.Context, c client.Client, opts Options) (*Store, error) {
	key := client.ObjectKey{Namespace: opts.Namespace, Name: ConfigMapName}
	cm := &corev1.ConfigMap{}
	err := c.Get(ctx, key, cm)
	if apierrors.IsNotFound(err) {
		cm, err = seed(ctx, c, key, opts.ClusterID)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the cluster record %s: %w", key, err)
	}
	info, err := infoOf(cm)
	if err != nil {
		return nil, err
	}
	if opts.ClusterID != "" && opts.ClusterID != info.ID {
		return nil, &MismatchError{Flag: opts.ClusterID, Stored: info.ID, ConfigMap: key.String()}
	}
	s := &Store{client: c, key: key, id: info.ID, seen: map[string]map[string]bool{}}
	s.remember(info.Locations)
	return s, nil
}

// seed creates the record with the flag's ID, else the UID of namespace kube-system (the
// ID portico derived at every start before the record existed, so that load balancers made
// then keep their names). A replica that loses the race to create it reads the winner's.
func seed(ctx context.Context, c client.Client, key client.ObjectKey, flagID string) (*corev1.ConfigMap, error) {
	id := flagID
	if id == "" {
		ns := &corev1.Namespace{}
		if err := c.Get(ctx, client.ObjectKey{Name: "kube-system"}, ns); err != nil {
			return nil, fmt.Errorf("reading namespace kube-system to seed the cluster ID (or set --cluster-id): %w", err)
		}
		id = string(ns.UID)
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name,
			Labels: map[string]string{"app.kubernetes.io/name": "portico"}},
		Data: map[string]string{idKey: id},
	}
	err := c.Create(ctx, cm)
	if apierrors.IsAlreadyExists(err) {
		cm = &corev1.ConfigMap{}
		err = c.Get(ctx, key, cm)
	}
	if err != nil {
		return nil, fmt.Errorf("creating the cluster record (set --namespace or POD_NAMESPACE to the controller's namespace): %w", err)
	}
	return cm, nil
}

// ID returns the cluster ID.
func (s *Store) ID() string { return s.id }

// Info returns the record as it is in memory.
func (s *Store) Info() *Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := &Info{ID: s.id, ConfigMap: s.key.String(), Locations: map[string][]string{}}
	for provider := range s.seen {
		info.Locations[provider] = s.ofLocked(provider)
	}
	return info
}

// Of implements Locations, from memory.
func (s *Store) Of(provider string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ofLocked(provider)
}

func (s *Store) ofLocked(provider string) []string {
	out := make([]string, 0, len(s.seen[provider]))
	for l := range s.seen[provider] {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Record implements Locations: a new location is written to the ConfigMap before Record
// returns, so that a crash right after the provider creates resources there cannot hide
// them from the sweep; a known one writes nothing. An empty location records nothing.
func (s *Store) Record(ctx context.Context, provider, location string) error {
	if location == "" || s.knows(provider, location) {
		return nil
	}
	s.writing.Lock()
	defer s.writing.Unlock()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error { return s.write(ctx, provider, location) })
	if err != nil {
		return fmt.Errorf("recording location %q of provider %s in %s: %w", location, provider, s.key, err)
	}
	return nil
}

// write adds a location to the ConfigMap as it is now, and learns what others added. A
// ConfigMap deleted while the controller runs is created again with the ID in use.
func (s *Store) write(ctx context.Context, provider, location string) error {
	cm := &corev1.ConfigMap{}
	err := s.client.Get(ctx, s.key, cm)
	if apierrors.IsNotFound(err) {
		return s.recreate(ctx, provider, location)
	}
	if err != nil {
		return err
	}
	info, err := infoOf(cm)
	if err != nil {
		return err
	}
	if info.ID != s.id {
		// Someone reset the record while this controller ran: its locations are another ID's.
		return fmt.Errorf("the cluster record now holds cluster ID %q, but this controller runs as %q: restart it", info.ID, s.id)
	}
	s.remember(info.Locations)
	if s.knows(provider, location) {
		return nil
	}
	setLocations(cm, provider, append(info.Locations[provider], location))
	if err := s.client.Update(ctx, cm); err != nil {
		return err
	}
	s.remember(map[string][]string{provider: {location}})
	return nil
}

// recreate writes the whole record from memory, with one more location.
func (s *Store) recreate(ctx context.Context, provider, location string) error {
	info := s.Info()
	info.Locations[provider] = append(info.Locations[provider], location)
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: s.key.Namespace, Name: s.key.Name,
			Labels: map[string]string{"app.kubernetes.io/name": "portico"}},
		Data: map[string]string{idKey: s.id},
	}
	for p, ls := range info.Locations {
		setLocations(cm, p, ls)
	}
	err := s.client.Create(ctx, cm)
	if apierrors.IsAlreadyExists(err) {
		return apierrors.NewConflict(corev1.Resource("configmaps"), s.key.Name, err) // retried: read it again
	}
	if err != nil {
		return err
	}
	s.remember(map[string][]string{provider: {location}})
	return nil
}

func (s *Store) knows(provider, location string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[provider][location]
}

func (s *Store) remember(locations map[string][]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for provider, ls := range locations {
		if s.seen[provider] == nil {
			s.seen[provider] = map[string]bool{}
		}
		for _, l := range ls {
			s.seen[provider][l] = true
		}
	}
}
