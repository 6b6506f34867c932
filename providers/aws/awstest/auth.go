package awstest

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// authorize asks Options.Authorize about this call; every handler calls it
// before it changes anything, with the resources it acts on.
func (s *Server) authorize(r *request, resources []AuthResource, requestTags, context map[string]string) error {
	return s.authorizeAs(r, r.action, resources, requestTags, context)
}

// authorizeCreate asks about a create of arn: the action itself and, when
// the create sets tags, the tagging action with the CreateAction condition
// key, as AWS asks for tag-on-create.
func (s *Server) authorizeCreate(r *request, arn string, tags map[string]string) error {
	return s.authorizeCreateOf(r, []AuthResource{resource(arn, nil)}, []string{arn}, tags)
}

// authorizeCreateOf asks about a create whose action IAM checks on resources (for
// CreateListener the load balancer, for CreateRule the listener, as the Service
// Authorization Reference lists them) and whose tags it checks on made, the new
// resources, with the tagging action and CreateAction.
func (s *Server) authorizeCreateOf(r *request, resources []AuthResource, made []string, tags map[string]string) error {
	var ctx map[string]string
	tagAction := "AddTagsToCertificate"
	switch r.service {
	case serviceELB:
		ctx, tagAction = map[string]string{"elasticloadbalancing:CreateAction": r.action}, "AddTags"
	case serviceEC2:
		ctx, tagAction = map[string]string{"ec2:CreateAction": r.action}, "CreateTags"
	}
	r.more = len(tags) > 0
	err := s.authorize(r, resources, tags, ctx)
	r.more = false
	if err != nil || len(tags) == 0 {
		return err
	}
	var tagged []AuthResource
	for _, arn := range made {
		tagged = append(tagged, resource(arn, nil))
	}
	return s.authorizeAs(r, tagAction, tagged, tags, ctx)
}

// authorizeUntag asks about a call that removes the tag keys from resources:
// IAM sees the keys as aws:TagKeys, which is how a policy keeps a tag on.
func (s *Server) authorizeUntag(r *request, resources []AuthResource, keys []string) error {
	return s.ask(r, AuthRequest{Action: r.service + ":" + r.action, Resources: resources, TagKeys: slices.Clone(keys)})
}

// authorizeAs asks about action, an action of the called service.
func (s *Server) authorizeAs(r *request, action string, resources []AuthResource, requestTags, context map[string]string) error {
	return s.ask(r, AuthRequest{Action: r.service + ":" + action, Resources: resources,
		RequestTags: maps.Clone(requestTags), Context: maps.Clone(context)})
}

// withRegion adds the keys every request of the region carries: the global
// aws:RequestedRegion and, for EC2, ec2:Region, which policies use to keep a role in
// its regions.
func (s *Server) withRegion(service string, context map[string]string) map[string]string {
	out := maps.Clone(context)
	if out == nil {
		out = map[string]string{}
	}
	out["aws:RequestedRegion"] = s.opts.Region
	if service == serviceEC2 {
		out["ec2:Region"] = s.opts.Region
	}
	return out
}

// ask puts one question to Options.Authorize. A dry run ends at its last question:
// EC2 answers a permitted dry run with an error and changes nothing.
func (s *Server) ask(r *request, req AuthRequest) error {
	r.authorized = true
	req.Context = s.withRegion(r.service, req.Context)
	if s.opts.Authorize != nil {
		if err := s.opts.Authorize(req); err != nil {
			return refusal(r.service, req, err)
		}
	}
	if r.dryRun && !r.more {
		return errDryRun()
	}
	return nil
}

func errDryRun() *APIError {
	return &APIError{Status: http.StatusPreconditionFailed, Code: "DryRunOperation",
		Message: "Request would have succeeded, but DryRun flag is set."}
}

// refusal is the 403 a service answers when IAM refuses a call: IAM's message, once,
// with the service's code. EC2 alone puts a sentence of its own before IAM's. An
// Authorize that refuses with an error of its own gets IAM's message for an implicit
// deny on the first resource, as AWS never answers in other words.
func refusal(service string, req AuthRequest, err error) *APIError {
	var denied *AccessDeniedError
	msg := ""
	if errors.As(err, &denied) {
		msg = denied.Message
	} else {
		arn := "*"
		if len(req.Resources) > 0 {
			arn = req.Resources[0].ARN
		}
		msg = fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			DefaultPrincipal, req.Action, arn, req.Action)
	}
	switch service {
	case serviceEC2:
		return &APIError{Status: http.StatusForbidden, Code: "UnauthorizedOperation",
			Message: "You are not authorized to perform this operation. " + msg}
	case serviceACM:
		return &APIError{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: msg}
	}
	return &APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: msg}
}

// resource is an AuthResource with a copy of its tags.
func resource(arn string, tags map[string]string) AuthResource {
	return AuthResource{ARN: arn, Tags: maps.Clone(tags)}
}

// SetAuthorize replaces Options.Authorize, for a test that makes some resources as a user
// would before the policy of the controller under test applies; nil allows everything.
func (s *Server) SetAuthorize(authorize func(AuthRequest) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Authorize = authorize
}
