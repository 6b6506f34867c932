package awstest

import (
	"slices"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

func init() {
	register(serviceELB, map[string]operation{
		"AddListenerCertificates":      op(true, (*Server).addListenerCertificates),
		"RemoveListenerCertificates":   op(true, (*Server).removeListenerCertificates),
		"DescribeListenerCertificates": op(false, (*Server).describeListenerCertificates),
	})
}

func (s *Server) addListenerCertificates(r *request, in *elb.AddListenerCertificatesInput) (smithy.Serializable, error) {
	l, err := s.listenerFor(r, deref(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	if l.v.Protocol != elbtypes.ProtocolEnumHttps {
		return nil, errValidation("Certificates can be added to HTTPS listeners only")
	}
	next := slices.Clone(l.certs)
	for _, c := range in.Certificates {
		arn := deref(c.CertificateArn)
		if err := s.checkCertificate(arn); err != nil {
			return nil, err
		}
		if !slices.Contains(next, arn) && arn != deref(l.v.Certificates[0].CertificateArn) {
			next = append(next, arn)
		}
	}
	if 1+len(next) > s.opts.Limits.CertificatesPerListener {
		return nil, apiErr("TooManyCertificates", "A listener can have at most %d certificates", s.opts.Limits.CertificatesPerListener)
	}
	l.certs = next
	out := &elb.AddListenerCertificatesOutput{Certificates: []elbtypes.Certificate{}}
	for _, c := range in.Certificates {
		out.Certificates = append(out.Certificates, elbtypes.Certificate{CertificateArn: c.CertificateArn, IsDefault: ptr(false)})
	}
	return out, nil
}

func (s *Server) removeListenerCertificates(r *request, in *elb.RemoveListenerCertificatesInput) (smithy.Serializable, error) {
	l, err := s.listenerFor(r, deref(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	for _, c := range in.Certificates {
		arn := deref(c.CertificateArn)
		if len(l.v.Certificates) > 0 && arn == deref(l.v.Certificates[0].CertificateArn) {
			return nil, apiErr("OperationNotPermitted", "The default certificate of a listener cannot be removed")
		}
	}
	for _, c := range in.Certificates {
		arn := deref(c.CertificateArn)
		l.certs = slices.DeleteFunc(l.certs, func(x string) bool { return x == arn })
	}
	return &elb.RemoveListenerCertificatesOutput{}, nil
}

func (s *Server) describeListenerCertificates(r *request, in *elb.DescribeListenerCertificatesInput) (smithy.Serializable, error) {
	l, ok := s.elb.listeners[deref(in.ListenerArn)]
	if !ok || !l.seen() {
		return nil, errNotFound("ListenerNotFound", "Listener '%s' not found", deref(in.ListenerArn))
	}
	size, err := s.pageSize(int(deref(in.PageSize)))
	if err != nil {
		return nil, err
	}
	var all []elbtypes.Certificate
	for _, c := range l.v.Certificates {
		all = append(all, elbtypes.Certificate{CertificateArn: c.CertificateArn, IsDefault: ptr(true)})
	}
	for _, arn := range l.certs {
		all = append(all, elbtypes.Certificate{CertificateArn: ptr(arn), IsDefault: ptr(false)})
	}
	pg, next, err := page(all, deref(in.Marker), size)
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeListenerCertificatesOutput{Certificates: append([]elbtypes.Certificate{}, pg...)}
	if next != "" {
		out.NextMarker = &next
	}
	return out, nil
}

// certificateUsers lists the listeners that serve a certificate.
func (s *Server) certificateUsers(arn string) []string {
	var out []string
	for _, l := range s.elb.listeners {
		uses := slices.Contains(l.certs, arn)
		for _, c := range l.v.Certificates {
			uses = uses || deref(c.CertificateArn) == arn
		}
		if uses {
			out = append(out, *l.v.ListenerArn)
		}
	}
	return out
}
