package awstest

import (
	"maps"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

func init() {
	register(serviceACM, map[string]operation{
		"ImportCertificate":         op(true, (*Server).importCertificate),
		"DescribeCertificate":       op(false, (*Server).describeCertificate),
		"ListCertificates":          op(false, (*Server).listCertificates),
		"DeleteCertificate":         op(true, (*Server).deleteCertificate),
		"ListTagsForCertificate":    op(false, (*Server).listTagsForCertificate),
		"AddTagsToCertificate":      op(true, (*Server).addTagsToCertificate),
		"RemoveTagsFromCertificate": op(true, (*Server).removeTagsFromCertificate),
	})
}

func acmTagMap(tags []acmtypes.Tag) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range tags {
		k := deref(t.Key)
		if k == "" || len(k) > 128 {
			return nil, apiErr("InvalidTagException", "A tag key must be 1 to 128 characters")
		}
		out[k] = deref(t.Value)
	}
	if len(out) > 50 {
		return nil, apiErr("TooManyTagsException", "A certificate can have at most 50 tags")
	}
	return out, nil
}

func acmTags(tags map[string]string) []acmtypes.Tag {
	out := []acmtypes.Tag{}
	for _, k := range sortedKeys(tags) {
		out = append(out, acmtypes.Tag{Key: ptr(k), Value: ptr(tags[k])})
	}
	return out
}

func notFoundCert(arn string) error {
	return apiErr("ResourceNotFoundException", "Could not find certificate %s.", arn)
}

func (s *Server) importCertificate(r *request, in *acm.ImportCertificateInput) (any, error) {
	tags, err := acmTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	p, err := parseImport(in.Certificate, in.PrivateKey, in.CertificateChain)
	if err != nil {
		return nil, err
	}
	arn := deref(in.CertificateArn)
	if arn == "" {
		arn = "arn:aws:acm:" + s.opts.Region + ":" + s.opts.AccountID + ":certificate/" + s.uuid()
		if err := s.authorizeCreate(r, arn, tags); err != nil {
			return nil, err
		}
		s.nextID++
		s.acm.certs[arn] = &certificate{meta: meta{seq: s.nextID, hidden: s.opts.VisibilityDelay, tags: tags}}
	} else {
		c, ok := s.acm.certs[arn]
		var old map[string]string
		if ok {
			old = c.tags
		}
		if err := s.authorize(r, []AuthResource{resource(arn, old)}, tags, nil); err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFoundCert(arn)
		}
		if len(tags) > 0 {
			return nil, apiErr("InvalidParameterException", "Tags cannot be specified when reimporting a certificate")
		}
	}
	c := s.acm.certs[arn]
	c.detail = s.certDetail(arn, p)
	c.pem, c.chain = slices.Clone(in.Certificate), slices.Clone(in.CertificateChain)
	return &acm.ImportCertificateOutput{CertificateArn: &arn}, nil
}

func (s *Server) certDetail(arn string, p *parsedCert) acmtypes.CertificateDetail {
	domain, sans := p.names()
	now := s.now()
	return acmtypes.CertificateDetail{CertificateArn: &arn, DomainName: &domain, SubjectAlternativeNames: sans,
		Status: acmtypes.CertificateStatusIssued, Type: acmtypes.CertificateTypeImported, KeyAlgorithm: p.algo,
		Issuer: ptr(p.cert.Issuer.CommonName), Subject: ptr(p.cert.Subject.String()), Serial: ptr(p.cert.SerialNumber.String()),
		NotBefore: ptr(p.cert.NotBefore), NotAfter: ptr(p.cert.NotAfter), ImportedAt: &now, CreatedAt: &now,
		SignatureAlgorithm: ptr(p.cert.SignatureAlgorithm.String()), RenewalEligibility: acmtypes.RenewalEligibilityIneligible}
}

// certView is a certificate as DescribeCertificate reports it, with the
// load balancers whose listeners serve it (ACM names load balancers, not
// listeners, in InUseBy).
func (s *Server) certView(c *certificate) acmtypes.CertificateDetail {
	d := c.detail
	lbs := map[string]bool{}
	for _, l := range s.certificateUsers(*d.CertificateArn) {
		lbs[*s.elb.listeners[l].v.LoadBalancerArn] = true
	}
	d.InUseBy = sortedKeys(lbs)
	return d
}

func (s *Server) describeCertificate(r *request, in *acm.DescribeCertificateInput) (any, error) {
	c, ok := s.acm.certs[deref(in.CertificateArn)]
	if !ok || !c.seen() {
		return nil, notFoundCert(deref(in.CertificateArn))
	}
	d := s.certView(c)
	return &acm.DescribeCertificateOutput{Certificate: &d}, nil
}

// defaultKeyTypes are the key algorithms ListCertificates shows when the
// caller names none: ACM leaves EC and larger RSA keys out by default.
var defaultKeyTypes = []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmRsa1024, acmtypes.KeyAlgorithmRsa2048}

