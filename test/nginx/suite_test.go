// Package nginx runs the portico controller with the provider nginx, a real nginx on
// loopback ports, against a real kube-apiserver and etcd (through test/nginxcluster), with
// echo backends behind Services and EndpointSlices: what a user curls is what nginx serves.
package nginx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/test/nginxcluster"
)

// The data plane's Service, whose cluster IP (then load-balancer IP) is every
// LoadBalancer's address (--publish-service).
const (
	publishNamespace = nginxcluster.PublishNamespace
	publishName      = nginxcluster.PublishName
)

var (
	env *nginxcluster.Env
	// settings are nginx's listen ports on loopback.
	settings nginxfallback.Settings
	// prefix is nginx's prefix directory.
	prefix string
	// provider is the provider nginx the controller runs.
	provider *nginxfallback.Provider
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	env, err = nginxcluster.Start(context.Background(), "nginxe2e")
	if errors.Is(err, nginxcluster.ErrNoNginx) {
		fmt.Fprintf(os.Stderr, "%v; skipping the nginx suite\n", err)
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	settings, prefix, provider = env.Settings, env.Prefix, env.Provider
	return m.Run()
}

// timeout bounds how long a test waits for the controller and nginx; generous, since the
// machine may be busy, and a test only waits that long when it is about to fail.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
