// Package conformance reads the upstream Kubernetes Ingress conformance feature files (Gherkin)
// from ../shared/conformance at test time, so that every provider can be run against the same
// scenarios. It parses the subset of Gherkin those files use: Feature, Background, Scenario,
// Scenario Outline with Examples, steps with doc strings and data tables.
package conformance

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Feature is one .feature file.
type Feature struct {
	Name       string
	Background []Step
	Scenarios  []Scenario
}

// Scenario is one scenario; outlines are expanded into one scenario per example row.
type Scenario struct {
	Name  string
	Steps []Step
}

// Step is one Given/When/Then/And line.
type Step struct {
	Keyword   string
	Text      string
	DocString string
	Table     [][]string
}

// ErrNoFeatures says that the shared feature files are not on this machine.
var ErrNoFeatures = errors.New("conformance feature files not found")

// Dir returns the directory of the shared conformance feature files: $PORTICO_CONFORMANCE_DIR,
// else shared/conformance beside the checkout or beside any directory above it (a clone in
// another place still finds the workspace's copy), else /work/shared/conformance.
func Dir() (string, error) {
	if dir := os.Getenv("PORTICO_CONFORMANCE_DIR"); dir != "" {
		return dir, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the checkout")
	}
	var tried []string
	for dir := filepath.Join(filepath.Dir(file), "..", ".."); ; {
		parent := filepath.Dir(dir)
		candidate := filepath.Join(parent, "shared", "conformance")
		tried = append(tried, candidate)
		if isDir(candidate) {
			return candidate, nil
		}
		if parent == dir {
			break
		}
		dir = parent
	}
	if isDir(workspaceDir) {
		return workspaceDir, nil
	}
	return "", fmt.Errorf("%w in %s or %s (set PORTICO_CONFORMANCE_DIR)", ErrNoFeatures, strings.Join(tried, ", "), workspaceDir)
}

// workspaceDir is where the workspace keeps the feature files.
const workspaceDir = "/work/shared/conformance"

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// Load parses the named feature file of Dir, for example "path_rules.feature".
func Load(name string) (*Feature, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	return ParseFile(filepath.Join(dir, name))
}

// ParseFile parses one feature file.
func ParseFile(path string) (*Feature, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading feature file: %w", err)
	}
	f, err := Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// parser holds the state of one parse.
type parser struct {
	feature   Feature
	steps     *[]Step // where the next step goes
	outline   *Scenario
	examples  [][]string
	inDoc     bool
	docLines  []string
	docIndent int
}

// Parse parses the text of a feature file.
func Parse(text string) (*Feature, error) {
	p := &parser{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		if err := p.line(sc.Text()); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if p.inDoc {
		return nil, fmt.Errorf("unterminated doc string")
	}
	p.flushOutline()
	return &p.feature, sc.Err()
}

func (p *parser) line(raw string) error {
	trimmed := strings.TrimSpace(raw)
	if p.inDoc {
		p.docLine(raw, trimmed)
		return nil
	}
	switch {
	case trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "@"):
	case strings.HasPrefix(trimmed, `"""`):
		p.inDoc, p.docLines = true, nil
		p.docIndent = len(raw) - len(strings.TrimLeft(raw, " \t"))
	case strings.HasPrefix(trimmed, "|"):
		return p.tableRow(trimmed)
	case strings.HasPrefix(trimmed, "Feature:"):
		p.feature.Name = strings.TrimSpace(strings.TrimPrefix(trimmed, "Feature:"))
	case strings.HasPrefix(trimmed, "Background:"):
		p.flushOutline()
		p.steps = &p.feature.Background
	case strings.HasPrefix(trimmed, "Scenario Outline:"):
		p.flushOutline()
		p.outline = &Scenario{Name: strings.TrimSpace(strings.TrimPrefix(trimmed, "Scenario Outline:"))}
		p.steps = &p.outline.Steps
	case strings.HasPrefix(trimmed, "Scenario:"):
		p.flushOutline()
		p.feature.Scenarios = append(p.feature.Scenarios, Scenario{Name: strings.TrimSpace(strings.TrimPrefix(trimmed, "Scenario:"))})
		p.steps = &p.feature.Scenarios[len(p.feature.Scenarios)-1].Steps
	case strings.HasPrefix(trimmed, "Examples:"):
		if p.outline == nil {
			return fmt.Errorf("examples outside a scenario outline")
		}
		p.steps = nil // the table rows that follow are the examples
	default:
		return p.stepOrDescription(trimmed)
	}
	return nil
}

func (p *parser) docLine(raw, trimmed string) {
	if strings.HasPrefix(trimmed, `"""`) {
		p.inDoc = false
		if p.steps != nil && len(*p.steps) > 0 {
			(*p.steps)[len(*p.steps)-1].DocString = strings.Join(p.docLines, "\n") + "\n"
		}
		return
	}
	// Doc string lines lose the indentation of the opening quotes, as in Gherkin.
	line := raw
	for i := 0; i < p.docIndent && len(line) > 0 && (line[0] == ' ' || line[0] == '\t'); i++ {
		line = line[1:]
	}
	p.docLines = append(p.docLines, line)
}

func (p *parser) tableRow(trimmed string) error {
	cells := strings.Split(strings.Trim(trimmed, "|"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	if p.steps == nil {
		if p.outline == nil {
			return fmt.Errorf("table row outside a step or Examples")
		}
		p.examples = append(p.examples, cells)
		return nil
	}
	if len(*p.steps) == 0 {
		return fmt.Errorf("table row before any step")
	}
	last := &(*p.steps)[len(*p.steps)-1]
	last.Table = append(last.Table, cells)
	return nil
}

func (p *parser) stepOrDescription(trimmed string) error {
	for _, kw := range []string{"Given", "When", "Then", "And", "But"} {
		if rest, ok := strings.CutPrefix(trimmed, kw+" "); ok {
			if p.steps == nil {
				return fmt.Errorf("step %q outside a scenario", trimmed)
			}
			*p.steps = append(*p.steps, Step{Keyword: kw, Text: rest})
			return nil
		}
	}
	return nil // free-text description
}

// flushOutline expands a finished Scenario Outline into one scenario per example row.
func (p *parser) flushOutline() {
	if p.outline == nil {
		return
	}
	if len(p.examples) > 1 {
		header := p.examples[0]
		for i, row := range p.examples[1:] {
			s := Scenario{Name: fmt.Sprintf("%s (example %d)", p.outline.Name, i+1)}
			for _, st := range p.outline.Steps {
				st.Text = substitute(st.Text, header, row)
				s.Steps = append(s.Steps, st)
			}
			p.feature.Scenarios = append(p.feature.Scenarios, s)
		}
	} else {
		p.feature.Scenarios = append(p.feature.Scenarios, *p.outline)
	}
	p.outline, p.examples, p.steps = nil, nil, nil
}

func substitute(text string, header, row []string) string {
	for i, name := range header {
		if i < len(row) {
			text = strings.ReplaceAll(text, "<"+name+">", row[i])
		}
	}
	return text
}

// LoadForTest loads a feature file for a test, and skips the test, saying why, when the
// workspace's feature files are not on this machine: they are read in place, never copied.
func LoadForTest(t interface {
	Helper()
	Fatal(...any)
	Skip(...any)
}, name string) *Feature {
	t.Helper()
	f, err := Load(name)
	if errors.Is(err, ErrNoFeatures) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}
