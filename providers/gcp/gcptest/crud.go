package gcptest

import (
	"encoding/base64"
	"encoding/binary"
	"regexp"
	"strings"

	"google.golang.org/protobuf/proto"
)

// nameRE is Google's rule for resource names (RFC 1035, at most 63 characters).
var nameRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

func validName(name string) error {
	if name == "" {
		return errRequired("resource.name")
	}
	if !nameRE.MatchString(name) {
		return errInvalid("Invalid value for field 'resource.name': '%s'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'", name)
	}
	return nil
}

func relOf(link string) string { return strings.TrimPrefix(link, googleBase) }

func (s *Server) get(c *call) (proto.Message, error) {
	p := s.project(c.project)
	m, ok := p.lookup(c.kind, c.zone, c.name)
	if !ok {
		return nil, errNotFound(relOf(p.selfLink(c.kind, c.zone, c.name)))
	}
	return presented(c.kind, p, m), nil
}

// presented is the copy of a stored resource that a read returns.
func presented(k *kind, p *project, m proto.Message) proto.Message {
	out := proto.Clone(m)
	if k.present != nil {
		k.present(p, out)
	}
	return out
}

func (s *Server) insert(c *call) (proto.Message, error) {
	k, p := c.kind, s.project(c.project)
	m := k.newItem()
	if err := decode(c.body, m); err != nil {
		return nil, err
	}
	name := getString(m, "name")
	if err := validName(name); err != nil {
		return nil, err
	}
	link := p.selfLink(k, c.zone, name)
	if _, ok := p.lookup(k, c.zone, name); ok {
		return nil, errAlreadyExists(relOf(link))
	}
	if err := s.check(c, m); err != nil {
		return nil, err
	}
	return s.mutate(c, link, 0, "insert", func() uint64 {
		id := s.newID() // decode dropped the output-only fields a request sent
		setField(m, "id", id)
		setField(m, "selfLink", link)
		setField(m, "kind", k.kindName)
		setField(m, "creationTimestamp", s.timestamp())
		if k.zonal {
			setField(m, "zone", googleBase+"projects/"+p.name+"/zones/"+c.zone)
		}
		s.refingerprint(m)
		if k.prepare != nil {
			k.prepare(s, p, m)
		}
		p.put(k, c.zone, m)
		return id
	}), nil
}

// check resolves m's references and applies its kind's rules.
func (s *Server) check(c *call, m proto.Message) error {
	if !isSetter(c) {
		if err := s.authorizeRefs(c, m); err != nil {
			return err
		}
	}
	if err := s.resolve(c.project, m); err != nil {
		return err
	}
	if err := supportedByScheme(m); err != nil {
		return err
	}
	if c.kind.validate != nil {
		return c.kind.validate(s.project(c.project), m)
	}
	return nil
}

func (s *Server) delete(c *call) (proto.Message, error) {
	k, p := c.kind, s.project(c.project)
	m, ok := p.lookup(k, c.zone, c.name)
	if !ok {
		return nil, errNotFound(relOf(p.selfLink(k, c.zone, c.name)))
	}
	link := getString(m, "selfLink")
	if users := p.usersOf(link); len(users) > 0 {
		return nil, errInUse(snake(strings.TrimPrefix(k.kindName, "compute#")), relOf(link), relOf(users[0]))
	}
	return s.mutate(c, link, getID(m), "delete", func() uint64 {
		p.remove(k, c.zone, c.name)
		return getID(m)
	}), nil
}

// replace stores next in place of the current resource once it passed every
// rule; the fingerprint changes with every write.
func (s *Server) replace(c *call, opType string, cur, next proto.Message) (proto.Message, error) {
	keepOutputOnly(cur, next)
	if getString(next, "name") != getString(cur, "name") {
		return nil, errInvalid("Invalid value for field 'resource.name': '%s'. The name of a resource cannot be changed", getString(next, "name"))
	}
	if err := immutableKept(c.kind, cur, next); err != nil {
		return nil, err
	}
	return s.commit(c, opType, cur, next)
}

// commit checks and stores next in place of cur; set* methods, which may
// change fields patch may not, come here directly.
func (s *Server) commit(c *call, opType string, cur, next proto.Message) (proto.Message, error) {
	if err := s.check(c, next); err != nil {
		return nil, err
	}
	p := s.project(c.project)
	return s.mutate(c, getString(cur, "selfLink"), getID(cur), opType, func() uint64 {
		s.refingerprint(next)
		p.put(c.kind, c.zone, next)
		return getID(next)
	}), nil
}

// refingerprint gives a resource that has a fingerprint a new one; a counter
// makes it differ from every earlier one, so an old read is always stale.
func (s *Server) refingerprint(m proto.Message) {
	if !hasField(m, "fingerprint") {
		return
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], s.newID())
	setField(m, "fingerprint", base64.StdEncoding.EncodeToString(b[:]))
}

// checkFingerprint applies Google's optimistic locking: the fingerprint sent
// must be the current one (412 conditionNotMet), and for the kinds whose
// reference says it must be provided, a missing one fails the same way.
func checkFingerprint(k *kind, cur, sent proto.Message) error {
	if !hasField(cur, "fingerprint") {
		return nil
	}
	got := getString(sent, "fingerprint")
	if got == "" && !k.fingerprintRequired {
		return nil
	}
	if got != getString(cur, "fingerprint") {
		return errConditionNotMet(relOf(getString(cur, "selfLink")))
	}
	return nil
}

// snake spells a kind as Google's messages do: backendService → backend_service.
func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
