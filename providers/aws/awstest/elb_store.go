package awstest

import (
	"maps"
	"sort"
	"strings"
	"time"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// elbState holds the ELBv2 resources by ARN, with the indexes that keep
// calls fast at a thousand load balancers: rules by listener, and which load
// balancers forward to each target group (rebuilt after rules change).
type elbState struct {
	lbs        map[string]*loadBalancer
	tgs        map[string]*targetGroup
	listeners  map[string]*listener
	rules      map[string]*rule
	byListener map[string]map[string]*rule // listener ARN → rule ARN → rule
	forwards   map[string]map[string]*rule // target group ARN → rule ARN → rule forwarding to it
}

func newELBState() elbState {
	return elbState{lbs: map[string]*loadBalancer{}, tgs: map[string]*targetGroup{},
		listeners: map[string]*listener{}, rules: map[string]*rule{}, byListener: map[string]map[string]*rule{},
		forwards: map[string]map[string]*rule{}}
}

// putRule stores a rule; reindex must follow any change of its actions.
func (e *elbState) putRule(r *rule) {
	e.rules[*r.v.RuleArn] = r
	if e.byListener[r.listener] == nil {
		e.byListener[r.listener] = map[string]*rule{}
	}
	e.byListener[r.listener][*r.v.RuleArn] = r
	e.reindex(r)
}

func (e *elbState) dropRule(r *rule) {
	delete(e.rules, *r.v.RuleArn)
	delete(e.byListener[r.listener], *r.v.RuleArn)
	if len(e.byListener[r.listener]) == 0 {
		delete(e.byListener, r.listener)
	}
	r.v.Actions = nil
	e.reindex(r)
}

// reindex records which target groups a rule forwards to now.
func (e *elbState) reindex(r *rule) {
	arn := *r.v.RuleArn
	for _, tg := range r.forwards {
		delete(e.forwards[tg], arn)
		if len(e.forwards[tg]) == 0 {
			delete(e.forwards, tg)
		}
	}
	r.forwards = forwardTargets(r.v.Actions)
	for _, tg := range r.forwards {
		if e.forwards[tg] == nil {
			e.forwards[tg] = map[string]*rule{}
		}
		e.forwards[tg][arn] = r
	}
}

// meta is what every stored resource has: its creation order, the reads it
// stays invisible for (eventual consistency) and its tags.
type meta struct {
	seq    int
	hidden int
	tags   map[string]string
}

// seen counts one read of the resource and reports whether it sees it.
func (m *meta) seen() bool {
	if m.hidden > 0 {
		m.hidden--
		return false
	}
	return true
}

type loadBalancer struct {
	meta
	v            elbtypes.LoadBalancer
	attrs        map[string]string
	provisioning int // describes left that report it provisioning
}

type targetGroup struct {
	meta
	v       elbtypes.TargetGroup
	attrs   map[string]string
	targets map[string]*target // by "id:port"
}

type target struct {
	id       string
	port     int32
	az       string
	seq      int
	initial  int // health reads left that report it initial
	draining bool
	until    time.Time // when a draining target is gone
	forced   *elbtypes.TargetHealth
}

type listener struct {
	meta
	v     elbtypes.Listener
	certs []string // certificates added besides the default, in order
}

type rule struct {
	meta
	v        elbtypes.Rule
	listener string
	forwards []string // the target groups its actions forward to, as indexed
}

// meta returns the stored metadata (tags, visibility) of any ELBv2 resource,
// and whether it exists.
func (e *elbState) meta(arn string) (*meta, bool) {
	switch arnKind(arn) {
	case "loadbalancer":
		if lb, ok := e.lbs[arn]; ok {
			return &lb.meta, true
		}
	case "targetgroup":
		if tg, ok := e.tgs[arn]; ok {
			return &tg.meta, true
		}
	case "listener":
		if l, ok := e.listeners[arn]; ok {
			return &l.meta, true
		}
	case "listener-rule":
		if r, ok := e.rules[arn]; ok {
			return &r.meta, true
		}
	}
	return nil, false
}

// notFoundFor is the *NotFound error of an ARN's kind.
func notFoundFor(arn string) error {
	switch arnKind(arn) {
	case "targetgroup":
		return errNotFound("TargetGroupNotFound", "Target groups '%s' not found", arn)
	case "listener":
		return errNotFound("ListenerNotFound", "Listener '%s' not found", arn)
	case "listener-rule":
		return errNotFound("RuleNotFound", "Rule '%s' not found", arn)
	case "loadbalancer":
		return errNotFound("LoadBalancerNotFound", "Load balancers '%s' not found", arn)
	}
	return errValidation("'%s' is not a valid load balancer, target group, listener or rule ARN", arn)
}

// listenersOf lists a load balancer's listeners in creation order.
func (e *elbState) listenersOf(lbARN string) []*listener {
	var out []*listener
	for _, l := range e.listeners {
		if *l.v.LoadBalancerArn == lbARN {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// rulesOf lists a listener's rules by priority, the default rule last.
func (e *elbState) rulesOf(listenerARN string) []*rule {
	out := make([]*rule, 0, len(e.byListener[listenerARN]))
	for _, r := range e.byListener[listenerARN] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return rulePriority(out[i]) < rulePriority(out[j]) })
	return out
}

// rulePriority orders rules; the default rule sorts after every priority.
func rulePriority(r *rule) int {
	if *r.v.IsDefault {
		return 1 << 30
	}
	return atoi(*r.v.Priority)
}

// targetGroupUsers lists the load balancers whose listeners or rules forward
// to a target group.
func (e *elbState) targetGroupUsers(tgARN string) []string {
	set := map[string]bool{}
	for _, r := range e.forwards[tgARN] {
		set[*e.listeners[r.listener].v.LoadBalancerArn] = true
	}
	return sortedKeys(set)
}

// forwardTargets lists the target groups actions forward to.
func forwardTargets(actions []elbtypes.Action) []string {
	var out []string
	for _, a := range actions {
		if a.TargetGroupArn != nil {
			out = append(out, *a.TargetGroupArn)
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				if t.TargetGroupArn != nil {
					out = append(out, *t.TargetGroupArn)
				}
			}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func elbTags(tags map[string]string) []elbtypes.Tag {
	out := make([]elbtypes.Tag, 0, len(tags))
	for _, k := range sortedKeys(tags) {
		out = append(out, elbtypes.Tag{Key: ptr(k), Value: ptr(tags[k])})
	}
	return out
}

// tagMap reads request tags, refusing a key given twice as AWS does.
func tagMap(tags []elbtypes.Tag, limit int) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range tags {
		if t.Key == nil || *t.Key == "" || len(*t.Key) > 128 {
			return nil, errValidation("a tag key must be 1 to 128 characters")
		}
		if strings.HasPrefix(*t.Key, "aws:") {
			return nil, errValidation("Tag keys starting with 'aws:' are reserved")
		}
		if _, dup := out[*t.Key]; dup {
			return nil, apiErr("DuplicateTagKeys", "Tag key '%s' is duplicated", *t.Key)
		}
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		if len(v) > 256 {
			return nil, errValidation("a tag value must be at most 256 characters")
		}
		out[*t.Key] = v
	}
	if len(out) > limit {
		return nil, apiErr("TooManyTags", "a resource can have at most %d tags", limit)
	}
	return out, nil
}

func cloneTags(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return maps.Clone(t)
}
