package awstest

import (
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// maxDescribeTags is how many ARNs one DescribeTags call may name.
const maxDescribeTags = 20

func init() {
	register(serviceELB, map[string]operation{
		"AddTags":      op(true, (*Server).addTags),
		"RemoveTags":   op(true, (*Server).removeTags),
		"DescribeTags": op(false, (*Server).describeTags),
	})
}

// taggedFor looks up every resource a tag write names, after IAM has seen them
// with the tags set or the keys removed.
func (s *Server) taggedFor(r *request, arns []string, requestTags map[string]string, removed []string) ([]*meta, error) {
	if len(arns) == 0 {
		return nil, errValidation("At least one resource ARN must be specified")
	}
	var res []AuthResource
	var metas []*meta
	for _, arn := range arns {
		m, ok := s.elb.meta(arn)
		var tags map[string]string
		if ok {
			tags = m.tags
		}
		res = append(res, resource(arn, tags))
		metas = append(metas, m)
	}
	ask := func() error { return s.authorize(r, res, requestTags, nil) }
	if removed != nil {
		ask = func() error { return s.authorizeUntag(r, res, removed) }
	}
	if err := ask(); err != nil {
		return nil, err
	}
	for i, m := range metas {
		if m == nil {
			return nil, notFoundFor(arns[i])
		}
	}
	return metas, nil
}

func (s *Server) addTags(r *request, in *elb.AddTagsInput) (smithy.Serializable, error) {
	tags, err := tagMap(in.Tags, s.opts.Limits.TagsPerResource)
	if err != nil {
		return nil, err
	}
	metas, err := s.taggedFor(r, in.ResourceArns, tags, nil)
	if err != nil {
		return nil, err
	}
	for _, m := range metas {
		merged := cloneTags(m.tags)
		for k, v := range tags {
			merged[k] = v
		}
		if len(merged) > s.opts.Limits.TagsPerResource {
			return nil, apiErr("TooManyTags", "A resource can have at most %d tags", s.opts.Limits.TagsPerResource)
		}
	}
	for _, m := range metas {
		m.tags = cloneTags(m.tags)
		for k, v := range tags {
			m.tags[k] = v
		}
	}
	return &elb.AddTagsOutput{}, nil
}

func (s *Server) removeTags(r *request, in *elb.RemoveTagsInput) (smithy.Serializable, error) {
	if len(in.TagKeys) == 0 {
		return nil, errValidation("At least one tag key must be specified")
	}
	metas, err := s.taggedFor(r, in.ResourceArns, nil, in.TagKeys)
	if err != nil {
		return nil, err
	}
	for _, m := range metas {
		m.tags = cloneTags(m.tags)
		for _, k := range in.TagKeys {
			delete(m.tags, k)
		}
	}
	return &elb.RemoveTagsOutput{}, nil
}

func (s *Server) describeTags(r *request, in *elb.DescribeTagsInput) (smithy.Serializable, error) {
	if len(in.ResourceArns) == 0 || len(in.ResourceArns) > maxDescribeTags {
		return nil, errValidation("Between 1 and %d resource ARNs must be specified", maxDescribeTags)
	}
	out := &elb.DescribeTagsOutput{TagDescriptions: []elbtypes.TagDescription{}}
	for _, arn := range in.ResourceArns {
		m, ok := s.elb.meta(arn)
		if !ok || !m.seen() {
			return nil, notFoundFor(arn)
		}
		out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{ResourceArn: ptr(arn), Tags: elbTags(m.tags)})
	}
	return out, nil
}
