package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// TestAllowListsMatchTheCRD ties the model's allow-lists to the patterns of the generated
// LoadBalancer CRD, so that the model never lets through what the API server refuses, and
// never refuses what it accepts.
func TestAllowListsMatchTheCRD(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "config", "crd", "bases", "portico.dev_loadbalancers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, crd); err != nil {
		t.Fatal(err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	rules := spec.Properties["rules"].Items.Schema
	paths := rules.Properties["paths"].Items.Schema
	tls := spec.Properties["tls"].Items.Schema
	cases := []struct {
		field, crdPattern, model string
	}{
		{"spec.rules[].paths[].path", paths.Properties["path"].Pattern, cleanPath.String()},
		{"spec.rules[].host", rules.Properties["host"].Pattern, hostname.String()},
		{"spec.tls[].hosts[]", tls.Properties["hosts"].Items.Schema.Pattern, hostname.String()},
		{"spec.tls[].preShared", tls.Properties["preShared"].Pattern, certificateName.String()},
		{"spec.staticAddress", spec.Properties["staticAddress"].Pattern, cloudName.String()},
	}
	for _, c := range cases {
		if c.crdPattern != c.model {
			t.Errorf("%s: the CRD pattern\n  %s\ndiffers from the model's\n  %s", c.field, c.crdPattern, c.model)
		}
	}
	if !strings.Contains(string(data), "preShared must not contain '..' or '//'") {
		t.Error("the CRD does not refuse '..' and '//' in preShared, as validCertificateName does")
	}
}
