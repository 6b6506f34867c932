package nginxfallback

import (
	"context"
	"fmt"
	"os"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// checkAlone validates e on its own with `nginx -t`, as if it were the only load balancer,
// before it joins the load of all the others: nginx refuses a whole configuration, and a load
// that included one bad load balancer would fail every good one loaded with it. Only a change
// of what can make nginx refuse (the spec, the certificates) is checked; a change of targets,
// which the renderer checks itself, is not, so endpoint churn runs no `nginx -t`.
func (p *Provider) checkAlone(ctx context.Context, e, cur *entry) error {
	if cur != nil && cur.shape == e.shape {
		return nil
	}
	in := Input{Settings: p.sup.opts.Settings, LoadBalancers: []LoadBalancer{e.lb}, HostOwners: map[v1alpha1.Hostname]string{}}
	for _, claim := range providers.Claims(&e.lb.Spec) {
		if claim == "" {
			in.CatchAll = e.lb.Name
		} else {
			in.HostOwners[claim] = e.lb.Name
		}
	}
	config, err := Render(in)
	if err != nil {
		return fmt.Errorf("render the nginx configuration: %w", err)
	}
	files, err := certificateFiles(ctx, in)
	if err != nil {
		return err
	}
	// In the prefix, the one directory nginx's process may write (the root filesystem is
	// read-only in the cluster); the Writer touches only its own files there.
	stage, err := os.MkdirTemp(p.sup.opts.Dir, ".check-")
	if err != nil {
		return fmt.Errorf("create a directory to check the load balancer: %w", err)
	}
	defer func() { _ = os.RemoveAll(stage) }()
	if err := writeTree(stage, config, files); err != nil {
		return err
	}
	return Validate(ctx, p.sup.opts.Nginx, stage)
}
