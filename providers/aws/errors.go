package aws

import (
	"errors"
	"slices"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/retry"
)

// notFoundCodes are the error codes of a resource that does not exist. AWS answers them
// with 400 (ELBv2, EC2) as often as 404, so they are told apart by code.
var notFoundCodes = []string{
	"LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound", "RuleNotFound", "CertificateNotFound",
	"InvalidGroup.NotFound", "InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound", "ResourceNotFoundException",
}

// inUseCodes are the codes of a delete of a resource still used: a security group the
// deleted load balancer still holds for a while, a target group a rule still names. Waiting
// fixes them, never a person.
var inUseCodes = []string{"DependencyViolation", "ResourceInUse", "ResourceInUseException", "PriorityInUse"}

// duplicateCodes are the codes of a create whose resource already exists.
var duplicateCodes = []string{"InvalidPermission.Duplicate", "InvalidGroup.Duplicate", "DuplicateLoadBalancerName", "DuplicateTargetGroupName", "DuplicateListener"}

// reasonCanceled is the reason of a call the context ended before it was made.
const reasonCanceled = "Canceled"

// classify turns what AWS answered to op (a few words: "create target group tg-x") into a
// providers error, through the kit's classification of HTTP status and code (providers/
// retry), so that every cloud retries, waits and reports alike. The SDK's standard
// retryer has already retried throttling and 5xx a few times when this sees them.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return providers.Retryable(retry.ReasonUnavailable, err, "%s: AWS could not be reached", op)
	}
	s := retry.Status{Code: 400, Reason: api.ErrorCode(), Message: api.ErrorMessage()}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 {
		s.Code = re.HTTPStatusCode()
	}
	code := api.ErrorCode()
	switch {
	case slices.Contains(notFoundCodes, code):
		s.Code = 404
	case slices.Contains(inUseCodes, code):
		s.Reason, s.Message = "ResourceInUse", code+": "+s.Message
	case slices.Contains(duplicateCodes, code):
		s.Code, s.Reason, s.Message = 409, "AlreadyExists", code+": "+s.Message
	case strings.HasPrefix(code, "TooMany"):
		s.Reason, s.Message = "LimitExceeded", code+": "+s.Message
	case code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation":
		s.Code = 403
	}
	return retry.Classify(op, s)
}
