// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"testing"
)

// near fails the test unless |got - want| <= tol * max(1, |want|).
func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Fatalf("%s = %.17g, want %.17g (tol %g)", what, got, want, tol)
	}
}

func nearAll(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol*math.Max(1, math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %.17g, want %.17g (tol %g)", what, i, got[i], want[i], tol)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantStatus fails unless err is an *Error of status s whose message contains every part.
func wantStatus(t *testing.T, err error, s Status, parts ...string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %v (%T), want an *Error of status %s", err, err, s.Name())
	}
	if e.Status != s || e.Name != s.Name() {
		t.Fatalf("got %v, want status %s", err, s.Name())
	}
	for _, p := range parts {
		if !contains(e.Message, p) {
			t.Fatalf("message %q does not contain %q", e.Message, p)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// diag is the d x d diagonal matrix with entries v, row-major.
func diag(v ...float64) []float64 {
	d := len(v)
	m := make([]float64, d*d)
	for i, x := range v {
		m[i*d+i] = x
	}
	return m
}

func newGMM(t *testing.T, k, d int, w, m, c []float64) *GMM {
	t.Helper()
	g, err := NewGMM(k, d, w, m, c)
	must(t, err)
	t.Cleanup(func() { g.Close() })
	return g
}

func newOpts(t *testing.T, ints map[Option]int64, floats map[Option]float64) *Options {
	t.Helper()
	o, err := NewOptions()
	must(t, err)
	for k, v := range ints {
		must(t, o.SetInt(k, v))
	}
	for k, v := range floats {
		must(t, o.SetFloat(k, v))
	}
	t.Cleanup(func() { o.Close() })
	return o
}
