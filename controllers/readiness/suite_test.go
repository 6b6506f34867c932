package readiness

import (
	"context"
	"fmt"
	"os"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/internal/controlplane"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// The reconciler's tests call Reconcile directly against a real API server, through a
// client that reads a started cache with portico's indexes, as the manager's does.

var (
	// kube reads through the cache, as the reconciler's client does.
	kube client.Client
	// direct reads the API server, for what a test checks the reconciler wrote.
	direct client.Client
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	cp, err := controlplane.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = cp.Stop() }()
	if kube, err = cachedClient(cp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if direct, err = client.New(cp.Config, client.Options{Scheme: kube.Scheme()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func cachedClient(cp *controlplane.ControlPlane) (client.Client, error) {
	scheme, err := porticoscheme.New()
	if err != nil {
		return nil, err
	}
	c, err := cache.New(cp.Config, cache.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := index.Register(ctx, c); err != nil {
		return nil, err
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the cache did not sync")
	}
	return client.New(cp.Config, client.Options{Scheme: scheme, Cache: &client.CacheOptions{Reader: c}})
}
