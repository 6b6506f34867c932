package aws

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"

	"github.com/portico-dev/portico/providers"
)

// tagMemory keeps the tags read of each ACM certificate, by ARN.
type tagMemory struct {
	mu    sync.Mutex
	byARN map[string]map[string]string
}

func (m *tagMemory) get(arn string) (map[string]string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.byARN[arn]
	return t, ok
}

func (m *tagMemory) put(arn string, tags map[string]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byARN[arn] = tags
}

// certTagsOf returns a certificate's tags, read once per process: ACM lists certificates
// without their tags, and portico never changes those of one it imported. A certificate
// deleted since it was listed has none.
func (r *reads) certTagsOf(ctx context.Context, cs *Clients, arn string) (map[string]string, error) {
	if t, ok := r.certTags.get(arn); ok {
		return t, nil
	}
	var out *acm.ListTagsForCertificateOutput
	err := r.c.read(ctx, "acm.ListTagsForCertificate", "list tags of certificate "+arn, func() (err error) {
		out, err = cs.ACM.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: aws.String(arn)})
		return err
	})
	if providers.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	r.certTags.put(arn, tags)
	return tags, nil
}
