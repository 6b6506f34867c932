package awstest

import (
	"maps"
	"net/http"
)

// authorize asks Options.Authorize about this call; every handler calls it
// before it changes anything, with the resources it acts on.
func (s *Server) authorize(r *request, resources []AuthResource, requestTags, context map[string]string) error {
	r.authorized = true
	if s.opts.Authorize == nil {
		return nil
	}
	req := AuthRequest{Action: r.service + ":" + r.action, Resources: resources,
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
