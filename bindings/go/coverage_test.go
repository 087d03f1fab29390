// SPDX-License-Identifier: MIT

package gmmot

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// enumerators are the (name, value) pairs "PREFIX... = v" of a header's enums.
func enumerators(t *testing.T, header, prefix string) map[string]int {
	b, err := os.ReadFile("../../include/gmmot/" + header)
	must(t, err)
	re := regexp.MustCompile(`(?m)^\s*(` + prefix + `[A-Z0-9_]+)\s*=\s*(-?[0-9]+)`)
	out := map[string]int{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		v, err := strconv.Atoi(m[2])
		must(t, err)
		out[m[1]] = v
	}
	if len(out) == 0 {
		t.Fatalf("no %s enumerators in %s", prefix, header)
	}
	return out
}

// Every status code and family of the headers has its Go constant with the same value (a new
// enumerator without one fails here).
func TestEveryStatusAndFamilyHasAConstant(t *testing.T) {
	if _, err := os.Stat("../../include/gmmot/gmmot.h"); err != nil {
		t.Skip("not inside the libgmmot source tree (../../include/gmmot): ", err)
	}
	statuses := map[string]Status{"GMMOT_OK": OK, "GMMOT_W_NOT_CONVERGED": WNotConverged,
		"GMMOT_W_SYMMETRIZED": WSymmetrized, "GMMOT_E_INVALID_ARGUMENT": EInvalidArgument,
		"GMMOT_E_BUFFER_TOO_SMALL": EBufferTooSmall, "GMMOT_E_OUT_OF_MEMORY": EOutOfMemory,
		"GMMOT_E_DIMENSION": EDimension, "GMMOT_E_TOO_LARGE": ETooLarge,
		"GMMOT_E_NONFINITE": ENonFinite, "GMMOT_E_WEIGHTS": EWeights,
		"GMMOT_E_NOT_SYMMETRIC": ENotSymmetric, "GMMOT_E_NOT_PSD": ENotPSD,
		"GMMOT_E_SINGULAR": ESingular, "GMMOT_E_NO_MAP": ENoMap, "GMMOT_E_OVERFLOW": EOverflow,
		"GMMOT_E_LAPACK": ELapack, "GMMOT_E_CANCELLED": ECancelled,
		"GMMOT_E_ITERATION_LIMIT": EIterationLimit, "GMMOT_E_FORMAT": EFormat, "GMMOT_E_IO": EIO,
		"GMMOT_E_FAMILY": EFamily, "GMMOT_E_INTERNAL": EInternal}
	header := enumerators(t, "status.h", "GMMOT_[EWO]")
	if len(header) != len(statuses) {
		t.Errorf("status.h has %d status codes, the package %d", len(header), len(statuses))
	}
	for name, v := range header {
		s, ok := statuses[name]
		if !ok || int(s) != v || s.Name() != name {
			t.Errorf("%s = %d: Go constant %d (%v, name %q)", name, v, int(s), ok, s.Name())
		}
	}
	families := map[string]Family{"GMMOT_FAMILY_GAUSSIAN": FamilyGaussian,
		"GMMOT_FAMILY_STUDENT_T": FamilyStudentT}
	header = enumerators(t, "gmm.h", "GMMOT_FAMILY_")
	if len(header) != len(families) {
		t.Errorf("gmm.h has %d families, the package %d", len(header), len(families))
	}
	for name, v := range header {
		if f, ok := families[name]; !ok || int(f) != v {
			t.Errorf("%s = %d: Go constant %d (%v)", name, v, int(f), ok)
		}
	}
}
