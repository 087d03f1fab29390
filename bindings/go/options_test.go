// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"testing"
)

func TestOptions(t *testing.T) {
	o := newOpts(t, nil, nil)
	v, err := o.Int(OptEMComponents)
	must(t, err)
	if v != 10 {
		t.Fatalf("default K %d, want 10 (gmmot/options.h)", v)
	}
	must(t, o.SetInt(OptSeed, 12345))
	must(t, o.SetFloat(OptEMTolerance, 1e-3))
	c, err := o.Clone()
	must(t, err)
	defer c.Close()
	s, _ := c.Int(OptSeed)
	f, _ := c.Float(OptEMTolerance)
	if s != 12345 || f != 1e-3 {
		t.Fatalf("clone: seed %d, tolerance %g", s, f)
	}
	must(t, o.SetInt(OptSeed, 1))
	if s, _ := c.Int(OptSeed); s != 12345 {
		t.Fatal("the clone follows its source")
	}
	wantStatus(t, o.SetInt(OptEMComponents, 0), EInvalidArgument, "1")
	wantStatus(t, o.SetInt(OptEMTolerance, 1), EInvalidArgument)
	wantStatus(t, o.SetFloat(OptEMTolerance, math.NaN()), EInvalidArgument)
	wantStatus(t, o.SetInt(405, 1), EInvalidArgument) // the retired key stays unknown
	_, err = o.Float(OptSeed)
	wantStatus(t, err, EInvalidArgument)

	typ, lo, hi, err := OptionBounds(OptNumThreads)
	must(t, err)
	if typ != OptionInt || lo != 0 || hi != 1024 {
		t.Fatalf("bounds %v [%g, %g]", typ, lo, hi)
	}
	typ, lo, hi, err = OptionBounds(OptEntropicEpsilon)
	must(t, err)
	if typ != OptionDouble || lo != 1e-8 || hi != 1e8 {
		t.Fatalf("bounds %v [%g, %g]", typ, lo, hi)
	}
	_, _, _, err = OptionBounds(9999)
	wantStatus(t, err, EInvalidArgument)
}
