package aws_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	awsretry "github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/providertest"
)

// The contract's two regions, each an awstest of its own.
var contractRegions = []string{"us-west-2", "us-east-1"}

// The nodes of every region, for instance targets.
var contractNodes = []struct{ id, subnet, ip, zone string }{
	{"i-0a0000000000000a1", "subnet-0a00000000000000a", "10.0.0.10", "a"},
	{"i-0b0000000000000b2", "subnet-0b00000000000000b", "10.0.16.10", "b"},
}

// TestContract runs the provider contract suite against awstest, through the real SDK.
// Every cloud grants exactly the IAM policy of docs/install-aws.md: a call it does not allow
// fails with AccessDenied, and after the suite every action of the policy must have been
// allowed at least once, so the policy holds nothing the provider does not use.
func TestContract(t *testing.T) {
	policy, err := awstest.PolicyAuthorizer(aws.PolicyJSON())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { checkPolicyUsed(t, policy) })
	t.Run("PolicyOfDiscoveredCertificates", func(t *testing.T) { discoveryUnderPolicy(t, policy) })
	t.Run("PolicyOfUpdatesInPlace", func(t *testing.T) { updatesUnderPolicy(t, policy) })
	providertest.Run(t, providertest.Harness{
		NewCloud: func(t testing.TB) providertest.Cloud { return newContractCloud(t, policy) },
		Kinds:    append(slices.Clone(aws.Kinds), aws.KindListenerRule),
		// AWS reads listeners per load balancer, rules per listener, targets per target
		// group, and each certificate's tags once; the contract's resources of these kinds
		// bound those reads.
		ReadOneAtATime: []string{aws.KindListener, aws.KindListenerRule, aws.KindTargetGroup, aws.KindCertificate},
		// ELBv2 describes return at most 400 resources a page, but their tags, which say
		// who owns them, are read 20 ARNs a call (DescribeTags): 20 is what one read of
		// the kinds read with their tags covers.
		PageSize: 20,
		Targets:  contractTargets,
		Locations: []*v1alpha1.IngressClassParamsSpec{
			{Provider: v1alpha1.ProviderAWS, AWS: &v1alpha1.AWSParams{Region: contractRegions[0]}},
			{Provider: v1alpha1.ProviderAWS, AWS: &v1alpha1.AWSParams{Region: contractRegions[1]}},
		},
	})
}

// contractTargets are pods inside the VPC, or the seeded nodes on a NodePort.
func contractTargets(lb string, b v1alpha1.Backend) []providers.Target {
	h := fnv.New32a()
	h.Write([]byte(lb + "/" + b.Name))
	n := h.Sum32()
	if b.TargetType == v1alpha1.TargetTypeInstance {
		port := int32(30000 + n%2000)
		var out []providers.Target
		for _, node := range contractNodes {
			out = append(out, providers.Target{IP: node.ip, Port: port, Node: "node-" + node.zone, Zone: "us-west-2" + node.zone,
				ProviderID: "aws:///us-west-2" + node.zone + "/" + node.id})
		}
		return out
	}
	third := 32 + n%64
	return []providers.Target{
		{IP: fmt.Sprintf("10.0.%d.%d", third, 1+n%250), Port: 8080},
		{IP: fmt.Sprintf("10.0.%d.%d", third+64, 1+n%250), Port: 8080},
	}
}

// contractCloud is one awstest per region as the contract suite sees them; its transport
// fails the write the suite asks for.
type contractCloud struct {
	srvs    map[string]*awstest.Server
	clients map[string]*aws.Clients
	fail    *failingTransport
}

var _ providertest.Cloud = (*contractCloud)(nil)

func newContractCloud(t testing.TB, policy *awstest.Policy) providertest.Cloud {
	c := &contractCloud{srvs: map[string]*awstest.Server{}, clients: map[string]*aws.Clients{}, fail: &failingTransport{}}
	for _, region := range contractRegions {
		srv := awstest.New(awstest.Options{Region: region, Limits: awstest.Limits{LoadBalancers: 1000, TargetGroups: 5000},
			Authorize: policy.Authorize})
		t.Cleanup(srv.Close)
		srv.SeedDefault()
		for _, n := range contractNodes {
			srv.AddInstance(n.id, awstest.DefaultVPC, n.subnet, n.ip, awstest.DefaultNodeSecurityGroup)
		}
		c.srvs[region] = srv
		c.clients[region] = aws.ClientsOf(c.config(srv))
	}
	c.fail.next = c.srvs[contractRegions[0]].HTTPClient().Transport
	return c
}

