// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import "runtime"

// Transport is the solution of a discrete transport problem (gmmot/transport.h): immutable,
// readable from any number of goroutines.
type Transport struct{ h handle }

func wrapTransport(p *C.gmmot_transport_t) *Transport {
	return track(&Transport{}, p, func(p *C.gmmot_transport_t) { C.gmmot_transport_destroy(p) })
}

func (t *Transport) ref() *handle {
	if t == nil {
		return nil
	}
	return &t.h
}

// Close frees the result (idempotent; also run by a finalizer).
func (t *Transport) Close() error { return closeRef(t) }

func (t *Transport) use() (*C.gmmot_transport_t, error) { return useRef[C.gmmot_transport_t](t) }
func (t *Transport) done()                              { doneRef(t) }

func transportArgs(fn string, a, b, cost []float64) error {
	n, ok := mulOK(len(a), len(b))
	if !ok {
		return argError(ETooLarge, "%s: len(a)*len(b) overflows", fn)
	}
	return checkLen(fn, "cost", len(cost), n, "len(a)*len(b)")
}

// nonNil gives C a non-NULL pointer for an empty slice, so that empty inputs reach the
// library's own dimension checks (GMMOT_E_DIMENSION) rather than its NULL check.
func nonNil(s []float64) *C.double {
	if len(s) == 0 {
		return dptr(make([]float64, 1))
	}
	return dptr(s)
}

// SolveTransport solves min <cost, P> over plans P with marginals a (K0) and b (K1); cost is
// K0 x K1 row-major. The method is OptTransportMethod (exact by default).
func SolveTransport(a, b, cost []float64, opts *Options) (*Transport, error) {
	if err := transportArgs("gmmot.SolveTransport", a, b, cost); err != nil {
		return nil, err
	}
	return create(opts, wrapTransport, func(op *C.gmmot_options_t, out **C.gmmot_transport_t) C.int {
		return C.gmmot_transport_solve(sz(len(a)), sz(len(b)), nonNil(a), nonNil(b), nonNil(cost), op, out)
	})
}

// SolveTransportWarm is SolveTransport with the exact method, warm-started from the duals u0
// (K0) and v0 (K1) of a similar problem.
func SolveTransportWarm(a, b, cost, u0, v0 []float64, opts *Options) (*Transport, error) {
	const fn = "gmmot.SolveTransportWarm"
	if err := transportArgs(fn, a, b, cost); err != nil {
		return nil, err
	}
	if err := checkLen(fn, "u0", len(u0), len(a), "len(a)"); err != nil {
		return nil, err
	}
	if err := checkLen(fn, "v0", len(v0), len(b), "len(b)"); err != nil {
		return nil, err
	}
	return create(opts, wrapTransport, func(op *C.gmmot_options_t, out **C.gmmot_transport_t) C.int {
		return C.gmmot_transport_solve_warm(sz(len(a)), sz(len(b)), nonNil(a), nonNil(b),
			nonNil(cost), nonNil(u0), nonNil(v0), op, out)
	})
}

// Rows is K0 (0 once closed).
func (t *Transport) Rows() int {
	p, err := t.use()
	if err != nil {
		return 0
	}
	defer t.done()
	return int(C.gmmot_transport_rows(p))
}

// Cols is K1 (0 once closed).
func (t *Transport) Cols() int {
	p, err := t.use()
	if err != nil {
		return 0
	}
	defer t.done()
	return int(C.gmmot_transport_cols(p))
}

// NNZ is the number of non-zeros of the plan (0 once closed).
func (t *Transport) NNZ() int {
	p, err := t.use()
	if err != nil {
		return 0
	}
	defer t.done()
	return int(C.gmmot_transport_nnz(p))
}

// Cost is the optimal cost sum_ij C_ij P_ij.
func (t *Transport) Cost() (float64, error) {
	p, err := t.use()
	if err != nil {
		return 0, err
	}
	defer t.done()
	var c C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_transport_cost(p, &c), nil)
	return float64(c), err
}

// Plan is the dense K0 x K1 plan, row-major.
func (t *Transport) Plan() ([]float64, error) {
	p, err := t.use()
	if err != nil {
		return nil, err
	}
	defer t.done()
	n := int(C.gmmot_transport_rows(p)) * int(C.gmmot_transport_cols(p))
	out := make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_transport_copy_plan(p, dptr(out), sz(n)), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// SparsePlan is the plan's non-zeros as triplets (rows[n], cols[n], mass[n]) sorted by
// (row, col).
func (t *Transport) SparsePlan() (rows, cols []int, mass []float64, err error) {
	p, err := t.use()
	if err != nil {
		return nil, nil, nil, err
	}
	defer t.done()
	n := int(C.gmmot_transport_nnz(p))
	r, c, m := make([]C.size_t, n), make([]C.size_t, n), make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_transport_copy_sparse_plan(p, zptr(r), zptr(c), dptr(m), sz(n)), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return toInts(r), toInts(c), m, nil
}

// Duals are the dual potentials u (K0) and v (K1), centred so that u.a = v.b.
func (t *Transport) Duals() (u, v []float64, err error) {
	p, err := t.use()
	if err != nil {
		return nil, nil, err
	}
	defer t.done()
	k0, k1 := int(C.gmmot_transport_rows(p)), int(C.gmmot_transport_cols(p))
	u, v = make([]float64, k0), make([]float64, k1)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_transport_copy_duals(p, dptr(u), sz(k0), dptr(v), sz(k1)), nil); err != nil {
		return nil, nil, err
	}
	return u, v, nil
}

// Info gives the iterations used (pivots or Sinkhorn iterations) and the plan's L1 marginal
// error.
func (t *Transport) Info() (iterations uint64, marginalError float64, err error) {
	p, err := t.use()
	if err != nil {
		return 0, 0, err
	}
	defer t.done()
	var it C.uint64_t
	var me C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_transport_info(p, &it, &me), nil)
	return uint64(it), float64(me), err
}
