package awstest

import (
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// acmState holds imported certificates by ARN.
type acmState struct {
	certs map[string]*certificate
}

type certificate struct {
	meta
	detail acmtypes.CertificateDetail
	pem    []byte
	chain  []byte
}

func newACMState() acmState { return acmState{certs: map[string]*certificate{}} }
