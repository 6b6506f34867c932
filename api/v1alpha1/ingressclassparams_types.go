package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// IngressClassParamsSpec holds the settings of every Ingress of an IngressClass that names it
// in spec.parameters.
type IngressClassParamsSpec struct {
	// Provider realises the load balancers of this class, unless an Ingress's
	// portico.dev/provider annotation says otherwise.
	// +optional
	// +kubebuilder:validation:Enum=gcp;aws;nginx;fake
	Provider string `json:"provider,omitempty"`

	// GCP holds the settings of the gcp provider.
	// +optional
	GCP *GCPParams `json:"gcp,omitempty"`

	// AWS holds the settings of the aws provider.
	// +optional
	AWS *AWSParams `json:"aws,omitempty"`

	// Fake holds the settings of the fake provider.
	// +optional
	Fake *FakeParams `json:"fake,omitempty"`

	// Group controls which namespaces may share one load balancer through the
	// portico.dev/group annotation. Without it a group never crosses its namespace.
	// +optional
	Group *GroupParams `json:"group,omitempty"`

	// Grants reserve static addresses and pre-shared certificates that a user made outside
	// portico for the namespaces they select. A granted resource can be named only from
	// those namespaces; one that no grant names can be named from any namespace, unless
	// portico made it or another load balancer uses it.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +listType=atomic
	Grants []Grant `json:"grants,omitempty"`
}

// FakeParams are the settings of the fake provider.
type FakeParams struct {
	// Location is the fake cloud's region the load balancers are created in; empty means
	// "global". Changing it moves the load balancers of the class.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]*[a-z0-9])?$`
	Location string `json:"location,omitempty"`
}

// Grant reserves cloud resources a user made for the namespaces a selector picks.
type Grant struct {
	// StaticAddresses are the names of reserved addresses.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +listType=set
	StaticAddresses []string `json:"staticAddresses,omitempty"`

	// Certificates are the names of pre-shared certificates.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +listType=set
	Certificates []string `json:"certificates,omitempty"`

	// NamespaceSelector selects the namespaces that may name them.
	NamespaceSelector metav1.LabelSelector `json:"namespaceSelector"`
}

// GCPParams are the Google Cloud settings of a class.
type GCPParams struct {
	// Project is the Google Cloud project ID.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z][-a-z0-9]{4,28}[a-z0-9]$`
	Project string `json:"project,omitempty"`

	// Network is the VPC network of the pods and nodes the load balancers send traffic to,
	// named on each network endpoint group; empty means the controller's --gcp-network, else
	// the project's network "default".
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]*[a-z0-9])?$`
	Network string `json:"network,omitempty"`

	// Subnetwork is the subnetwork of the pods and nodes, named on each network endpoint
	// group (in the region of the group's zone); empty means the controller's
	// --gcp-subnetwork, else none: the endpoints may be in any subnetwork of the network.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]*[a-z0-9])?$`
	Subnetwork string `json:"subnetwork,omitempty"`

	// Zones are the zones of the cluster's nodes. A target whose zone neither its
	// EndpointSlice nor its Node says is placed in the first; empty means the controller's
	// --gcp-zones.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +listType=set
	Zones []Zone `json:"zones,omitempty"`

	// Region for regional load balancers; empty means a global load balancer.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z]+-[a-z]+[0-9]+$`
	Region string `json:"region,omitempty"`
}

// Zone is a Google Cloud zone, for example europe-west1-b.
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:Pattern=`^[a-z]+-[a-z]+[0-9]+-[a-z]$`
type Zone string

// AWSParams are the AWS settings of a class.
type AWSParams struct {
	// Region is the AWS region, for example eu-west-1.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-[a-z]+)+-[0-9]+$`
	Region string `json:"region,omitempty"`

	// VPC is the VPC ID.
	// +optional
	// +kubebuilder:validation:Pattern=`^vpc-[0-9a-f]{8,17}$`
	VPC string `json:"vpc,omitempty"`

	// Scheme is internet-facing or internal.
	// +optional
	// +kubebuilder:validation:Enum=internet-facing;internal
	Scheme string `json:"scheme,omitempty"`

	// Subnets are the subnet IDs of the load balancer, at least two zones for an ALB.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +listType=set
	Subnets []SubnetID `json:"subnets,omitempty"`

	// Tags are added to every resource portico creates.
	// +optional
	// +kubebuilder:validation:MaxProperties=40
	Tags map[string]string `json:"tags,omitempty"`
}

// SubnetID is an AWS subnet ID.
// +kubebuilder:validation:Pattern=`^subnet-[0-9a-f]{8,17}$`
type SubnetID string

// GroupParams controls groups across namespaces.
type GroupParams struct {
	// NamespaceSelector selects the namespaces whose Ingresses of this class share a group
	// of the same name. Namespaces it does not select keep their groups to themselves.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
}

// IngressClassParams holds the provider settings of an IngressClass. An IngressClass names it
// with spec.parameters (apiGroup portico.dev, kind IngressClassParams, scope Cluster).
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,categories=portico
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.spec.provider`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type IngressClassParams struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec IngressClassParamsSpec `json:"spec,omitempty"`
}

// IngressClassParamsList is a list of IngressClassParams.
//
// +kubebuilder:object:root=true
type IngressClassParamsList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []IngressClassParams `json:"items"`
}
