// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import "runtime"

// EW is a solved EW2 (NewEW2, point clouds) or MEW2 (NewMEW2, mixtures) problem of
// gmmot/mew2.h: W2 or MW2 between two sides of any dimensions m and n, up to an isometric
// embedding of the lower-dimensional side into the other's space. Immutable, readable from
// any number of goroutines.
type EW struct{ h handle }

func wrapEW(p *C.gmmot_ew_t) *EW {
	return track(&EW{}, p, func(p *C.gmmot_ew_t) { C.gmmot_ew_destroy(p) })
}

func (e *EW) ref() *handle {
	if e == nil {
		return nil
	}
	return &e.h
}

// Close frees the result (idempotent; also run by a finalizer).
func (e *EW) Close() error { return closeRef(e) }

func (e *EW) use() (*C.gmmot_ew_t, error) { return useRef[C.gmmot_ew_t](e) }
func (e *EW) done()                       { doneRef(e) }

func newEW(err error, out *C.gmmot_ew_t) (*EW, error) {
	if out == nil {
		return nil, err
	}
	return wrapEW(out), err
}

// cloud is the number of points of a non-empty row-major cloud of dimension d.
func cloud(fn, arg string, s []float64, d int) (int, error) {
	n, err := rows(fn, arg, s, d)
	if err == nil && n == 0 {
		err = argError(EDimension, "%s: %s has no points", fn, arg)
	}
	return n, err
}

// NewEW2 computes EW2 between points0 (n0 x m, row-major) and points1 (n1 x n), any m and n,
// with weights (>= 0, any scale; nil: uniform). Options OptEw* (but OptEwInnerIterations),
// OptSeed, OptExactMaxIterations, OptNumThreads. A *Warning (WNotConverged) comes with a
// result whose best start reached OptEwMaxIterations.
func NewEW2(points0 []float64, m int, weights0 []float64, points1 []float64, n int, weights1 []float64, opts *Options) (*EW, error) {
	const fn = "gmmot.NewEW2"
	n0, err := cloud(fn, "points0", points0, m)
	if err != nil {
		return nil, err
	}
	n1, err := cloud(fn, "points1", points1, n)
	if err != nil {
		return nil, err
	}
	if err := optWeights(fn, "weights0", weights0, n0); err != nil {
		return nil, err
	}
	if err := optWeights(fn, "weights1", weights1, n1); err != nil {
		return nil, err
	}
	return create(opts, wrapEW, func(op *C.gmmot_options_t, out **C.gmmot_ew_t) C.int {
		return C.gmmot_ew2_create(dptr(points0), sz(n0), sz(m), dptr(weights0), dptr(points1), sz(n1), sz(n),
			dptr(weights1), op, out)
	})
}

// NewMEW2 computes MEW2 between g0 (in R^m) and g1 (in R^n), any m and n. Options those of
// NewEW2 and OptEwInnerIterations. The result shares the mixtures for MapMean and MapRand.
func NewMEW2(g0, g1 *GMM, opts *Options) (*EW, error) {
	p0, p1, done, err := useGMMs(g0, g1)
	if err != nil {
		return nil, err
	}
	defer done()
	return create(opts, wrapEW, func(op *C.gmmot_options_t, out **C.gmmot_ew_t) C.int {
		return C.gmmot_mew2_create(p0, p1, op, out)
	})
}

// Shape is the plan's (rows, cols): (n0, n1) for EW2, (K0, K1) for MEW2; (0, 0) once closed.
func (e *EW) Shape() (int, int) {
	p, err := e.use()
	if err != nil {
		return 0, 0
	}
	defer e.done()
	return int(C.gmmot_ew_rows(p)), int(C.gmmot_ew_cols(p))
}

// Dims is (m, n), the dimensions of side 0 and side 1; (0, 0) once closed.
func (e *EW) Dims() (int, int) {
	p, err := e.use()
	if err != nil {
		return 0, 0
	}
	defer e.done()
	return int(C.gmmot_ew_dim0(p)), int(C.gmmot_ew_dim1(p))
}

// NNZ is the plan's number of non-zeros.
func (e *EW) NNZ() int {
	p, err := e.use()
	if err != nil {
		return 0
	}
	defer e.done()
	return int(C.gmmot_ew_nnz(p))
}

// Value is the loss at the returned plan and isometry and its square root: (EW2^2, EW2) or
// (MEW2^2, MEW2).
func (e *EW) Value() (float64, float64, error) {
	p, err := e.use()
	if err != nil {
		return 0, 0, err
	}
	defer e.done()
	var v, r C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_ew_value(p, &v, &r), nil); err != nil {
		return 0, 0, err
	}
	return float64(v), float64(r), nil
}