// config is the server's SDK configuration, through the failing transport, whose crash the
// SDK's retryer must not retry: the controller that made the write is gone.
func (c *contractCloud) config(srv *awstest.Server) awssdk.Config {
	cfg := srv.Config()
	cfg.HTTPClient = &http.Client{Transport: c.fail}
	cfg.Retryer = func() awssdk.Retryer {
		return awsretry.NewStandard(func(o *awsretry.StandardOptions) {
			// The standard retryer, with short waits so that the suite is fast, and no
			// retry quota: the suite's faults are denser than AWS's.
			o.Backoff = awsretry.NewExponentialJitterBackoff(4 * time.Millisecond)
			o.RateLimiter = ratelimit.None
			o.Retryables = append([]awsretry.IsErrorRetryable{awsretry.IsErrorRetryableFunc(func(err error) awssdk.Ternary {
				if errors.Is(err, errCrash) {
					return awssdk.FalseTernary
				}
				return awssdk.UnknownTernary
			})}, o.Retryables...)
		})
	}
	return cfg
}

func (c *contractCloud) Provider(clusterID string) providers.Provider {
	home := c.clients[contractRegions[0]]
	return aws.New(aws.Options{ClusterID: clusterID, Region: contractRegions[0], VPC: awstest.DefaultVPC,
		NodeSecurityGroups: []string{awstest.DefaultNodeSecurityGroup},
		ELBV2:              home.ELBV2, EC2: home.EC2, ACM: home.ACM,
		Regional: func(_ context.Context, region string) (*aws.Clients, error) {
			if cs, ok := c.clients[region]; ok {
				return cs, nil
			}
			return nil, fmt.Errorf("no emulator for region %s", region)
		}})
}

func (c *contractCloud) Counts() providertest.Counts {
	var out providertest.Counts
	for _, srv := range c.srvs {
		out.Reads += srv.Reads()
		out.Writes += srv.Writes()
	}
	return out
}

func (c *contractCloud) FailWrite(n int, landed bool) { c.fail.arm(n, landed) }

// kinds maps awstest's kinds to the provider's.
var kinds = map[string]string{
	"LoadBalancer": aws.KindLoadBalancer, "TargetGroup": aws.KindTargetGroup, "Listener": aws.KindListener,
	"Rule": aws.KindListenerRule, "SecurityGroup": aws.KindSecurityGroup, "Certificate": aws.KindCertificate,
	"SecurityGroupRule": aws.KindSecurityGroupRule,
}

func (c *contractCloud) Resources() []providertest.Resource {
	var out []providertest.Resource
	for region, srv := range c.srvs {
		for _, r := range srv.Inventory() {
			if r.ID == awstest.DefaultNodeSecurityGroup {
				continue // the nodes' group, which the test made
			}
			if r.Kind == "Rule" && r.Name == "default" {
				continue // a listener's default rule is part of the listener
			}
			out = append(out, providertest.Resource{Location: region, Kind: kinds[r.Kind], Name: nameOf(r), Owner: ownerOfTags(r.Tags)})
		}
		out = append(out, nodeRules(region, srv)...)
	}
	return out
}

// ownerOfTags is who tags say own a resource: a load balancer, or the cluster for what its
// load balancers share (tags naming a cluster but no load balancer).
func ownerOfTags(tags map[string]string) providers.Owner {
	if o, ok := providers.OwnerFromTags(tags); ok {
		return o
	}
	if tags[providers.TagManagedBy] == "portico" {
		return providers.Owner{ClusterID: tags[providers.TagCluster]}
	}
	return providers.Owner{}
}

// nodeRules are the rules of the nodes' group that let one of the clusters' groups in,
// each owned by the owner of its source group and named by the tag of that group.
func nodeRules(region string, srv *awstest.Server) []providertest.Resource {
	sources := map[string]awstest.Resource{}
	for _, r := range srv.Inventory() {
		if r.Kind == "SecurityGroup" {
			sources[r.ID] = r
		}
	}
	g, _ := srv.SecurityGroup(awstest.DefaultNodeSecurityGroup)
	var out []providertest.Resource
	for _, p := range g.IpPermissions {
		for _, pair := range p.UserIdGroupPairs {
			src := sources[awssdk.ToString(pair.GroupId)]
			o := ownerOfTags(src.Tags)
			name := providers.Namer{ClusterID: o.ClusterID, MaxLength: 32}.Name("sgr", o.LoadBalancer, awstest.DefaultNodeSecurityGroup, src.Name)
			out = append(out, providertest.Resource{Location: region, Kind: aws.KindSecurityGroupRule, Name: name, Owner: o})
		}
	}
	return out
}

