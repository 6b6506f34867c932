package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The controller reads and writes its cluster record in its own namespace only; it reads
// namespace kube-system once, to seed the cluster ID.
// +kubebuilder:rbac:groups="",namespace=portico-system,resources=configmaps,verbs=get;create;update
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get

// ConfigMapName is the ConfigMap, in the controller's namespace, that holds the cluster record.
const ConfigMapName = "portico-cluster"

// DefaultNamespace is the controller's namespace when neither --namespace nor POD_NAMESPACE
// says otherwise: the one config/default installs into.
const DefaultNamespace = "portico-system"

// Keys of the ConfigMap's data.
const (
	idKey = "cluster-id"
	// locationsPrefix + provider holds that provider's locations, sorted, comma-separated.
	locationsPrefix = "locations."
)

// NamespaceFromEnv returns POD_NAMESPACE (set from the downward API by config/manager), else
// DefaultNamespace.
func NamespaceFromEnv() string {
	return Namespace("")
}

// Namespace is the controller's namespace: the flag's value when set, else POD_NAMESPACE,
// else DefaultNamespace.
func Namespace(flag string) string {
	if flag != "" {
		return flag
	}
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	return DefaultNamespace
}

// Info is what the cluster record holds, as `portico version --cluster` prints it.
type Info struct {
	// ID names this cluster in every cloud resource name and ownership record.
	ID string `json:"clusterID"`
	// ConfigMap is where the record is stored, as namespace/name.
	ConfigMap string `json:"configMap"`
	// Locations lists, by provider, every location the provider ever created resources in.
	Locations map[string][]string `json:"locations,omitempty"`
}

// Read returns the cluster record of the controller whose namespace is given, without
// creating it.
func Read(ctx context.Context, c client.Reader, namespace string) (*Info, error) {
	key := client.ObjectKey{Namespace: namespace, Name: ConfigMapName}
	cm := &corev1.ConfigMap{}
	err := c.Get(ctx, key, cm)
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("no cluster record: ConfigMap %s does not exist; `portico controller` creates it when it first starts (is it installed in namespace %s? --namespace says where)", key, namespace)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the cluster record %s: %w", key, err)
	}
	return infoOf(cm)
}

// infoOf decodes a cluster record.
func infoOf(cm *corev1.ConfigMap) (*Info, error) {
	key := client.ObjectKeyFromObject(cm)
	id := cm.Data[idKey]
	if id == "" {
		return nil, fmt.Errorf("ConfigMap %s holds no %s; delete it, and `portico controller` seeds it again from --cluster-id or the UID of namespace kube-system", key, idKey)
	}
	info := &Info{ID: id, ConfigMap: key.String(), Locations: map[string][]string{}}
	for k, v := range cm.Data {
		provider, ok := strings.CutPrefix(k, locationsPrefix)
		if ok && v != "" {
			info.Locations[provider] = strings.Split(v, ",")
		}
	}
	return info, nil
}

// setLocations writes a provider's locations into the record.
func setLocations(cm *corev1.ConfigMap, provider string, locations []string) {
	sorted := append([]string(nil), locations...)
	sort.Strings(sorted)
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data[locationsPrefix+provider] = strings.Join(sorted, ",")
}

// MismatchError is a --cluster-id that disagrees with the stored cluster ID.
type MismatchError struct {
	Flag, Stored, ConfigMap string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("--cluster-id %q disagrees with cluster ID %q stored in ConfigMap %s: "+
		"this cluster's cloud resources are named after %q. To keep managing them, drop --cluster-id or set it to %q. "+
		"To give this cluster a new ID (a copy restored from another cluster's etcd backup), delete the ConfigMap "+
		"and start portico with the new --cluster-id before it reconciles anything (see docs/install.md, \"The cluster ID\")",
		e.Flag, e.Stored, e.ConfigMap, e.Stored, e.Stored)
}

// IsMismatch reports whether err is a MismatchError.
func IsMismatch(err error) bool {
	var m *MismatchError
	return errors.As(err, &m)
}
