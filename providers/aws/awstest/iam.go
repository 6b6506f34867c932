package awstest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// DefaultPrincipal is the caller awstest names in an AccessDenied message: the assumed
// role of a controller running with IRSA or EKS Pod Identity.
const DefaultPrincipal = "arn:aws:sts::123456789012:assumed-role/portico-controller/portico"

// Policy is an identity-based IAM policy that awstest enforces on every call, evaluated as
// IAM evaluates one: an explicit Deny wins, else some Allow must match the action, every
// resource acted on and the conditions, else the call is implicitly denied.
type Policy struct {
	// Principal is who the AccessDenied messages say was refused; set it before use.
	Principal string

	statements []statement
	mu         sync.Mutex
	used       map[string]bool
}

// PolicyAuthorizer parses a policy document (AWS's policy JSON) into a Policy whose
// Authorize method is an Options.Authorize. A document IAM would refuse is an error.
func PolicyAuthorizer(policyJSON []byte) (*Policy, error) {
	st, err := parsePolicy(policyJSON)
	if err != nil {
		return nil, err
	}
	return &Policy{Principal: DefaultPrincipal, statements: st, used: map[string]bool{}}, nil
}

// Authorize decides a call, as Options.Authorize: the action (service:Action), every
// resource it acts on (none means "*", as for a Describe), the tags the request sets
// (aws:RequestTag/K, and their keys as aws:TagKeys), the keys a removal names (also
// aws:TagKeys) and the service's other condition keys. It returns nil, or an
// *AccessDeniedError whose text is IAM's refusal for the first resource refused.
func (p *Policy) Authorize(r AuthRequest) error {
	resources := r.Resources
	if len(resources) == 0 {
		resources = []AuthResource{{ARN: "*"}}
	}
	lower := strings.ToLower(r.Action)
	for _, res := range resources {
		ctx := contextFor(r.Action, res, r)
		if explicit, ok := p.decide(lower, res.ARN, ctx); !ok {
			return p.denied(r.Action, res.ARN, explicit)
		}
	}
	p.mu.Lock()
	p.used[r.Action] = true
	p.mu.Unlock()
	return nil
}

// decide returns whether the statements allow the action on the resource, and whether a
// refusal is an explicit deny.
func (p *Policy) decide(action, resource string, ctx requestContext) (explicit, allowed bool) {
	for _, s := range p.statements {
		if s.deny && s.applies(action, resource, ctx) {
			return true, false
		}
	}
	for _, s := range p.statements {
		if !s.deny && s.applies(action, resource, ctx) {
			return false, true
		}
	}
	return false, false
}

// contextFor builds the request context IAM would see for one resource: the request's
// tags (aws:RequestTag/K), every tag key the request names, set or removed (aws:TagKeys),
// the resource's tags (aws:ResourceTag/K and the service's own alias, ec2:ResourceTag/K),
// and the service's other keys as the emulator passes them.
func contextFor(action string, res AuthResource, r AuthRequest) requestContext {
	ctx := requestContext{}
	keys := slices.Clone(r.TagKeys)
	for k, v := range r.RequestTags {
		ctx.set("aws:RequestTag/"+k, v)
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		slices.Sort(keys)
		ctx.set("aws:TagKeys", slices.Compact(keys)...)
	}
	svc := service(action)
	for k, v := range res.Tags {
		ctx.set("aws:ResourceTag/"+k, v)
		ctx.set(svc+":ResourceTag/"+k, v)
	}
	for k, v := range r.Context {
		ctx.set(k, v)
	}
	return ctx
}

// Used lists, sorted, every action the policy allowed at least once: the test that runs
// the provider's suite under the policy compares it with the policy's actions, so that an
// action the provider no longer calls cannot stay in the policy.
func (p *Policy) Used() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.used))
	for a := range p.used {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// denied is IAM's refusal, in the words AWS uses for an identity-based policy.
func (p *Policy) denied(action, resource string, explicit bool) error {
	why := "because no identity-based policy allows the " + action + " action"
	if explicit {
		why = "with an explicit deny in an identity-based policy"
	}
	return &AccessDeniedError{Message: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s %s", p.Principal, action, resource, why)}
}

// AccessDeniedError is IAM's refusal of a call. Its text is the message alone: the server
// answers it with each service's own code (AccessDenied, UnauthorizedOperation,
// AccessDeniedException) and status 403.
type AccessDeniedError struct{ Message string }

func (e *AccessDeniedError) Error() string { return e.Message }
