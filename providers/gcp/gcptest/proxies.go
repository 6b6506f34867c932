package gcptest

import (
	"net/http"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// Target proxies. Their set* methods live outside "global/" in the API
// (projects/P/targetHttpProxies/NAME/setUrlMap), unlike the proxies themselves.
var (
	targetHTTPProxies = register(&kind{
		collection: "targetHttpProxies", iamName: "targetHttpProxies", kindName: "compute#targetHttpProxy",
		newItem: func() proto.Message { return &computepb.TargetHttpProxy{} },
		newList: func() proto.Message { return &computepb.TargetHttpProxyList{} },
		patch:   true,
		validate: func(_ *project, m proto.Message) error {
			if m.(*computepb.TargetHttpProxy).UrlMap == nil {
				return errRequired("resource.urlMap")
			}
			return nil
		},
	})
	targetHTTPSProxies = register(&kind{
		collection: "targetHttpsProxies", iamName: "targetHttpsProxies", kindName: "compute#targetHttpsProxy",
		newItem:  func() proto.Message { return &computepb.TargetHttpsProxy{} },
		newList:  func() proto.Message { return &computepb.TargetHttpsProxyList{} },
		patch:    true,
		validate: func(_ *project, m proto.Message) error { return validateHTTPSProxy(m.(*computepb.TargetHttpsProxy)) },
	})
)

// maxCertificates is how many certificates a target HTTPS proxy takes.
const maxCertificates = 15

func validateHTTPSProxy(t *computepb.TargetHttpsProxy) error {
	if t.UrlMap == nil {
		return errRequired("resource.urlMap")
	}
	if len(t.SslCertificates) == 0 && t.CertificateMap == nil {
		return errRequired("resource.sslCertificates")
	}
	if len(t.SslCertificates) > maxCertificates {
		return errInvalid("Invalid value for field 'resource.sslCertificates': at most %d certificates", maxCertificates)
	}
	return nil
}

func init() {
	addCRUD(targetHTTPProxies)
	addCRUD(targetHTTPSProxies)
	addRoute(http.MethodPost, "targetHttpProxies/*/setUrlMap", targetHTTPProxies, "setUrlMap", true, setHTTPURLMap)
	addRoute(http.MethodPost, "targetHttpsProxies/*/setUrlMap", targetHTTPSProxies, "setUrlMap", true, setHTTPSURLMap)
	addRoute(http.MethodPost, "targetHttpsProxies/*/setSslCertificates", targetHTTPSProxies, "setSslCertificates", true, setSslCertificates)
}

func setHTTPURLMap(s *Server, c *call) (proto.Message, error) {
	body := &computepb.UrlMapReference{}
	return s.setOn(c, body, "setUrlMap", func(next proto.Message) {
		next.(*computepb.TargetHttpProxy).UrlMap = body.UrlMap
	})
}

func setHTTPSURLMap(s *Server, c *call) (proto.Message, error) {
	body := &computepb.UrlMapReference{}
	return s.setOn(c, body, "setUrlMap", func(next proto.Message) {
		next.(*computepb.TargetHttpsProxy).UrlMap = body.UrlMap
	})
}

func setSslCertificates(s *Server, c *call) (proto.Message, error) {
	body := &computepb.TargetHttpsProxiesSetSslCertificatesRequest{}
	return s.setOn(c, body, "setSslCertificates", func(next proto.Message) {
		next.(*computepb.TargetHttpsProxy).SslCertificates = body.SslCertificates
	})
}

// setOn serves a set* method: the body, decoded strictly, changes a copy of
// the resource, which then passes the same checks as an update.
func (s *Server) setOn(c *call, body proto.Message, opType string, set func(next proto.Message)) (proto.Message, error) {
	p := s.project(c.project)
	cur, ok := p.lookup(c.kind, c.zone, c.name)
	if !ok {
		return nil, errNotFound(relOf(p.selfLink(c.kind, c.zone, c.name)))
	}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	if err := s.authorizeRefs(c, body); err != nil {
		return nil, err
	}
	next := proto.Clone(cur)
	set(next)
	return s.commit(c, opType, cur, next)
}
