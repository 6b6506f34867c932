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

	"github.com/portico-dev/portico/testenv"
)

var env *testenv.Env

// syncPeriod is short, so that the resync tests see several resyncs in a few seconds.
const syncPeriod = 2 * time.Second

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	var err error
	env, err = testenv.Start(ctx, testenv.Options{ClusterID: "e2e", SyncPeriod: syncPeriod})
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

// timeout bounds how long a test waits for the controller; it is generous because the
// machine may be busy, and a test only waits that long when it is about to fail.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
