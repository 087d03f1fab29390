// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

func (m *MW2) mapPoints(fn string, x []float64, opts *Options,
	f func(*C.gmmot_mw2_t, C.size_t, *C.double, *C.gmmot_options_t, *C.double, C.size_t) C.int) ([]float64, error) {
	p, err := m.use()
	if err != nil {
		return nil, err
	}
	defer m.done()
	n, err := rows(fn, "x", x, int(C.gmmot_mw2_dim(p)))
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(x))
	if err := withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return f(p, sz(n), dptr(x), op, dptr(out), sz(len(out)))
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// MapMean applies T_mean, the conditional expectation of the plan's coupling, to the n points
// of x (n x d, row-major); the result is n x d.
func (m *MW2) MapMean(x []float64, opts *Options) ([]float64, error) {
	return m.mapPoints("gmmot.MW2.MapMean", x, opts, func(p *C.gmmot_mw2_t, n C.size_t,
		x *C.double, o *C.gmmot_options_t, out *C.double, l C.size_t) C.int {
		return C.gmmot_mw2_map_mean(p, n, x, o, out, l)
	})
}

// MapRand applies one random draw of T_rand to each point of x (seeded by OptSeed).
func (m *MW2) MapRand(x []float64, opts *Options) ([]float64, error) {
	return m.mapPoints("gmmot.MW2.MapRand", x, opts, func(p *C.gmmot_mw2_t, n C.size_t,
		x *C.double, o *C.gmmot_options_t, out *C.double, l C.size_t) C.int {
		return C.gmmot_mw2_map_rand(p, n, x, o, out, l)
	})
}
