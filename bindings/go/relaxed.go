// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import "runtime"

// Relaxed is a KL-relaxed coupled fit of one mixture on R^{2d} to two point clouds
// (gmmot/relaxed.h): immutable, readable from any number of goroutines. The mixtures and the
// plan it hands out stay valid after it is closed.
type Relaxed struct{ h handle }

func wrapRelaxed(p *C.gmmot_relaxed_t) *Relaxed {
	return track(&Relaxed{}, p, func(p *C.gmmot_relaxed_t) { C.gmmot_relaxed_destroy(p) })
}

func (r *Relaxed) ref() *handle {
	if r == nil {
		return nil
	}
	return &r.h
}

// Close frees the fit (idempotent; also run by a finalizer).
func (r *Relaxed) Close() error { return closeRef(r) }

func (r *Relaxed) use() (*C.gmmot_relaxed_t, error) { return useRef[C.gmmot_relaxed_t](r) }
func (r *Relaxed) done()                            { doneRef(r) }

// clouds checks the two point clouds and their optional weights.
func clouds(fn string, d int, points0, points1, weights0, weights1 []float64) (n0, n1 int, err error) {
	if n0, err = rows(fn, "points0", points0, d); err != nil {
		return 0, 0, err
	}
	if n1, err = rows(fn, "points1", points1, d); err != nil {
		return 0, 0, err
	}
	if err = optWeights(fn, "weights0", weights0, n0); err != nil {
		return 0, 0, err
	}
	return n0, n1, optWeights(fn, "weights1", weights1, n1)
}

func newRelaxed(err error, out *C.gmmot_relaxed_t) (*Relaxed, error) {
	if out == nil {
		return nil, err
	}
	return wrapRelaxed(out), err
}

// NewRelaxed fits the relaxed coupling to points0 (n0 x d) and points1 (n1 x d), row-major,
// with per-point weights (nil: all 1). A *Warning (WNotConverged) comes with the last iterate.
func NewRelaxed(d int, points0, points1, weights0, weights1 []float64, opts *Options) (*Relaxed, error) {
	n0, n1, err := clouds("gmmot.NewRelaxed", d, points0, points1, weights0, weights1)
	if err != nil {
		return nil, err
	}
	return create(opts, wrapRelaxed, func(op *C.gmmot_options_t, out **C.gmmot_relaxed_t) C.int {
		return C.gmmot_relaxed_create(nonNil(points0), sz(n0), nonNil(points1), sz(n1), sz(d),
			dptr(weights0), dptr(weights1), op, out)
	})
}

// NewRelaxedFrom is NewRelaxed started from the caller's mixtures start0 and start1 (each
// with OptRelaxedComponents components in dimension d).
func NewRelaxedFrom(d int, points0, points1, weights0, weights1 []float64, start0, start1 *GMM,
	opts *Options) (*Relaxed, error) {
	n0, n1, err := clouds("gmmot.NewRelaxedFrom", d, points0, points1, weights0, weights1)
	if err != nil {
		return nil, err
	}
	s0, s1, done, err := useGMMs(start0, start1)
	if err != nil {
		return nil, err
	}
	defer done()
	return create(opts, wrapRelaxed, func(op *C.gmmot_options_t, out **C.gmmot_relaxed_t) C.int {
		return C.gmmot_relaxed_create_from(nonNil(points0), sz(n0), nonNil(points1), sz(n1),
			sz(d), dptr(weights0), dptr(weights1), s0, s1, op, out)
	})
}

// NewRelaxedPath follows the lambda continuation lambdas[0] > lambdas[1] > ... (relative, as
// OptRelaxedLambda), each solve warm-started from the previous one; the result describes the
// last solve and Path summarises each.
func NewRelaxedPath(d int, points0, points1, weights0, weights1, lambdas []float64,
	opts *Options) (*Relaxed, error) {
	n0, n1, err := clouds("gmmot.NewRelaxedPath", d, points0, points1, weights0, weights1)
	if err != nil {
		return nil, err
	}
	return create(opts, wrapRelaxed, func(op *C.gmmot_options_t, out **C.gmmot_relaxed_t) C.int {
		return C.gmmot_relaxed_create_path(nonNil(points0), sz(n0), nonNil(points1), sz(n1),
			sz(d), dptr(weights0), dptr(weights1), nonNil(lambdas), sz(len(lambdas)), op, out)
	})
}

func (r *Relaxed) mixture(f func(*C.gmmot_relaxed_t, **C.gmmot_gmm_t) C.int) (*GMM, error) {
	p, err := r.use()
	if err != nil {
		return nil, err
	}
	defer r.done()
	var out *C.gmmot_gmm_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// A warning comes with the object written: own it either way.
	err = check(f(p, &out), nil)
	if out == nil {
		return nil, err
	}
	return wrapGMM(out), err
}

// Coupling is gamma, K components in dimension 2d.
func (r *Relaxed) Coupling() (*GMM, error) {
	return r.mixture(func(p *C.gmmot_relaxed_t, o **C.gmmot_gmm_t) C.int {
		return C.gmmot_relaxed_coupling(p, o)
	})
}

// Marginal0 is P0#gamma, K components in dimension d.
func (r *Relaxed) Marginal0() (*GMM, error) {
	return r.mixture(func(p *C.gmmot_relaxed_t, o **C.gmmot_gmm_t) C.int {
		return C.gmmot_relaxed_marginal0(p, o)
	})
}

