package gcptest

import (
	"net/http"
	"slices"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// sslPolicies are global SSL policies: the TLS versions and ciphers a target HTTPS proxy
// accepts. They have no update (PUT), only a patch that must carry the current
// fingerprint; a policy a proxy uses cannot be deleted.
var sslPolicies = register(&kind{
	collection: "sslPolicies", iamName: "sslPolicies", kindName: "compute#sslPolicy",
	newItem:             func() proto.Message { return &computepb.SslPolicy{} },
	newList:             func() proto.Message { return &computepb.SslPoliciesList{} },
	fingerprintRequired: true, patch: true,
	validate: func(_ *project, m proto.Message) error {
		p := m.(*computepb.SslPolicy)
		sslPolicyDefaults(p)
		return validateSslPolicy(p)
	},
})

func init() {
	addCRUD(sslPolicies)
	// Unlike setUrlMap, setSslPolicy lives under global/ (compute discovery document).
	addRoute(http.MethodPost, "global/targetHttpsProxies/*/setSslPolicy", targetHTTPSProxies, "setSslPolicy", true, setSslPolicy)
}

// sslPolicyDefaults are the values Google documents for unset fields.
func sslPolicyDefaults(p *computepb.SslPolicy) {
	if p.Profile == nil {
		p.Profile = proto.String("COMPATIBLE")
	}
	if p.MinTlsVersion == nil {
		p.MinTlsVersion = proto.String("TLS_1_0")
	}
}

// validateSslPolicy: known enums; TLS 1.3 only with the RESTRICTED profile; custom
// features with, and only with, the CUSTOM profile.
func validateSslPolicy(p *computepb.SslPolicy) error {
	profiles := []string{"COMPATIBLE", "MODERN", "RESTRICTED", "CUSTOM", "FIPS_202205"}
	if !slices.Contains(profiles, p.GetProfile()) {
		return errInvalid("Invalid value for field 'resource.profile': '%s'", p.GetProfile())
	}
	if !slices.Contains([]string{"TLS_1_0", "TLS_1_1", "TLS_1_2", "TLS_1_3"}, p.GetMinTlsVersion()) {
		return errInvalid("Invalid value for field 'resource.minTlsVersion': '%s'", p.GetMinTlsVersion())
	}
	if p.GetMinTlsVersion() == "TLS_1_3" && p.GetProfile() != "RESTRICTED" {
		return errInvalid("Invalid value for field 'resource.minTlsVersion': 'TLS_1_3'. When set to TLS_1_3, the profile field must be set to RESTRICTED")
	}
	if (p.GetProfile() == "CUSTOM") != (len(p.CustomFeatures) > 0) {
		return errInvalid("Invalid value for field 'resource.customFeatures': custom features are required with, and only with, the CUSTOM profile")
	}
	return nil
}

// setSslPolicy attaches a policy to a target HTTPS proxy, or detaches it when the body
// names none.
func setSslPolicy(s *Server, c *call) (proto.Message, error) {
	body := &computepb.SslPolicyReference{}
	return s.setOn(c, body, "setSslPolicy", func(next proto.Message) {
		next.(*computepb.TargetHttpsProxy).SslPolicy = body.SslPolicy
	})
}
