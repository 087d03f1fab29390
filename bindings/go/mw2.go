// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import "runtime"

// MW2 is an MW2 plan between two mixtures (gmmot/mw2.h), solved (NewMW2, NewMW2FromPoints)
// or given (Relaxed.Plan): immutable, readable from any number of goroutines. It shares the
// mixtures with their handles, which may be closed once it is created.
type MW2 struct{ h handle }

func wrapMW2(p *C.gmmot_mw2_t) *MW2 {
	return track(&MW2{}, p, func(p *C.gmmot_mw2_t) { C.gmmot_mw2_destroy(p) })
}

func (m *MW2) ref() *handle {
	if m == nil {
		return nil
	}
	return &m.h
}

// Close frees the plan (idempotent; also run by a finalizer).
func (m *MW2) Close() error { return closeRef(m) }

func (m *MW2) use() (*C.gmmot_mw2_t, error) { return useRef[C.gmmot_mw2_t](m) }
func (m *MW2) done()                        { doneRef(m) }

// useGMMs acquires both mixtures of a pair; release with the returned function.
func useGMMs(g0, g1 *GMM) (*C.gmmot_gmm_t, *C.gmmot_gmm_t, func(), error) {
	p0, err := g0.use()
	if err != nil {
		return nil, nil, nil, err
	}
	p1, err := g1.use()
	if err != nil {
		g0.done()
		return nil, nil, nil, err
	}
	return p0, p1, func() { g0.done(); g1.done() }, nil
}

// NewMW2 computes the MW2 plan between g0 and g1.
func NewMW2(g0, g1 *GMM, opts *Options) (*MW2, error) {
	p0, p1, done, err := useGMMs(g0, g1)
	if err != nil {
		return nil, err
	}
	defer done()
	return create(opts, wrapMW2, func(op *C.gmmot_options_t, out **C.gmmot_mw2_t) C.int {
		return C.gmmot_mw2_create(p0, p1, op, out)
	})
}

// NewMW2FromPoints fits a mixture (OptEMComponents components) to each point cloud by EM and
// computes the MW2 plan between the fits. points0 (n0 x d) and points1 (n1 x d) are
// row-major; weights0 and weights1 are per-point weights, or nil for all 1.
func NewMW2FromPoints(d int, points0, points1, weights0, weights1 []float64, opts *Options) (*MW2, error) {
	const fn = "gmmot.NewMW2FromPoints"
	n0, err := rows(fn, "points0", points0, d)
	if err != nil {
		return nil, err
	}
	n1, err := rows(fn, "points1", points1, d)
	if err != nil {
		return nil, err
	}
	if err := optWeights(fn, "weights0", weights0, n0); err != nil {
		return nil, err
	}
	if err := optWeights(fn, "weights1", weights1, n1); err != nil {
		return nil, err
	}
	return create(opts, wrapMW2, func(op *C.gmmot_options_t, out **C.gmmot_mw2_t) C.int {
		return C.gmmot_mw2_create_from_points(nonNil(points0), sz(n0), nonNil(points1), sz(n1),
			sz(d), dptr(weights0), dptr(weights1), op, out)
	})
}

// MW2Squared is MW2^2(g0, g1) in one call.
func MW2Squared(g0, g1 *GMM, opts *Options) (float64, error) {
	p0, p1, done, err := useGMMs(g0, g1)
	if err != nil {
		return 0, err
	}
	defer done()
	var out C.double
	err = withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_mw2_squared(p0, p1, op, &out)
	})
	if !IsWarning(err) {
		return 0, err
	}
	return float64(out), err
}

// Distance gives MW2^2 and MW2 (for a given plan, the plan's cost).
func (m *MW2) Distance() (squared, distance float64, err error) {
	p, err := m.use()
	if err != nil {
		return 0, 0, err
	}
	defer m.done()
	var sq, d C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_mw2_distance(p, &sq, &d), nil)
	return float64(sq), float64(d), err
}

func (m *MW2) size(f func(*C.gmmot_mw2_t) C.size_t) int {
	p, err := m.use()
	if err != nil {
		return 0
	}
	defer m.done()
	return int(f(p))
}

// Rows is K0 (0 once closed).
func (m *MW2) Rows() int {
	return m.size(func(p *C.gmmot_mw2_t) C.size_t { return C.gmmot_mw2_rows(p) })
}

// Cols is K1 (0 once closed).
func (m *MW2) Cols() int {
	return m.size(func(p *C.gmmot_mw2_t) C.size_t { return C.gmmot_mw2_cols(p) })
}

// Dim is the dimension d (0 once closed).
func (m *MW2) Dim() int {
	return m.size(func(p *C.gmmot_mw2_t) C.size_t { return C.gmmot_mw2_dim(p) })
}