// Plan is the dense rows x cols row-major plan, a coupling of the normalised weights.
func (e *EW) Plan() ([]float64, error) {
	r, c := e.Shape()
	n, err := outLen("gmmot.EW.Plan", "rows x cols", 8, r, c)
	if err != nil {
		return nil, err
	}
	p, err := e.use()
	if err != nil {
		return nil, err
	}
	defer e.done()
	out := make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_ew_copy_plan(p, dptr(out), sz(len(out))), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// SparsePlan is the plan's non-zeros as triplets sorted by (row, col).
func (e *EW) SparsePlan() (rows, cols []int, mass []float64, err error) {
	p, err := e.use()
	if err != nil {
		return nil, nil, nil, err
	}
	defer e.done()
	n := int(C.gmmot_ew_nnz(p))
	r, c, w := make([]C.size_t, n), make([]C.size_t, n), make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_ew_copy_sparse_plan(p, zptr(r), zptr(c), dptr(w), sz(n)), nil); err != nil {
		return nil, nil, nil, err
	}
	return toInts(r), toInts(c), w, nil
}

// Isometry is P, max(m, n) x min(m, n) row-major with orthonormal columns: it embeds the
// lower-dimensional side into the other's space (side 1 into side 0 when m >= n),
// y -> P (y - meanSmall) + meanLarge.
func (e *EW) Isometry() ([]float64, error) {
	m, n := e.Dims()
	p, err := e.use()
	if err != nil {
		return nil, err
	}
	defer e.done()
	out := make([]float64, m*n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_ew_copy_isometry(p, dptr(out), sz(len(out))), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// Means are mean0 (m) and mean1 (n), the weighted means removed before solving.
func (e *EW) Means() (mean0, mean1 []float64, err error) {
	m, n := e.Dims()
	p, err := e.use()
	if err != nil {
		return nil, nil, err
	}
	defer e.done()
	mean0, mean1 = make([]float64, m), make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_ew_copy_means(p, dptr(mean0), sz(m), dptr(mean1), sz(n)), nil); err != nil {
		return nil, nil, err
	}
	return mean0, mean1, nil
}

// EWInfo is the solver's report: alternations over all starts, whether the returned start
// stopped by OptEwTolerance, the Riemannian gradient's norm divided by the scale S, the starts
// run and the index of the returned one (0 the covariance start, then its sign flips, the
// annealed start, the random starts).
type EWInfo struct {
	Iterations        uint64
	Converged         bool
	GradientNorm      float64
	Starts, BestStart uint64
}

// Info gives the solver's report.
func (e *EW) Info() (EWInfo, error) {
	p, err := e.use()
	if err != nil {
		return EWInfo{}, err
	}
	defer e.done()
	var it, starts, best C.uint64_t
	var grad C.double
	var conv C.int
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_ew_info(p, &it, &conv, &grad, &starts, &best), nil); err != nil {
		return EWInfo{}, err
	}
	return EWInfo{uint64(it), conv != 0, float64(grad), uint64(starts), uint64(best)}, nil
}

func (e *EW) mapPoints(fn string, x []float64, opts *Options,
	f func(*C.gmmot_ew_t, C.size_t, *C.double, *C.gmmot_options_t, *C.double, C.size_t) C.int) ([]float64, error) {
	p, err := e.use()
	if err != nil {
		return nil, err
	}
	defer e.done()
	m, n := int(C.gmmot_ew_dim0(p)), int(C.gmmot_ew_dim1(p))
	count, err := rows(fn, "x", x, m)
	if err != nil {
		return nil, err
	}
	size, err := outLen(fn, "points x n", 8, count, n)
	if err != nil {
		return nil, err
	}
	out := make([]float64, size)
	if err := withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return f(p, sz(count), dptr(x), op, dptr(out), sz(len(out)))
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// MapMean applies T_mean across dimensions (through the optimal embedding) to the points of x
// (N x m row-major); the result is N x n. MEW2 results with m >= n only (ENoMap when m < n:
// map from g1 to g0 instead; EInvalidArgument for an EW2 result).
func (e *EW) MapMean(x []float64, opts *Options) ([]float64, error) {
	return e.mapPoints("gmmot.EW.MapMean", x, opts, func(p *C.gmmot_ew_t, n C.size_t,
		x *C.double, o *C.gmmot_options_t, out *C.double, l C.size_t) C.int {
		return C.gmmot_mew2_map_mean(p, n, x, o, out, l)
	})
}

// MapRand applies one random draw of T_rand across dimensions to each point of x (seeded by
// OptSeed); conditions as MapMean.
func (e *EW) MapRand(x []float64, opts *Options) ([]float64, error) {
	return e.mapPoints("gmmot.EW.MapRand", x, opts, func(p *C.gmmot_ew_t, n C.size_t,
		x *C.double, o *C.gmmot_options_t, out *C.double, l C.size_t) C.int {
		return C.gmmot_mew2_map_rand(p, n, x, o, out, l)
	})
}
