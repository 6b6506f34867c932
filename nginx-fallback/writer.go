package nginxfallback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// Writer puts configurations into nginx's prefix directory. A configuration reaches Dir only
// after `nginx -t` accepted it with exactly the certificate files it refers to, so a
// configuration that fails never replaces the one that serves, and nginx, restarted or
// reloaded at any moment, finds a configuration it accepts.
type Writer struct {
	// Nginx is the nginx binary that validates.
	Nginx string
	// Dir is nginx's prefix directory: nginx.conf, certs/, and what nginx writes itself.
	Dir string

	// mu serialises Apply: two writes interleaved could prune each other's files.
	mu sync.Mutex
}

// file is one certificate or key file, relative to CertDir.
type file struct {
	name string
	data []byte
}

// Apply renders in, validates it with its certificates in a staging directory, and moves it
// into Dir. It reports whether Dir changed: an input that renders what Dir already holds
// writes nothing, so the caller reloads nginx only when needed.
func (w *Writer) Apply(ctx context.Context, in Input) (bool, error) {
	_, changed, err := w.applyConfig(ctx, in)
	return changed, err
}

// applyConfig is Apply that also returns the configuration it rendered, so that the
// Supervisor knows which generation to wait for without rendering twice.
func (w *Writer) applyConfig(ctx context.Context, in Input) ([]byte, bool, error) {
	config, err := Render(in)
	if err != nil {
		return nil, false, fmt.Errorf("render the nginx configuration: %w", err)
	}
	files, err := certificateFiles(ctx, in)
	if err != nil {
		return nil, false, err
	}
	changed, err := w.apply(ctx, config, files)
	return config, changed, err
}

func (w *Writer) apply(ctx context.Context, config []byte, files []file) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.current(config, files) {
		return false, nil
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return false, fmt.Errorf("create the nginx prefix: %w", err)
	}
	stage, err := os.MkdirTemp(w.Dir, ".stage-")
	if err != nil {
		return false, fmt.Errorf("create a staging directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(stage) }()
	if err := writeTree(stage, config, files); err != nil {
		return false, err
	}
	if err := Validate(ctx, w.Nginx, stage); err != nil {
		return false, err
	}
	if err := install(stage, w.Dir, files); err != nil {
		return true, err
	}
	return true, prune(w.Dir, files)
}

// current reports whether Dir already holds this configuration and its files. File names
// are content hashes, so an existing name means the same content.
func (w *Writer) current(config []byte, files []file) bool {
	have, err := os.ReadFile(filepath.Join(w.Dir, ConfigFile))
	if err != nil || !bytes.Equal(have, config) {
		return false
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(w.Dir, CertDir, f.name)); err != nil {
			return false
		}
	}
	return true
}

// certificateFiles lists the certificate and key files of every resolved Secret, reading
// each key only now, for this write.
func certificateFiles(ctx context.Context, in Input) ([]file, error) {
	var out []file
	for _, lb := range in.LoadBalancers {
		for _, ref := range sortedKeys(lb.Certificates) {
			cert := lb.Certificates[ref]
			if cert.Key == nil {
				return nil, fmt.Errorf("loadbalancer %s: certificate %s has no key", shown(lb.Name), shown(ref))
			}
			key, err := cert.Key(ctx)
			if err != nil {
				return nil, fmt.Errorf("loadbalancer %s: read the key of certificate %s: %w", shown(lb.Name), shown(ref), err)
			}
			base := certificateBase(lb.Name, ref, cert.Hash)
			out = append(out, file{name: base + ".crt", data: cert.CertPEM}, file{name: base + ".key", data: key})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// writeTree writes a prefix directory: the configuration, and the certificate directory
// (0700) with its files (0600), each synced so a crash never leaves a short file in place.
func writeTree(dir string, config []byte, files []file) error {
	certs := filepath.Join(dir, CertDir)
	if err := os.Mkdir(certs, 0o700); err != nil {
		return fmt.Errorf("create the certificate directory: %w", err)
	}
	for _, f := range files {
		if err := writeSynced(filepath.Join(certs, f.name), f.data, 0o600); err != nil {
			return err
		}
	}
	return writeSynced(filepath.Join(dir, ConfigFile), config, 0o644)
}

func writeSynced(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// install moves the staged files into dir: the certificates first (new names never replace
// a file the serving configuration uses), then the configuration, in one rename.
func install(stage, dir string, files []file) error {
	certs := filepath.Join(dir, CertDir)
	if err := os.MkdirAll(certs, 0o700); err != nil {
		return fmt.Errorf("create the certificate directory: %w", err)
	}
	if err := os.Chmod(certs, 0o700); err != nil {
		return fmt.Errorf("restrict the certificate directory: %w", err)
	}
	for _, f := range files {
		if err := os.Rename(filepath.Join(stage, CertDir, f.name), filepath.Join(certs, f.name)); err != nil {
			return fmt.Errorf("install certificate file: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(stage, ConfigFile), filepath.Join(dir, ConfigFile)); err != nil {
		return fmt.Errorf("install the nginx configuration: %w", err)
	}
	return nil
}

// prune removes the certificate files the installed configuration no longer uses; nginx
// holds the ones it loaded in memory.
func prune(dir string, files []file) error {
	keep := map[string]bool{}
	for _, f := range files {
		keep[f.name] = true
	}
	entries, err := os.ReadDir(filepath.Join(dir, CertDir))
	if err != nil {
		return fmt.Errorf("list the certificate directory: %w", err)
	}
	for _, e := range entries {
		if keep[e.Name()] {
			continue
		}
		err := os.Remove(filepath.Join(dir, CertDir, e.Name()))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove an unused certificate file: %w", err)
		}
	}
	return nil
}
