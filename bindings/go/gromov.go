// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import (
	"math"
	"runtime"
)

// Gromov is a solved square-loss Gromov-Wasserstein problem (gmmot/gromov.h): MGW2 between
// two mixtures of any dimensions (NewMGW2) or the problem on given matrices (NewGromov).
// Immutable, readable from any number of goroutines.
type Gromov struct{ h handle }

func wrapGromov(p *C.gmmot_gw_t) *Gromov {
	return track(&Gromov{}, p, func(p *C.gmmot_gw_t) { C.gmmot_gw_destroy(p) })
}

func (g *Gromov) ref() *handle {
	if g == nil {
		return nil
	}
	return &g.h
}

// Close frees the result (idempotent; also run by a finalizer).
func (g *Gromov) Close() error { return closeRef(g) }

func (g *Gromov) use() (*C.gmmot_gw_t, error) { return useRef[C.gmmot_gw_t](g) }
func (g *Gromov) done()                       { doneRef(g) }

func newGromov(err error, out *C.gmmot_gw_t) (*Gromov, error) {
	if out == nil {
		return nil, err
	}
	return wrapGromov(out), err
}

// NewMGW2 computes MGW2 between g0 and g1 (any dimensions). Options OptGw*, OptSeed,
// OptExactMaxIterations. A *Warning (WNotConverged) comes with a plan that is not certified.
func NewMGW2(g0, g1 *GMM, opts *Options) (*Gromov, error) {
	p0, p1, done, err := useGMMs(g0, g1)
	if err != nil {
		return nil, err
	}
	defer done()
	return create(opts, wrapGromov, func(op *C.gmmot_options_t, out **C.gmmot_gw_t) C.int {
		return C.gmmot_mgw2_create(p0, p1, op, out)
	})
}

// NewGromov solves square-loss Gromov-Wasserstein between the symmetric matrices c0
// (K0 x K0, K0 = len(a)) and c1 (K1 x K1, K1 = len(b)), row-major, with weights a and b.
func NewGromov(a, c0, b, c1 []float64, opts *Options) (*Gromov, error) {
	const fn = "gmmot.NewGromov"
	k0, k1 := len(a), len(b)
	if k0 == 0 || k1 == 0 {
		return nil, argError(EDimension, "%s: a and b must not be empty (K0 = %d, K1 = %d)", fn, k0, k1)
	}
	if k0 > math.MaxInt32 || k1 > math.MaxInt32 {
		return nil, argError(ETooLarge, "%s: K0*K0 or K1*K1 overflows", fn)
	}
	if err := checkLen(fn, "c0", len(c0), k0*k0, "len(a)*len(a)"); err != nil {
		return nil, err
	}
	if err := checkLen(fn, "c1", len(c1), k1*k1, "len(b)*len(b)"); err != nil {
		return nil, err
	}
	return create(opts, wrapGromov, func(op *C.gmmot_options_t, out **C.gmmot_gw_t) C.int {
		return C.gmmot_gw_create(sz(k0), dptr(a), dptr(c0), sz(k1), dptr(b), dptr(c1), op, out)
	})
}

// Shape is (K0, K1); (0, 0) once closed.
func (g *Gromov) Shape() (int, int) {
	p, err := g.use()
	if err != nil {
		return 0, 0
	}
	defer g.done()
	return int(C.gmmot_gw_rows(p)), int(C.gmmot_gw_cols(p))
}

// Value is the objective at the plan and its square root: (MGW2^2, MGW2) for NewMGW2.
func (g *Gromov) Value() (float64, float64, error) {
	p, err := g.use()
	if err != nil {
		return 0, 0, err
	}
	defer g.done()
	var v, r C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_gw_value(p, &v, &r), nil); err != nil {
		return 0, 0, err
	}
	return float64(v), float64(r), nil
}

