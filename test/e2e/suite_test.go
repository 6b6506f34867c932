// Package e2e runs the portico controller with the fake provider against a real
// kube-apiserver and etcd (through the public testenv package), and checks what a user sees:
// addresses, conditions, Events, kubectl output, and the cloud resources behind them.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/testenv"
)

var (
	env *testenv.Env
	// other is a second fake cloud, run as provider "nginx", for moves between providers.
	other *fake.Cloud
)

// quietPeriod is the suite's sync period: long, so that no test passes only because a
// periodic resync repaired what an event should have done.
const quietPeriod = 10 * time.Hour

// syncPeriod is the short sync period of the tests of resyncs.
const syncPeriod = 2 * time.Second

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	other = fake.NewCloud()
	var err error
	env, err = testenv.Start(ctx, testenv.Options{
		ClusterID:      "e2e",
		SyncPeriod:     quietPeriod,
		ExtraProviders: []providers.Provider{renamed{fake.New(other, fake.Options{ClusterID: "e2e"}), "nginx"}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	return m.Run()
}

// renamed runs a fake provider under another provider's name: a second cloud.
type renamed struct {
	*fake.Provider
	name string
}

func (r renamed) Name() string { return r.name }

// timeout bounds how long a test waits for the controller; it is generous because the
// machine may be busy, and a test only waits that long when it is about to fail.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// withSyncPeriod restarts the controller with another sync period for one test.
func withSyncPeriod(t *testing.T, d time.Duration) {
	t.Helper()
	restart := func(d time.Duration) {
		if err := env.StopController(); err != nil {
			t.Fatal(err)
		}
		env.SetSyncPeriod(d)
		if err := env.StartController(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	restart(d)
	t.Cleanup(func() { restart(quietPeriod) })
}