// nameOf is a resource's name as the provider reports it: its own, else (a resource AWS
// gives no name) the one its tag records, else its ID.
func nameOf(r awstest.Resource) string {
	switch {
	case r.Kind == "LoadBalancer" || r.Kind == "TargetGroup" || r.Kind == "SecurityGroup":
		return r.Name
	case r.Tags[aws.TagResource] != "":
		return r.Tags[aws.TagResource]
	}
	return r.ID
}

// Route evaluates the load balancer's listener rules in awstest, on the HTTP listener, or
// the HTTPS one when HTTP redirects, and maps the target group chosen back to the spec's
// backend by the Service its tag names.
func (c *contractCloud) Route(clusterID string, want *providers.Desired, host, path string) (string, bool) {
	if path == "" {
		path = "/"
	}
	srv := c.srvs[want.Ref.Location]
	if srv == nil {
		srv = c.srvs[contractRegions[0]]
	}
	var lbARN string
	services := map[string]string{}
	for _, r := range srv.Inventory() {
		o, ok := providers.OwnerFromTags(r.Tags)
		if !ok || o.ClusterID != clusterID || o.LoadBalancer != want.Ref.Name {
			continue
		}
		switch r.Kind {
		case "LoadBalancer":
			lbARN = r.ID
		case "TargetGroup":
			services[r.ID] = r.Tags[aws.TagService]
		}
	}
	for _, port := range []int32{80, 443} {
		rules, ok := srv.ListenerRules(lbARN, port)
		if !ok {
			continue
		}
		rule, err := awstest.Evaluate(rules, awstest.Request{Host: host, Path: path})
		if err != nil {
			return "evaluation failed: " + err.Error(), true
		}
		for _, a := range rule.Actions {
			switch {
			case a.RedirectConfig != nil:
				continue
			case a.FixedResponseConfig != nil:
				return "", false
			}
			arn := awssdk.ToString(a.TargetGroupArn)
			if arn == "" && a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
				arn = awssdk.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
			}
			for _, b := range want.Spec.Backends {
				port := b.Service.PortName
				if port == "" {
					port = fmt.Sprint(b.Service.PortNumber)
				}
				if services[arn] == b.Service.Namespace+"/"+b.Service.Name+":"+port {
					return b.Name, true
				}
			}
			return "target group " + arn, true
		}
	}
	return "", false
}

// errCrash is the answer of the write that fails: the controller that made it is gone.
var errCrash = errors.New("the controller crashed")

// failingTransport fails the nth write from when it is armed: before sending it, or after
// (the write landed, its answer was lost). Writes are every call but a describe or list.
type failingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	n      int
	landed bool
	// lose is the share of writes whose answer is lost after they land; rand draws them,
	// and lost counts them.
	lose float64
	rand *rand.Rand
	lost int
}

func (f *failingTransport) arm(n int, landed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n, f.landed = n, landed
}

// isWrite tells a write by its action: a Query API's Action= (ELBv2, EC2) or ACM's target.
func isWrite(r *http.Request, body []byte) bool {
	action := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndex(action, "."); i >= 0 {
		action = action[i+1:]
	}
	if action == "" {
		for _, kv := range strings.Split(string(body), "&") {
			if v, ok := strings.CutPrefix(kv, "Action="); ok {
				action = v
			}
		}
	}
	return !strings.HasPrefix(action, "Describe") && !strings.HasPrefix(action, "List")
}

func (f *failingTransport) due(r *http.Request, body []byte) (fail, landed bool) {
	if !isWrite(r, body) {
		return false, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		if f.lose > 0 && f.rand.Float64() < f.lose {
			f.lost++
			return true, true
		}
		return false, false
	}
	f.n--
	return f.n == 0, f.landed
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	fail, landed := f.due(r, body)
	if !fail {
		return f.next.RoundTrip(r)
	}
	if landed {
		if resp, err := f.next.RoundTrip(r); err == nil {
			_ = resp.Body.Close()
		}
	}
	f.mu.Lock()
	armed := f.n > 0 || f.lose == 0
	f.mu.Unlock()
	if !armed {
		return nil, errLost // a random loss, which the SDK retries as it would AWS's
	}
	return nil, errCrash
}

// errLost is a lost answer: the connection reset after the write landed.
var errLost = errors.New("read: connection reset by peer")
