package awstest

import (
	"context"
	"hash/fnv"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Clock tells the time; tests inject one to move deregistration delays along.
type Clock interface{ Now() time.Time }

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// Options configure a Server. The zero value is a permissive emulator in
// us-west-2 whose resources are visible, active and healthy at once.
type Options struct {
	// Region and AccountID appear in every ARN; default "us-west-2" and "123456789012".
	Region, AccountID string
	// PageSize caps every page below what the caller asks, to exercise
	// pagination; 0 leaves the caller's page size (or the API's default).
	PageSize int
	// ProvisioningReads is the number of describes that report a new load
	// balancer "provisioning" before it is "active".
	ProvisioningReads int
	// HealthyAfterReads is the number of DescribeTargetHealth answers that
	// report a registered target "initial" before it is "healthy".
	HealthyAfterReads int
	// VisibilityDelay is the number of describes that do not see a resource
	// just created (by ARN they answer its *NotFound), as AWS's eventual
	// consistency does.
	VisibilityDelay int
	// DependencyDelay is the number of DeleteSecurityGroup calls that still
	// answer DependencyViolation after the load balancer using the group is
	// deleted, as AWS releases a load balancer's network interfaces a while
	// after the load balancer is gone.
	DependencyDelay int
	// Clock drives deregistration delays and creation times; nil is the wall clock.
	Clock Clock
	// Faults are injected from the start; SetFaults changes them.
	Faults Faults
	// Authorize decides every call as IAM would; a non-nil error answers
	// AccessDenied (ELBv2), AccessDeniedException (ACM) or
	// UnauthorizedOperation (EC2) with 403 and IAM's message: an
	// *AccessDeniedError's (Policy refuses with one), else IAM's implicit deny
	// of the first resource. It is called with the server's lock held and
	// must not call the server.
	Authorize func(AuthRequest) error
	// Limits are the service quotas enforced; zero fields take AWS's defaults.
	Limits Limits
}

// AuthRequest is what IAM decides on for one call.
type AuthRequest struct {
	// Action is "elasticloadbalancing:CreateLoadBalancer", "ec2:CreateSecurityGroup", "acm:ImportCertificate", ...
	Action string
	// Resources are the resources acted on with their current tags; for a
	// create the new ARN; a single "*" for a describe.
	Resources []AuthResource
	// RequestTags are the tags the request sets (aws:RequestTag/KEY); their
	// keys are among aws:TagKeys.
	RequestTags map[string]string
	// TagKeys are the keys a removal names (RemoveTags, DeleteTags,
	// RemoveTagsFromCertificate), which IAM sees as aws:TagKeys: a removal
	// sets no value, so these keys are in no RequestTags.
	TagKeys []string
	// Context holds other condition keys, e.g. "elasticloadbalancing:CreateAction",
	// and those of every request: aws:RequestedRegion, and ec2:Region for EC2.
	Context map[string]string
}

// AuthResource is one resource of an AuthRequest.
type AuthResource struct {
	ARN  string
	Tags map[string]string
}

// Limits are service quotas as AWS documents them.
type Limits struct {
	RulesPerListener        int // not counting the default rule; 100
	ConditionValuesPerRule  int // 5
	CertificatesPerListener int // 25, the default certificate included
	TargetsPerTargetGroup   int // 1000
	LoadBalancers           int // 50 application load balancers per region
	TargetGroups            int // 3000 per region
	ListenersPerLB          int // 50
	TagsPerResource         int // 50
	IngressRulesPerGroup    int // 60
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.RulesPerListener, 100)
	def(&l.ConditionValuesPerRule, 5)
	def(&l.CertificatesPerListener, 25)
	def(&l.TargetsPerTargetGroup, 1000)
	def(&l.LoadBalancers, 50)
	def(&l.TargetGroups, 3000)
	def(&l.ListenersPerLB, 50)
	def(&l.TagsPerResource, 50)
	def(&l.IngressRulesPerGroup, 60)
	return l
}

// Server is an httptest server speaking the ELBv2 and EC2 Query APIs and
// ACM's JSON API.
type Server struct {
	http *httptest.Server
	opts Options

	mu     sync.Mutex
	ids    *rand.Rand
	faults faultState
	calls  []Call
	nextID int
	elb    elbState
	ec2    ec2State
	acm    acmState
}

// New starts a Server; Close it when done.
func New(opts Options) *Server {
	if opts.Region == "" {
		opts.Region = "us-west-2"
	}
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	opts.Limits = opts.Limits.withDefaults()
	// Ids repeat from run to run but differ between regions and accounts, as
	// a test with two servers (two regions) expects of AWS.
	seed := fnv.New64a()
	seed.Write([]byte(opts.Region + "/" + opts.AccountID))
	s := &Server{opts: opts, ids: rand.New(rand.NewSource(int64(seed.Sum64()))), elb: newELBState(), ec2: newEC2State(), acm: newACMState()}
	s.faults.set(opts.Faults)
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the endpoint all three services answer on.
func (s *Server) URL() string { return s.http.URL }

// HTTPClient is an HTTP client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.http.Client() }

// Close shuts the server down.
func (s *Server) Close() { s.http.Close() }

// Config is an aws.Config for the SDK's clients: static credentials, the
// server's region and URL, and the SDK's default (standard) retryer.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       s.opts.Region,
		BaseEndpoint: aws.String(s.URL()),
		HTTPClient:   s.HTTPClient(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAAWSTESTEMULATOR", SecretAccessKey: "awstest", Source: "awstest"}, nil
		}),
	}
}

func (s *Server) now() time.Time { return s.opts.Clock.Now().UTC() }
