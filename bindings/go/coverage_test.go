// SPDX-License-Identifier: MIT

package gmmot

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every GMMOT_API function of the public headers must be called by the package (as C.<name>(,
// or from a C helper of a cgo preamble for the progress trampoline).
func TestEveryHeaderFunctionIsWrapped(t *testing.T) {
	if _, err := os.Stat("../../include/gmmot/gmmot.h"); err != nil {
		t.Skip("not inside the libgmmot source tree (../../include/gmmot): ", err)
	}
	headers, err := filepath.Glob("../../include/gmmot/*.h")
	must(t, err)
	api := regexp.MustCompile(`GMMOT_API\s[^;{]*?\b(gmmot_[a-z0-9_]+)\s*\(`)
	seen := map[string]bool{}
	var names []string
	for _, h := range headers {
		b, err := os.ReadFile(h)
		must(t, err)
		for _, m := range api.FindAllStringSubmatch(string(b), -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	if len(names) < 100 {
		t.Fatalf("found only %d GMMOT_API functions: parser broken?", len(names))
	}
	sources, err := filepath.Glob("*.go")
	must(t, err)
	var code, preambles strings.Builder
	for _, s := range sources {
		if strings.HasSuffix(s, "_test.go") {
			continue
		}
		b, err := os.ReadFile(s)
		must(t, err)
		c, p := splitCgo(string(b))
		code.WriteString(c)
		preambles.WriteString(p)
	}
	for _, n := range names {
		if !wrapped(n, code.String(), preambles.String()) {
			t.Errorf("%s is not wrapped", n)
		}
	}
	t.Logf("%d GMMOT_API functions checked", len(names))
}

// splitCgo splits a Go source into its code without comments and the C of its cgo preambles
// (the comment lines right before import "C").
func splitCgo(src string) (code, preamble string) {
	var c, p strings.Builder
	var pending []string // the comment block read so far
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "//") {
			pending = append(pending, strings.TrimPrefix(trimmed, "//"))
			continue
		}
		if trimmed == `import "C"` {
			p.WriteString(strings.Join(pending, "\n") + "\n")
		}
		pending = pending[:0]
		if i := strings.Index(line, "//"); i >= 0 { // a trailing comment (no "//" in our strings)
			line = line[:i]
		}
		c.WriteString(line + "\n")
	}
	return c.String(), p.String()
}

// wrapped reports whether name is called from Go code (C.name() or from the C of a cgo
// preamble; doc comments and other comments do not count.
func wrapped(name, code, preamble string) bool {
	return strings.Contains(code, "C."+name+"(") ||
		regexp.MustCompile(`\b`+name+`\(`).MatchString(preamble)
}

// The coverage check itself: mentions in comments are not calls.
func TestCoverageCheckIgnoresComments(t *testing.T) {
	src := "package x\n\n// #include <gmmot/gmmot.h>\n// static int f(void) { return gmmot_b(0); }\nimport \"C\"\n\n" +
		"// gmmot_a(x) is documented here but never called; C.gmmot_c(x) neither.\nfunc g() { C.gmmot_d(nil) } // C.gmmot_e(\n"
	code, pre := splitCgo(src)
	for name, want := range map[string]bool{"gmmot_a": false, "gmmot_b": true, "gmmot_c": false,
		"gmmot_d": true, "gmmot_e": false} {
		if got := wrapped(name, code, pre); got != want {
			t.Errorf("wrapped(%s) = %v, want %v", name, got, want)
		}
	}
}
