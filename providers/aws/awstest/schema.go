package awstest

import (
	_ "embed"
	"encoding/json"
	"net/url"
	"regexp"
)

//go:generate go run ./internal/modelgen -o aws-models.json

// awsModels holds AWS's published API models of ELBv2, EC2 and ACM (the api-2.json files
// the SDKs are generated from), trimmed by internal/modelgen to the operations awstest
// serves: requests are checked against AWS's own description of them, so a parameter the
// real API would refuse is refused here, not only the ones portico thought of.
//
//go:embed aws-models.json
var awsModels []byte

// mref is a reference to a shape: a structure member, a list member, a map key or value.
type mref struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName"`
	QueryName    string `json:"queryName"`
}

// mshape is a shape as modelgen keeps it.
type mshape struct {
	Type      string           `json:"type"`
	Required  []string         `json:"required"`
	Members   map[string]*mref `json:"members"`
	Member    *mref            `json:"member"`
	Key       *mref            `json:"key"`
	Value     *mref            `json:"value"`
	Enum      []string         `json:"enum"`
	Pattern   string           `json:"pattern"`
	Min       *json.Number     `json:"min"`
	Max       *json.Number     `json:"max"`
	Flattened bool             `json:"flattened"`

	re *regexp.Regexp // Pattern, compiled to match the whole value as AWS does
}

// apiModel is one service's trimmed model: each operation names its input shape.
type apiModel struct {
	Protocol   string             `json:"protocol"`
	APIVersion string             `json:"apiVersion"`
	Operations map[string]string  `json:"operations"`
	Shapes     map[string]*mshape `json:"shapes"`
}

var models = func() struct {
	Source   string               `json:"source"`
	Services map[string]*apiModel `json:"services"`
} {
	var m struct {
		Source   string               `json:"source"`
		Services map[string]*apiModel `json:"services"`
	}
	if err := json.Unmarshal(awsModels, &m); err != nil {
		panic("awstest: the embedded aws-models.json does not parse: " + err.Error())
	}
	for _, svc := range m.Services {
		for name, sh := range svc.Shapes {
			if err := sh.compilePattern(); err != nil {
				panic("awstest: aws-models.json: shape " + name + ": " + err.Error())
			}
		}
	}
	return m
}()

// checkRequest refuses a request AWS would refuse before acting on it: a parameter the
// operation does not define, a required member missing, a value outside its enum, a
// string or list too short or too long, a number out of range, a value of the wrong type.
// service is the IAM prefix (elasticloadbalancing, ec2, acm); params are a Query request's
// form values (Action and Version included or not), jsonBody an ACM request's body. The
// error is the service's own: ELBv2 ValidationError, EC2 UnknownParameter,
// MissingParameter or InvalidParameterValue, ACM ValidationException, all 400.
func checkRequest(service, action string, params url.Values, jsonBody []byte) error {
	m, ok := models.Services[service]
	if !ok {
		return errUnknownOperation(service, action)
	}
	input, ok := m.Operations[action]
	if !ok {
		return errUnknownOperation(service, action)
	}
	w := &walker{model: m, ec2: m.Protocol == "ec2"}
	if m.Protocol == "json" {
		v, err := parseJSONBody(jsonBody)
		if err != nil {
			return err
		}
		w.json(m.Shapes[input], v, fieldPath{})
	} else {
		w.query(m.Shapes[input], formTree(params), fieldPath{})
	}
	return w.err(service)
}