// Plan is the dense K0 x K1 row-major plan.
func (g *Gromov) Plan() ([]float64, error) {
	k0, k1 := g.Shape()
	p, err := g.use()
	if err != nil {
		return nil, err
	}
	defer g.done()
	out := make([]float64, k0*k1)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_gw_copy_plan(p, dptr(out), sz(len(out))), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// CostMatrices are D0 (K0 x K0) and D1 (K1 x K1), the problem's matrices.
func (g *Gromov) CostMatrices() ([]float64, []float64, error) {
	k0, k1 := g.Shape()
	p, err := g.use()
	if err != nil {
		return nil, nil, err
	}
	defer g.done()
	d0, d1 := make([]float64, k0*k0), make([]float64, k1*k1)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_gw_copy_cost_matrices(p, dptr(d0), sz(len(d0)), dptr(d1), sz(len(d1))), nil); err != nil {
		return nil, nil, err
	}
	return d0, d1, nil
}

// GromovInfo is the solver's report: Frank-Wolfe steps over all starts, the plan's relative
// Frank-Wolfe gap, whether it is certified (gap <= OptGwTolerance), starts run, and the index
// of the best start (0 the product coupling, 1 the annealed start when on, then random ones).
type GromovInfo struct {
	Iterations        uint64
	Gap               float64
	Certified         bool
	Starts, BestStart uint64
}

// Info gives the solver's report.
func (g *Gromov) Info() (GromovInfo, error) {
	p, err := g.use()
	if err != nil {
		return GromovInfo{}, err
	}
	defer g.done()
	var it, starts, best C.uint64_t
	var gap C.double
	var cert C.int
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_gw_info(p, &it, &gap, &cert, &starts, &best), nil); err != nil {
		return GromovInfo{}, err
	}
	return GromovInfo{uint64(it), float64(gap), cert != 0, uint64(starts), uint64(best)}, nil
}

// squareDim is d for a non-empty d x d row-major matrix.
func squareDim(fn, name string, cov []float64) (int, error) {
	d := int(math.Round(math.Sqrt(float64(len(cov)))))
	if d == 0 || d*d != len(cov) {
		return 0, argError(EDimension, "%s: %s has %d values, not a non-empty d x d matrix", fn, name, len(cov))
	}
	return d, nil
}

// GaussianGW is GGW^2, the Gaussian Gromov-Wasserstein closed form (gmmot_gaussian_gw,
// Delon-Desolneux-Salmona 2022 Thm 4.1) between N(., cov0) (m x m) and N(., cov1) (n x n), any
// m and n. A *Warning (WSymmetrized) comes with the value.
func GaussianGW(cov0, cov1 []float64) (float64, error) {
	const fn = "gmmot.GaussianGW"
	m, err := squareDim(fn, "cov0", cov0)
	if err != nil {
		return 0, err
	}
	n, err := squareDim(fn, "cov1", cov1)
	if err != nil {
		return 0, err
	}
	var v C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_gaussian_gw(sz(m), nil, dptr(cov0), sz(n), nil, dptr(cov1), &v, nil, 0, nil, 0), nil)
	if err != nil && !IsWarning(err) {
		return 0, err
	}
	return float64(v), err
}

// GaussianGWMap is GGW^2 with the optimal map x -> A x + b (A: n x m row-major, b: n) from
// N(mean0, cov0) on R^m onto N(mean1, cov1) on R^n, for m >= n (ENoMap otherwise).
func GaussianGWMap(mean0, cov0, mean1, cov1 []float64) (float64, []float64, []float64, error) {
	const fn = "gmmot.GaussianGWMap"
	m, err := squareDim(fn, "cov0", cov0)
	if err != nil {
		return 0, nil, nil, err
	}
	n, err := squareDim(fn, "cov1", cov1)
	if err != nil {
		return 0, nil, nil, err
	}
	if err := checkLen(fn, "mean0", len(mean0), m, "m"); err != nil {
		return 0, nil, nil, err
	}
	if err := checkLen(fn, "mean1", len(mean1), n, "n"); err != nil {
		return 0, nil, nil, err
	}
	a, b := make([]float64, n*m), make([]float64, n)
	var v C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_gaussian_gw(sz(m), dptr(mean0), dptr(cov0), sz(n), dptr(mean1), dptr(cov1), &v,
		dptr(a), sz(len(a)), dptr(b), sz(len(b))), nil)
	if err != nil && !IsWarning(err) {
		return 0, nil, nil, err
	}
	return float64(v), a, b, err
}
