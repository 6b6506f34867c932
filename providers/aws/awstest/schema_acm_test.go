package awstest

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
)

func TestACMRequestsTheSDKBuildsPass(t *testing.T) {
	c := acmClient(t)
	runSDKCases(t, []sdkCase{
		{name: "import a tagged certificate", call: func(ctx context.Context) error {
			_, err := c.ImportCertificate(ctx, &acm.ImportCertificateInput{
				Certificate: []byte("-----BEGIN CERTIFICATE-----"), PrivateKey: []byte("-----BEGIN PRIVATE KEY-----"),
				CertificateChain: []byte("-----BEGIN CERTIFICATE-----"),
				Tags:             []types.Tag{{Key: aws.String(tagCluster), Value: aws.String("c1")}}})
			return err
		}},
		{name: "reimport", call: func(ctx context.Context) error {
			_, err := c.ImportCertificate(ctx, &acm.ImportCertificateInput{CertificateArn: aws.String(arnCert),
				Certificate: []byte("c"), PrivateKey: []byte("k")})
			return err
		}},
		{name: "list certificates with filters, paged", call: func(ctx context.Context) error {
			_, err := c.ListCertificates(ctx, &acm.ListCertificatesInput{
				CertificateStatuses: []types.CertificateStatus{types.CertificateStatusIssued},
				Includes:            &types.Filters{KeyTypes: []types.KeyAlgorithm{types.KeyAlgorithmRsa2048, types.KeyAlgorithmEcPrime256v1}},
				MaxItems:            aws.Int32(1000), NextToken: aws.String("t")})
			return err
		}},
		{name: "describe, list tags, tag, delete", call: func(ctx context.Context) error {
			if _, err := c.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arnCert)}); err != nil {
				return err
			}
			if _, err := c.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: aws.String(arnCert)}); err != nil {
				return err
			}
			if _, err := c.AddTagsToCertificate(ctx, &acm.AddTagsToCertificateInput{CertificateArn: aws.String(arnCert),
				Tags: []types.Tag{{Key: aws.String("team")}}}); err != nil {
				return err
			}
			_, err := c.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(arnCert)})
			return err
		}},
	})
}

func TestACMInvalidRequestsAreRefused(t *testing.T) {
	c := acmClient(t)
	runSDKCases(t, []sdkCase{
		{name: "an empty certificate", code: "ValidationException",
			msg: "1 validation error detected: Value '***' at 'certificate' failed to satisfy constraint: Member must have length greater than or equal to 1",
			call: func(ctx context.Context) error {
				_, err := c.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: []byte{}, PrivateKey: []byte("k")})
				return err
			}},
		{name: "more than 50 tags", code: "ValidationException",
			msg: "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
			call: func(ctx context.Context) error {
				tags := make([]types.Tag, 51)
				for i := range tags {
					tags[i] = types.Tag{Key: aws.String(strings.Repeat("k", i+1))}
				}
				_, err := c.AddTagsToCertificate(ctx, &acm.AddTagsToCertificateInput{CertificateArn: aws.String(arnCert), Tags: tags})
				return err
			}},
		{name: "an ARN too short", code: "ValidationException",
			msg: "Value 'arn' at 'certificateArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
			call: func(ctx context.Context) error {
				_, err := c.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String("arn")})
				return err
			}},
		{name: "an ARN of another service", code: "ValidationException",
			msg: "Value 'arn:aws:iam::123456789012:server-certificate/x' at 'certificateArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
			call: func(ctx context.Context) error {
				_, err := c.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String("arn:aws:iam::123456789012:server-certificate/x")})
				return err
			}},
		{name: "a status outside the enum", code: "ValidationException",
			msg: "Value 'VALID' at 'certificateStatuses.1.member' failed to satisfy constraint: Member must satisfy enum value set: [",
			call: func(ctx context.Context) error {
				_, err := c.ListCertificates(ctx, &acm.ListCertificatesInput{CertificateStatuses: []types.CertificateStatus{"VALID"}})
				return err
			}},
	})
}
