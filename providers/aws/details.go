package aws

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers"
)

// DefaultDetailResync is how long what was read of a load balancer's listeners and rules
// serves when portico wrote none of them since: AWS reads them only per load balancer and
// per listener, so a resync of a thousand unchanged load balancers reads none of them, and
// a change made outside portico is repaired within this time.
const DefaultDetailResync = 10 * time.Minute

// lbDetails is what was read of one load balancer's listeners, by listener ARN.
type lbDetails struct {
	at        time.Time
	listeners map[string]*listenerDetail
}

// listenerDetail is a listener with its certificates (the default one first) and its
// rules but the default one.
type listenerDetail struct {
	Listener elbtypes.Listener
	Certs    []string
	Rules    []elbtypes.Rule
}

func (d *listenerDetail) clone() *listenerDetail {
	return &listenerDetail{Listener: d.Listener, Certs: slices.Clone(d.Certs), Rules: slices.Clone(d.Rules)}
}

// detailCache keeps the details of each load balancer, by ARN, which the provider's writes
// update in place: so that a listener or rule just created, which AWS may not list yet, is
// never created twice. A write whose outcome is unknown drops the entry.
type detailCache struct {
	mu      sync.Mutex
	entries map[string]*lbDetails
}

// get returns a copy of the load balancer's details if they are younger than ttl.
func (c *detailCache) get(lbARN string, now time.Time, ttl time.Duration) ([]*listenerDetail, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[lbARN]
	if !ok || now.Sub(e.at) >= ttl {
		return nil, false
	}
	out := make([]*listenerDetail, 0, len(e.listeners))
	for _, d := range e.listeners {
		out = append(out, d.clone())
	}
	slices.SortFunc(out, func(a, b *listenerDetail) int {
		return int(aws.ToInt32(a.Listener.Port) - aws.ToInt32(b.Listener.Port))
	})
	return out, true
}

func (c *detailCache) store(lbARN string, now time.Time, ds []*listenerDetail) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &lbDetails{at: now, listeners: map[string]*listenerDetail{}}
	for _, d := range ds {
		e.listeners[aws.ToString(d.Listener.ListenerArn)] = d.clone()
	}
	c.entries[lbARN] = e
}

// update changes one listener's entry (nil removes it), if the load balancer's are known.
func (c *detailCache) update(lbARN, listenerARN string, fn func(d *listenerDetail) *listenerDetail) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[lbARN]
	if !ok {
		return
	}
	d := e.listeners[listenerARN]
	if d != nil {
		d = d.clone()
	}
	if d = fn(d); d == nil {
		delete(e.listeners, listenerARN)
		return
	}
	e.listeners[listenerARN] = d
}

// forget drops what was read of a load balancer.
func (c *detailCache) forget(lbARN string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, lbARN)
}

// listenersOf returns a load balancer's listeners, their certificates and rules: from the
// cache, else read. A load balancer AWS does not find yet (just created) is a retryable
// error, never a reason to create it again.
func (r *reads) listenersOf(ctx context.Context, cs *Clients, lbARN string) ([]*listenerDetail, error) {
	now := r.p.opts.Clock.Now()
	if ds, ok := r.details.get(lbARN, now, r.p.opts.DetailResync); ok {
		return ds, nil
	}
	var ds []*listenerDetail
	var marker *string
	for {
		var out *elbv2.DescribeListenersOutput
		err := r.c.read(ctx, "elbv2.DescribeListeners", "describe listeners of "+lbARN, func() (err error) {
			out, err = cs.ELBV2.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(lbARN), Marker: marker})
			return err
		})
		if err != nil {
			return nil, notVisibleYet(err, "the load balancer "+lbARN)
		}
		for _, l := range out.Listeners {
			ds = append(ds, &listenerDetail{Listener: l})
		}
		if marker = out.NextMarker; aws.ToString(marker) == "" {
			break
		}
	}
	for _, d := range ds {
		if err := r.readListener(ctx, cs, d); err != nil {
			return nil, err
		}
	}
	r.details.store(lbARN, now, ds)
	ds, _ = r.details.get(lbARN, now, r.p.opts.DetailResync)
	return ds, nil
}

// readListener reads a listener's rules and, for HTTPS, its certificates.
func (r *reads) readListener(ctx context.Context, cs *Clients, d *listenerDetail) error {
	arn := aws.ToString(d.Listener.ListenerArn)
	var marker *string
	for {
		var out *elbv2.DescribeRulesOutput
		err := r.c.read(ctx, "elbv2.DescribeRules", "describe rules of "+arn, func() (err error) {
			out, err = cs.ELBV2.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: aws.String(arn), Marker: marker})
			return err
		})
		if err != nil {
			return notVisibleYet(err, "the listener "+arn)
		}
		for _, rule := range out.Rules {
			if !aws.ToBool(rule.IsDefault) {
				d.Rules = append(d.Rules, rule)
			}
		}
		if marker = out.NextMarker; aws.ToString(marker) == "" {
			break
		}
	}
	for _, c := range d.Listener.Certificates {
		d.Certs = append(d.Certs, aws.ToString(c.CertificateArn))
	}
	if d.Listener.Protocol != elbtypes.ProtocolEnumHttps {
		return nil
	}
	marker = nil
	for {
		var out *elbv2.DescribeListenerCertificatesOutput
		err := r.c.read(ctx, "elbv2.DescribeListenerCertificates", "describe certificates of "+arn, func() (err error) {
			out, err = cs.ELBV2.DescribeListenerCertificates(ctx, &elbv2.DescribeListenerCertificatesInput{ListenerArn: aws.String(arn), Marker: marker})
			return err
		})
		if err != nil {
			return notVisibleYet(err, "the listener "+arn)
		}
		for _, c := range out.Certificates {
			if a := aws.ToString(c.CertificateArn); !aws.ToBool(c.IsDefault) && !slices.Contains(d.Certs, a) {
				d.Certs = append(d.Certs, a)
			}
		}
		if marker = out.NextMarker; aws.ToString(marker) == "" {
			return nil
		}
	}
}

// notVisibleYet makes a not-found answer about a resource the batched reads showed
// retryable: AWS is eventually consistent, and a resource just created may not be found by
// ARN for a moment. Anything else stands.
func notVisibleYet(err error, what string) error {
	if providers.IsNotFound(err) {
		return providers.Retryable("NotVisibleYet", err, "%s is not visible yet; retrying", what)
	}
	return err
}
