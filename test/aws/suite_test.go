// Package aws runs the portico controller with the aws provider against a real
// kube-apiserver and etcd (through testenv) and awstest, the ELBv2, EC2 and ACM emulator, in
// process: the SDK calls the provider makes are the ones it makes against AWS, and awstest
// decides each of them with the IAM policy of docs/install-aws.md, so that the suite also
// proves the policy lets the controller do its work.
package aws

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/testenv"
)

const (
	clusterID = "awse2e"
	region    = "us-west-2"
	// healthyAfterReads is how many DescribeTargetHealth answers report a new target
	// "initial" before it is "healthy", as AWS's health checks take a few intervals: long
	// enough for a test to hold a target unhealthy before the emulator lets it pass.
	healthyAfterReads = 6
	// dependencyDelay is how many DeleteSecurityGroup calls answer DependencyViolation after
	// the ALB is deleted, as AWS keeps its interfaces a while: every delete of the suite
	// goes through the retries.
	dependencyDelay = 2
)

var (
	env    *testenv.Env
	srv    *awstest.Server
	policy *awstest.Policy
	prov   *restartable
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	policy, err = awstest.PolicyAuthorizer(aws.PolicyJSON())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	policy.Principal = awstest.DefaultPrincipal
	srv = awstest.New(awstest.Options{Region: region, Authorize: policy.Authorize, HealthyAfterReads: healthyAfterReads,
		DependencyDelay: dependencyDelay,
		// An account running more ALBs than AWS's default 50 a region has the quota raised.
		Limits: awstest.Limits{LoadBalancers: 100}})
	defer srv.Close()
	srv.SeedDefault()
	prov = &restartable{}
	prov.restart()
	env, err = testenv.Start(context.Background(), testenv.Options{
		ClusterID:      clusterID,
		ExtraProviders: []providers.Provider{prov},
		ClassProvider:  v1alpha1.ProviderAWS,
		// Health changes without a Kubernetes event: the tests of unhealthy targets wait for
		// the controller to look again.
		HealthResync: time.Second,
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
	code := m.Run()
	if denied := deniedCalls(); len(denied) > 0 {
		fmt.Fprintf(os.Stderr, "the IAM policy refused calls made to awstest:\n%s\n", strings.Join(denied, "\n"))
		return 1
	}
	return code
}

// deniedCalls lists the calls awstest refused in IAM's name: the policy must allow every
// call the controller makes, whatever the tests asserted (the tests' own reads go through
// it too, as an operator's would).
func deniedCalls() []string {
	var out []string
	for _, c := range srv.Calls() {
		switch c.Code {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
			out = append(out, c.Service+":"+c.Action+" "+c.Code)
		}
	}
	return out
}

// restartable is the aws provider as `portico controller --providers aws` builds it, with
// the SDK's clients pointed at awstest; restart replaces it by a new one, as a restarted
// controller process gets, with nothing read yet. It records the load balancers it ensured
// since, to tell when a restarted controller has passed over one.
type restartable struct {
	*aws.Provider
	mu      sync.Mutex
	ensured map[string]int
}

// restart builds a new provider; call it while the controller is stopped.
func (r *restartable) restart() {
	clients := aws.ClientsOf(srv.Config())
	r.Provider = aws.New(aws.Options{
		ClusterID: clusterID, Region: region, VPC: awstest.DefaultVPC,
		// The nodes' security group lets each load balancer in on its target ports.
		NodeSecurityGroups: []string{awstest.DefaultNodeSecurityGroup},
		ELBV2:              clients.ELBV2, EC2: clients.EC2, ACM: clients.ACM,
		HealthResync: 500 * time.Millisecond,
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ensured = map[string]int{}
}

func (r *restartable) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	obs, err := r.Provider.Ensure(ctx, want)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		r.ensured[want.Ref.Name]++
	}
	return obs, err
}

// passes counts the successful Ensures of a load balancer since the last restart.
func (r *restartable) passes(lb string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ensured[lb]
}

// timeout bounds how long a test waits for the controller.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
