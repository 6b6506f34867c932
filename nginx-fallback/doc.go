// Package nginxfallback is the nginx provider: it serves the LoadBalancers whose provider is
// nginx from one nginx that the controller runs in the cluster.
//
// The pieces, each in its own file: Render turns the LoadBalancers into one nginx
// configuration (pure, deterministic, golden-file tested); Validate runs `nginx -t` on it;
// Writer stages the configuration and its certificate files, validates them, and renames
// them into place, so a configuration nginx refuses never replaces the one that serves.
//
// Every value that came from a user (hosts, paths, names, addresses, certificates) was
// validated by the model; the renderer checks it again and quotes it, or refuses it with an
// error that names it. Nothing a user wrote reaches a comment or a directive name: upstream
// names are sanitised and hashed, certificate files are named by hash.
//
// nginx decodes %2F before it matches locations; Kubernetes keeps an encoded slash inside
// its path element. Each server therefore routes a request whose path holds one through
// internal copies of its prefix locations, by the raw request URI (encoded.go), so that
// nginx chooses what the reference router chooses.
//
// WriteTree writes a rendered configuration and its certificate files into a directory
// without validating it (portico plan --write-dir); ClaimsInOrder decides the claims of
// LoadBalancers listed oldest first, for tools and tests that have no controller.
//
// # Supervisor
//
// A Supervisor runs nginx in the foreground (`-g 'daemon off;'`) in a process group of its
// own, with everything (configuration, certificates, pid, temp directories, error log) in
// its prefix directory and the listen addresses of its Options. Run starts nginx after the
// first Apply, restarts it with backoff on the injected clock when it dies (killing the
// workers an abruptly killed master leaves holding the ports), and on shutdown sends
// SIGQUIT so in-flight requests finish, then SIGTERM and SIGKILL after deadlines.
//
// Apply renders, validates and swaps the configuration in with the Writer, sends SIGHUP,
// and returns only once the reload took effect: the configuration carries a generation (a
// hash of the rest of it) that a status server on loopback answers at GenerationPath, and
// Apply waits until nginx answers the new one and no old worker still holds a listening
// socket (read from /proc), so the next connection reaches the new configuration. A
// configuration nginx refuses, by `nginx -t` or when the master loads it (an [emerg] in its
// error log, such as a port it cannot bind), never serves: Apply returns a *RejectedError
// with nginx's message (without the prefix directory, PEM text or nginx's timestamps;
// trimmed) for the LoadBalancer's condition, and the previous configuration keeps serving.
//
// # Coalescer
//
// A Coalescer sits in front of Apply: Update hands it the latest desired state and returns a
// Pending that answers with the result of the load that included it. It loads nothing until
// Synced (the controller's caches have synced, so a restart never serves a partial
// configuration), then at most one state per interval, always the latest, so a burst of
// endpoint changes costs one reload and the last change is never lost.
//
// Metrics (NewMetrics, on a registry the caller passes in) count loads by result
// (portico_nginx_reloads_total), their duration, nginx restarts and the updates handed to
// the coalescer.
package nginxfallback
