package nginxfallback

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// renderSite renders the two servers of a site: plain HTTP and HTTPS. A host is rendered on
// both ports even where its LoadBalancer has no such listener, with a 404 or a refused TLS
// handshake, so that its requests never reach another LoadBalancer's catch-all.
func renderSite(c *conf, s site, set Settings) error {
	name := ""
	if s.host != "" {
		var err error
		if name, err = serverName(s.host); err != nil {
			return err
		}
	}
	c.blank()
	var err error
	c.block("server", nil, func() {
		c.directive("listen", listenArgs(set.ListenAddress, set.HTTPPort, s.host == "", false)...)
		if name != "" {
			c.directive("server_name", name)
		}
		err = renderHTTPBody(c, s, set)
	})
	if err != nil {
		return siteError(s, err)
	}
	c.blank()
	c.block("server", nil, func() {
		c.directive("listen", listenArgs(set.ListenAddress, set.HTTPSPort, s.host == "", true)...)
		if name != "" {
			c.directive("server_name", name)
		}
		err = renderHTTPSBody(c, s)
	})
	return siteError(s, err)
}

func siteError(s site, err error) error {
	if err == nil || s.lb == nil {
		return err
	}
	return fmt.Errorf("loadbalancer %s: %w", shown(s.lb.Name), err)
}

func listenArgs(addr string, port int, defaultServer, ssl bool) []string {
	arg := strconv.Itoa(port)
	if addr != "" {
		arg = net.JoinHostPort(net.ParseIP(addr).String(), arg)
	}
	args := []string{arg}
	if ssl {
		args = append(args, "ssl")
	}
	if defaultServer {
		args = append(args, "default_server")
	}
	return args
}

func renderHTTPBody(c *conf, s site, set Settings) error {
	switch {
	case s.lb == nil || !s.lb.Spec.Frontends.HTTP:
		c.directive("return", "404")
		return nil
	case s.lb.Spec.Frontends.SSLRedirect:
		target := "https://$host$request_uri"
		if p := set.RedirectHTTPSPort; p != 0 && p != 443 {
			target = "https://$host:" + strconv.Itoa(p) + "$request_uri"
		}
		c.directive("return", "308", target)
		return nil
	}
	return renderLocations(c, s)
}

func renderHTTPSBody(c *conf, s site) error {
	var crt, key string
	if s.lb != nil && s.lb.Spec.Frontends.HTTPS {
		crt, key = certificateFor(s.lb, s.host)
	}
	if crt == "" {
		c.directive("ssl_reject_handshake", "on")
		c.directive("return", "404")
		return nil
	}
	c.directive("ssl_certificate", crt)
	c.directive("ssl_certificate_key", key)
	return renderLocations(c, s)
}

func renderLocations(c *conf, s site) error {
	for _, loc := range locationsOf(s.paths, s.lb.Spec.DefaultBackend) {
		if err := renderLocation(c, s.lb, loc); err != nil {
			return err
		}
	}
	return nil
}

// certificateFor chooses the certificate of a host as the reference explainer does: one that
// names the host (or a wildcard that covers it), else the first that names no host, else
// the first. Only the Secrets the controller resolved count; a pre-shared certificate lives
// in a cloud, not in nginx. It returns the paths of the certificate and key files, or "".
func certificateFor(lb *LoadBalancer, host v1alpha1.Hostname) (crt, key string) {
	var anyHost, first string
	for _, t := range lb.Spec.TLS {
		if t.SecretRef == nil {
			continue
		}
		ref := t.SecretRef.Namespace + "/" + t.SecretRef.Name
		if _, ok := lb.Certificates[ref]; !ok {
			continue
		}
		if first == "" {
			first = ref
		}
		if len(t.Hosts) == 0 && anyHost == "" {
			anyHost = ref
		}
		for _, h := range t.Hosts {
			if host != "" && (h == host || wildcardCovers(h, host)) {
				return certificatePaths(lb, ref)
			}
		}
	}
	if anyHost != "" {
		return certificatePaths(lb, anyHost)
	}
	if first != "" {
		return certificatePaths(lb, first)
	}
	return "", ""
}

// wildcardCovers reports whether a certificate's "*.foo.com" covers a host rule's host with
// exactly one label.
func wildcardCovers(pattern, host v1alpha1.Hostname) bool {
	suffix, ok := strings.CutPrefix(string(pattern), "*")
	if !ok || !strings.HasSuffix(string(host), suffix) {
		return false
	}
	label := strings.TrimSuffix(string(host), suffix)
	return label != "" && !strings.Contains(label, ".")
}

// certificatePaths names a certificate's files by a hash of the LoadBalancer, the Secret and
// its content hash: never a user's name in a path, and a new file whenever the content
// changes, so the files of the configuration that serves are never overwritten.
func certificatePaths(lb *LoadBalancer, ref string) (crt, key string) {
	base := certificateBase(lb.Name, ref, lb.Certificates[ref].Hash)
	return CertDir + "/" + base + ".crt", CertDir + "/" + base + ".key"
}

func certificateBase(lb, ref, hash string) string {
	sum := sha256.Sum256([]byte(lb + "\x00" + ref + "\x00" + hash))
	return hex.EncodeToString(sum[:16])
}