// NNZ is the number of non-zeros of the component plan (0 once closed).
func (m *MW2) NNZ() int {
	return m.size(func(p *C.gmmot_mw2_t) C.size_t { return C.gmmot_mw2_nnz(p) })
}

func (m *MW2) matrix(f func(*C.gmmot_mw2_t, *C.double, C.size_t) C.int) ([]float64, error) {
	p, err := m.use()
	if err != nil {
		return nil, err
	}
	defer m.done()
	n := int(C.gmmot_mw2_rows(p)) * int(C.gmmot_mw2_cols(p))
	out := make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(f(p, dptr(out), sz(n)), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// CostMatrix is the K0 x K1 matrix of W2^2 between components, row-major.
func (m *MW2) CostMatrix() ([]float64, error) {
	return m.matrix(func(p *C.gmmot_mw2_t, o *C.double, n C.size_t) C.int {
		return C.gmmot_mw2_copy_cost_matrix(p, o, n)
	})
}

// Plan is the dense K0 x K1 component plan, row-major.
func (m *MW2) Plan() ([]float64, error) {
	return m.matrix(func(p *C.gmmot_mw2_t, o *C.double, n C.size_t) C.int {
		return C.gmmot_mw2_copy_plan(p, o, n)
	})
}

// SparsePlan is the component plan as triplets sorted by (k, l); the n-th triplet is the n-th
// component of Coupling and Geodesic and the n-th pair map.
func (m *MW2) SparsePlan() (rows, cols []int, mass []float64, err error) {
	p, err := m.use()
	if err != nil {
		return nil, nil, nil, err
	}
	defer m.done()
	n := int(C.gmmot_mw2_nnz(p))
	r, c, w := make([]C.size_t, n), make([]C.size_t, n), make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_mw2_copy_sparse_plan(p, zptr(r), zptr(c), dptr(w), sz(n)), nil); err != nil {
		return nil, nil, nil, err
	}
	return toInts(r), toInts(c), w, nil
}

// Duals are the transport duals u (K0) and v (K1); a given plan (Relaxed.Plan) has none
// (ErrInvalidArgument).
func (m *MW2) Duals() (u, v []float64, err error) {
	p, err := m.use()
	if err != nil {
		return nil, nil, err
	}
	defer m.done()
	k0, k1 := int(C.gmmot_mw2_rows(p)), int(C.gmmot_mw2_cols(p))
	u, v = make([]float64, k0), make([]float64, k1)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_mw2_copy_duals(p, dptr(u), sz(k0), dptr(v), sz(k1)), nil); err != nil {
		return nil, nil, err
	}
	return u, v, nil
}

// Info gives the solver's iterations and the plan's marginal error.
func (m *MW2) Info() (iterations uint64, marginalError float64, err error) {
	p, err := m.use()
	if err != nil {
		return 0, 0, err
	}
	defer m.done()
	var it C.uint64_t
	var me C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_mw2_info(p, &it, &me), nil)
	return uint64(it), float64(me), err
}

// Coupling is the optimal coupling on R^{2d}, a mixture with NNZ() components.
func (m *MW2) Coupling() (*GMM, error) {
	p, err := m.use()
	if err != nil {
		return nil, err
	}
	defer m.done()
	// A warning comes with the object written: own it either way.
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_mw2_coupling(p, out)
	})
}

// Geodesic is the MW2 geodesic at t in [0, 1], a mixture with NNZ() components.
func (m *MW2) Geodesic(t float64) (*GMM, error) {
	p, err := m.use()
	if err != nil {
		return nil, err
	}
	defer m.done()
	// A warning comes with the object written: own it either way.
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_mw2_geodesic(p, C.double(t), out)
	})
}

// PairMaps are the Monge maps T_n(x) = A_n x + b_n of the plan's pairs in sparse-plan order:
// a is nnz x d x d, b is nnz x d.
func (m *MW2) PairMaps() (a, b []float64, err error) {
	p, err := m.use()
	if err != nil {
		return nil, nil, err
	}
	defer m.done()
	n, d := int(C.gmmot_mw2_nnz(p)), int(C.gmmot_mw2_dim(p))
	if _, err := outLen("gmmot.MW2.PairMaps", "nnz*d*(d+1) for a and b", 8, n, d, d+1); err != nil {
		return nil, nil, err
	}
	a, b = make([]float64, n*d*d), make([]float64, n*d)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_mw2_copy_pair_maps(p, dptr(a), sz(len(a)), dptr(b), sz(len(b))), nil)
	if err != nil {
		return nil, nil, err
	}
	return a, b, nil
}
