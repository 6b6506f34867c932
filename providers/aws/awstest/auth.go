package awstest

import (
	"maps"
	"net/http"
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
	var ctx map[string]string
	tagAction := "AddTagsToCertificate"
	switch r.service {
	case serviceELB:
		ctx, tagAction = map[string]string{"elasticloadbalancing:CreateAction": r.action}, "AddTags"
	case serviceEC2:
		ctx, tagAction = map[string]string{"ec2:CreateAction": r.action}, "CreateTags"
	}
	if err := s.authorize(r, []AuthResource{resource(arn, nil)}, tags, ctx); err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	return s.authorizeAs(r, tagAction, []AuthResource{resource(arn, nil)}, tags, ctx)
}

// authorizeAs asks about action, an action of the called service.
func (s *Server) authorizeAs(r *request, action string, resources []AuthResource, requestTags, context map[string]string) error {
	r.authorized = true
	if s.opts.Authorize == nil {
		return nil
	}
	req := AuthRequest{Action: r.service + ":" + action, Resources: resources,
		RequestTags: maps.Clone(requestTags), Context: maps.Clone(context)}
	err := s.opts.Authorize(req)
	if err == nil {
		return nil
	}
	switch r.service {
	case serviceEC2:
		return &APIError{Status: http.StatusForbidden, Code: "UnauthorizedOperation",
			Message: "You are not authorized to perform this operation. " + err.Error()}
	case serviceACM:
		return &APIError{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: err.Error()}
	}
	return &APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: err.Error()}
}

// resource is an AuthResource with a copy of its tags.
func resource(arn string, tags map[string]string) AuthResource {
	return AuthResource{ARN: arn, Tags: maps.Clone(tags)}
}