// Marginal1 is P1#gamma.
func (r *Relaxed) Marginal1() (*GMM, error) {
	return r.mixture(func(p *C.gmmot_relaxed_t, o **C.gmmot_gmm_t) C.int {
		return C.gmmot_relaxed_marginal1(p, o)
	})
}

// Plan is gamma's diagonal plan as an MW2 plan (a given plan: its Duals refuse), so that the
// maps, coupling and geodesic of MW2 apply to the fit.
func (r *Relaxed) Plan() (*MW2, error) {
	p, err := r.use()
	if err != nil {
		return nil, err
	}
	defer r.done()
	// A warning comes with the object written: own it either way.
	return made(nil, wrapMW2, func(out **C.gmmot_mw2_t) C.int {
		return C.gmmot_relaxed_plan(p, out)
	})
}

// RelaxedEnergy is J and its terms: J = Transport - lambda_abs (LL0 + LL1) + Penalty.
type RelaxedEnergy struct {
	Energy, Transport, LL0, LL1, Penalty float64
}

// Energy gives J and its terms.
func (r *Relaxed) Energy() (RelaxedEnergy, error) {
	p, err := r.use()
	if err != nil {
		return RelaxedEnergy{}, err
	}
	defer r.done()
	var e, t, l0, l1, pen C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_relaxed_energy(p, &e, &t, &l0, &l1, &pen), nil); err != nil {
		return RelaxedEnergy{}, err
	}
	return RelaxedEnergy{float64(e), float64(t), float64(l0), float64(l1), float64(pen)}, nil
}

// RelaxedInfo describes the fit: iterations, convergence, lambda_abs = lambda s^2 and s^2.
type RelaxedInfo struct {
	Iterations        uint64
	Converged         bool
	LambdaAbs, Scale2 float64
}

// Info describes the fit.
func (r *Relaxed) Info() (RelaxedInfo, error) {
	p, err := r.use()
	if err != nil {
		return RelaxedInfo{}, err
	}
	defer r.done()
	var it C.uint64_t
	var conv C.int
	var la, s2 C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_relaxed_info(p, &it, &conv, &la, &s2), nil); err != nil {
		return RelaxedInfo{}, err
	}
	return RelaxedInfo{uint64(it), conv != 0, float64(la), float64(s2)}, nil
}

// Energies gives J of every iterate, the start first (non-increasing).
func (r *Relaxed) Energies() ([]float64, error) {
	p, err := r.use()
	if err != nil {
		return nil, err
	}
	defer r.done()
	out, n, err := rowsOf(1, func(buf *C.double, capacity C.size_t, n *C.size_t) C.int {
		return C.gmmot_relaxed_energies(p, buf, capacity, n)
	})
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}

// rowsOf reads a C array of rows of width values whose count the call reports in *n: once
// for the count (no buffer), then into a buffer of that many rows. It gives the buffer and
// the count written.
func rowsOf(width int, read func(buf *C.double, capacity C.size_t, n *C.size_t) C.int) ([]float64, int, error) {
	var n C.size_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(read(nil, 0, &n), nil); err != nil {
		return nil, 0, err
	}
	out := make([]float64, width*int(n))
	if err := check(read(dptr(out), sz(len(out)), &n), nil); err != nil {
		return nil, 0, err
	}
	return out, int(n), nil
}

// Degenerate gives the 2K flags of gmmot_relaxed_degenerate (entry 2k + c for component k
// in marginal c: bit 0 too few points, bit 1 covariance held up by the regularisation) and the
// number of non-zero entries.
func (r *Relaxed) Degenerate() (flags []int, count int, err error) {
	p, err := r.use()
	if err != nil {
		return nil, 0, err
	}
	defer r.done()
	var m *C.gmmot_gmm_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// K is the marginals' component count (the marginal shares the fit's data: no copy).
	if err := check(C.gmmot_relaxed_marginal0(p, &m), nil); err != nil {
		return nil, 0, err
	}
	k := int(C.gmmot_gmm_ncomponents(m))
	C.gmmot_gmm_destroy(m)
	f := make([]C.int, 2*k)
	var n C.size_t
	if err := check(C.gmmot_relaxed_degenerate(p, &f[0], sz(len(f)), &n), nil); err != nil {
		return nil, 0, err
	}
	flags = make([]int, len(f))
	for i, v := range f {
		flags[i] = int(v)
	}
	return flags, int(n), nil
}

// RelaxedPathRow summarises the solve for one lambda.
type RelaxedPathRow struct {
	Lambda, Energy, Transport, LL0, LL1, Penalty float64
	Iterations                                   uint64
	Converged                                    bool
}

// Path gives one row per lambda solved, in order.
func (r *Relaxed) Path() ([]RelaxedPathRow, error) {
	p, err := r.use()
	if err != nil {
		return nil, err
	}
	defer r.done()
	v, n, err := rowsOf(8, func(buf *C.double, capacity C.size_t, n *C.size_t) C.int {
		return C.gmmot_relaxed_path(p, buf, capacity, n)
	})
	if err != nil {
		return nil, err
	}
	out := make([]RelaxedPathRow, n)
	for i := range out {
		x := v[8*i : 8*i+8]
		out[i] = RelaxedPathRow{x[0], x[1], x[2], x[3], x[4], x[5], uint64(x[6]), x[7] != 0}
	}
	return out, nil
}