func (s *Server) listCertificates(r *request, in *acm.ListCertificatesInput) (any, error) {
	keyTypes := defaultKeyTypes
	if in.Includes != nil && len(in.Includes.KeyTypes) > 0 {
		keyTypes = in.Includes.KeyTypes
	}
	var found []acmtypes.CertificateSummary
	for _, arn := range sortedByCreation(s.acm.certs) {
		c := s.acm.certs[arn]
		d := c.detail
		if !slices.Contains(keyTypes, d.KeyAlgorithm) ||
			len(in.CertificateStatuses) > 0 && !slices.Contains(in.CertificateStatuses, d.Status) || !c.seen() {
			continue
		}
		sans := d.SubjectAlternativeNames
		more := len(sans) > 100
		if more {
			sans = sans[:100]
		}
		found = append(found, acmtypes.CertificateSummary{CertificateArn: d.CertificateArn, DomainName: d.DomainName,
			SubjectAlternativeNameSummaries: slices.Clone(sans), HasAdditionalSubjectAlternativeNames: ptr(more),
			Status: d.Status, Type: d.Type, KeyAlgorithm: d.KeyAlgorithm, InUse: ptr(len(s.certificateUsers(arn)) > 0),
			NotBefore: d.NotBefore, NotAfter: d.NotAfter, CreatedAt: d.CreatedAt, ImportedAt: d.ImportedAt,
			RenewalEligibility: d.RenewalEligibility, Exported: ptr(false)})
	}
	size := 1000
	if in.MaxItems != nil {
		if *in.MaxItems < 1 || *in.MaxItems > 1000 {
			return nil, apiErr("ValidationException", "MaxItems must be between 1 and 1000")
		}
		size = int(*in.MaxItems)
	}
	if s.opts.PageSize > 0 && s.opts.PageSize < size {
		size = s.opts.PageSize
	}
	pg, next, err := page(found, deref(in.NextToken), size)
	if err != nil {
		return nil, apiErr("InvalidArgsException", "Invalid NextToken")
	}
	out := &acm.ListCertificatesOutput{CertificateSummaryList: append([]acmtypes.CertificateSummary{}, pg...)}
	if next != "" {
		out.NextToken = &next
	}
	return out, nil
}

func sortedByCreation(certs map[string]*certificate) []string {
	arns := sortedKeys(certs)
	sort.SliceStable(arns, func(i, j int) bool { return certs[arns[i]].seq < certs[arns[j]].seq })
	return arns
}

// certFor looks up a certificate a write names, after IAM has seen it.
func (s *Server) certFor(r *request, arn string, requestTags map[string]string) (*certificate, error) {
	return s.certAfter(arn, func(res []AuthResource) error { return s.authorize(r, res, requestTags, nil) })
}

// certAfter looks up a certificate after ask has put it to IAM with its tags.
func (s *Server) certAfter(arn string, ask func([]AuthResource) error) (*certificate, error) {
	c, ok := s.acm.certs[arn]
	var tags map[string]string
	if ok {
		tags = c.tags
	}
	if err := ask([]AuthResource{resource(arn, tags)}); err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFoundCert(arn)
	}
	return c, nil
}

func (s *Server) deleteCertificate(r *request, in *acm.DeleteCertificateInput) (any, error) {
	arn := deref(in.CertificateArn)
	if _, err := s.certFor(r, arn, nil); err != nil {
		return nil, err
	}
	if users := s.certificateUsers(arn); len(users) > 0 {
		return nil, apiErr("ResourceInUseException", "Certificate %s is in use by %s", arn, users[0])
	}
	delete(s.acm.certs, arn)
	return &acm.DeleteCertificateOutput{}, nil
}

func (s *Server) listTagsForCertificate(r *request, in *acm.ListTagsForCertificateInput) (any, error) {
	c, ok := s.acm.certs[deref(in.CertificateArn)]
	if !ok {
		return nil, notFoundCert(deref(in.CertificateArn))
	}
	return &acm.ListTagsForCertificateOutput{Tags: acmTags(c.tags)}, nil
}

func (s *Server) addTagsToCertificate(r *request, in *acm.AddTagsToCertificateInput) (any, error) {
	tags, err := acmTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	c, err := s.certFor(r, deref(in.CertificateArn), tags)
	if err != nil {
		return nil, err
	}
	merged := cloneTags(c.tags)
	maps.Copy(merged, tags)
	if len(merged) > 50 {
		return nil, apiErr("TooManyTagsException", "A certificate can have at most 50 tags")
	}
	c.tags = merged
	return &acm.AddTagsToCertificateOutput{}, nil
}

func (s *Server) removeTagsFromCertificate(r *request, in *acm.RemoveTagsFromCertificateInput) (any, error) {
	var keys []string
	for _, t := range in.Tags {
		keys = append(keys, deref(t.Key))
	}
	c, err := s.certAfter(deref(in.CertificateArn), func(res []AuthResource) error { return s.authorizeUntag(r, res, keys) })
	if err != nil {
		return nil, err
	}
	next := cloneTags(c.tags)
	for _, t := range in.Tags {
		if v, ok := next[deref(t.Key)]; ok && (t.Value == nil || *t.Value == v) {
			delete(next, deref(t.Key))
		}
	}
	c.tags = next
	return &acm.RemoveTagsFromCertificateOutput{}, nil
}

// readResources are what IAM checks a read on: ACM's reads of one certificate are
// resource-level (the certificate, with its tags, as the Service Authorization Reference
// lists DescribeCertificate and ListTagsForCertificate); the other reads served here,
// and a dry run, are on "*".
func (s *Server) readResources(in any) []AuthResource {
	var arn string
	switch in := in.(type) {
	case *acm.DescribeCertificateInput:
		arn = deref(in.CertificateArn)
	case *acm.ListTagsForCertificateInput:
		arn = deref(in.CertificateArn)
	default:
		return []AuthResource{{ARN: "*"}}
	}
	var tags map[string]string
	if c, ok := s.acm.certs[arn]; ok {
		tags = c.tags
	}
	return []AuthResource{resource(arn, tags)}
}
