package nginxfallback

import (
	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Input is everything one nginx serves: the LoadBalancers of provider nginx, and which of
// them owns each host and the catch-all. The controller arbitrates contested claims (the
// oldest LoadBalancer wins); the renderer renders what it is given.
type Input struct {
	Settings Settings
	// LoadBalancers are rendered in name order, whatever order they come in.
	LoadBalancers []LoadBalancer
	// HostOwners maps each host of a rule to the name of the LoadBalancer that serves it.
	// A LoadBalancer's host rule whose host another LoadBalancer owns is not rendered; a host
	// with no owner at all is an error, since the controller must have decided.
	HostOwners map[v1alpha1.Hostname]string
	// CatchAll names the LoadBalancer whose rules without host and default backend serve the
	// requests that no host claims; empty means those requests get a 404.
	CatchAll string
}

// LoadBalancer is one LoadBalancer with what the controller resolved for it.
type LoadBalancer struct {
	// Name is the LoadBalancer object's name.
	Name string
	Spec v1alpha1.LoadBalancerSpec
	// Targets maps each backend name to its ready targets; a backend without any answers 503.
	Targets map[string][]providers.Target
	// Certificates maps each TLS Secret "namespace/name" of Spec.TLS to its contents. A
	// Secret missing here is not served; the Writer writes the files Render refers to.
	Certificates map[string]providers.Certificate
}

// Settings are the controller-wide settings of the nginx that serves every LoadBalancer.
type Settings struct {
	// HTTPPort and HTTPSPort are the ports nginx listens on (unprivileged in the cluster).
	HTTPPort  int
	HTTPSPort int
	// ListenAddress is the IPv4 address to listen on; empty means every address.
	ListenAddress string
	// RedirectHTTPSPort is the public HTTPS port put into ssl-redirect locations; 0 and 443
	// leave the port out of the URL.
	RedirectHTTPSPort int
	// WorkerProcesses is nginx's worker_processes; 0 means auto.
	WorkerProcesses int
	// StatusPort is the loopback port of the status server that answers the configuration's
	// generation at GenerationPath; 0 renders no status server. The Supervisor needs it.
	StatusPort int
}

// The layout of nginx's prefix directory. Every path is relative to the prefix, so that
// `nginx -p DIR -c nginx.conf` runs a rendered configuration as is; nginx creates the pid,
// log and temp paths itself, and only the certificate directory must be written beforehand.
const (
	ConfigFile = "nginx.conf"
	PidFile    = "nginx.pid"
	ErrorLog   = "error.log"
	// CertDir holds certificates and keys: mode 0700, files 0600.
	CertDir = "certs"
)

// tempPaths are nginx's temp directories, one per module that buffers to disk.
var tempPaths = [][2]string{
	{"client_body_temp_path", "client_body_temp"},
	{"proxy_temp_path", "proxy_temp"},
	{"fastcgi_temp_path", "fastcgi_temp"},
	{"uwsgi_temp_path", "uwsgi_temp"},
	{"scgi_temp_path", "scgi_temp"},
}
