# SPDX-License-Identifier: MIT
"""GaussianMixture: an immutable Gaussian (or Student-t) mixture held by libgmmot
(gmmot/gmm.h, gmm_io.h, em.h), with scikit-learn interoperability for all four covariance types
and pickling."""
import ctypes as C
import os

import numpy as np

from . import _errors
from ._arrays import addr, as_array, check_positive_int, empty, empty_sizes, optional_weights
from ._handles import is_long
from ._lib import EmP, GmmP, lib
from ._progress import LongCall, run_blocks
from .options import Stage, family_code, resolve, resolve_named

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
#: the component families of gmmot/gmm.h, by their gmmot_family value
FAMILIES = {0: "gaussian", 1: "student_t"}


def expand_covariances(covariances, covariance_type, k, d, name="covariances"):
    """Full K x d x d covariances from scikit-learn's layouts.

    full: (K, d, d); tied: (d, d) shared; diag: (K, d) diagonals; spherical: (K,) variances.
    Each input is checked for its own shape first, so a diagonal model can never be read as if
    it held full matrices.
    """
    if covariance_type == "full":
        return as_array(covariances, name, (k, d, d))
    out = np.zeros((k, d, d))
    if covariance_type == "tied":
        out[:] = as_array(covariances, name, (d, d))
    elif covariance_type == "diag":
        out.reshape(k, d * d)[:, ::d + 1] = as_array(covariances, name, (k, d))
    elif covariance_type == "spherical":
        out.reshape(k, d * d)[:, ::d + 1] = as_array(covariances, name, (k,))[:, None]
    else:
        raise ValueError("covariance_type: expected one of %s, got %r"
                         % (", ".join(COVARIANCE_TYPES), covariance_type))
    return out


def compress_covariances(full, covariance_type):
    """The scikit-learn layout of full covariances; ValueError if they do not have that form."""
    k, d, _ = full.shape
    if covariance_type == "full":
        return full.copy()
    if covariance_type == "tied":
        if not all(np.array_equal(full[0], c) for c in full[1:]):
            raise ValueError("covariance_type 'tied': the components' covariances differ")
        return full[0].copy()
    diag = full.reshape(k, d * d)[:, ::d + 1].copy()
    off = full.copy()
    off.reshape(k, d * d)[:, ::d + 1] = 0.0
    if covariance_type in ("diag", "spherical") and np.any(off):
        raise ValueError("covariance_type %r: the covariances are not diagonal" % covariance_type)
    if covariance_type == "diag":
        return diag
    if covariance_type == "spherical":
        if not np.all(diag == diag[:, :1]):
            raise ValueError("covariance_type 'spherical': the diagonals are not constant")
        return diag[:, 0].copy()
    raise ValueError("covariance_type: expected one of %s, got %r"
                     % (", ".join(COVARIANCE_TYPES), covariance_type))


def _precision_cholesky(covariances, covariance_type):
    """scikit-learn's precisions_cholesky_ (upper-triangular U with U U^T = S^-1) and
    precisions_ for each layout."""
    from scipy import linalg
    if covariance_type in ("diag", "spherical"):
        pc = 1.0 / np.sqrt(covariances)
        return pc, pc ** 2
    mats = covariances[None] if covariance_type == "tied" else covariances
    pcs, ps = np.empty_like(mats), np.empty_like(mats)
    for i, s in enumerate(mats):
        low = linalg.cholesky(s, lower=True)
        pcs[i] = linalg.solve_triangular(low, np.eye(s.shape[0]), lower=True).T
        ps[i] = pcs[i] @ pcs[i].T
    if covariance_type == "tied":
        return pcs[0], ps[0]
    return pcs, ps


class GaussianMixture:
    """A Gaussian mixture sum_k w_k N(m_k, S_k) on R^d, validated and factored once by libgmmot.

    Parameters
    ----------
    weights : array-like, shape (K,)
        Non-negative, summing to 1 within 1e-8 (they are then normalised).
    means : array-like, shape (K, d)
    covariances : array-like
        Shape (K, d, d) for ``covariance_type='full'``, (d, d) for 'tied', (K, d) for 'diag'
        (the diagonals), (K,) for 'spherical' (the variances), as in scikit-learn.
    covariance_type : str
        Layout of ``covariances``; remembered for :meth:`to_sklearn`.

    Raises
    ------
    TypeError, ValueError
        Bad shapes, dtypes or non-finite entries (before any C call).
    GmmotError
        The library's checks (weights, symmetry, positive semi-definiteness), e.g.
        :class:`GmmotValueError` with status GMMOT_E_NOT_PSD.

    Notes
    -----
    Immutable and thread-safe. Pickles through the library's save format (bit-exact).

    The same class holds Student-t mixtures sum_k w_k t_nu(m_k, S_k) (one nu > 2 shared by
    all components), made by :meth:`student_t` or returned by MW2, barycenter and map calls on
    Student-t inputs: :attr:`family` is then ``'student_t'``, :attr:`nu` the degrees of freedom,
    :attr:`scales` the S_k and :attr:`covariances` nu / (nu - 2) S_k. Calls combining mixtures
    of different families or nu raise :class:`GmmotFamilyError` (GMMOT_E_FAMILY).
    """

    __slots__ = ("_ptr", "_cache", "covariance_type", "fit_info", "__weakref__")

    def __init__(self, weights, means, covariances, covariance_type="full"):
        means = as_array(means, "means", (None, None))
        k, d = means.shape
        weights = as_array(weights, "weights", (k,))
        covs = expand_covariances(covariances, covariance_type, k, d)
        ptr = GmmP()
        status = lib.gmmot_gmm_create(k, d, addr(weights), addr(means), addr(covs), C.byref(ptr))
        # owned before the status is checked: a warning turned into an error must not leak it
        self._init(ptr if status >= 0 else None, covariance_type)
        _errors.check(status)

    @classmethod
    def student_t(cls, weights, means, scales, nu, covariance_type="full"):
        """A Student-t mixture sum_k w_k t_nu(m_k, S_k) (gmmot_gmm_create_t).

        Parameters
        ----------
        weights, means
            As for the constructor.
        scales : array-like
            The scale matrices S_k (not the covariances, which are nu / (nu - 2) S_k), in the
            layout of ``covariance_type`` as the constructor's ``covariances``.
        nu : float
            Degrees of freedom shared by every component, finite and > 2 (the covariances,
            and so every W2, are infinite for nu <= 2).
        covariance_type : str
            Layout of ``scales``.

        Raises
        ------
        TypeError, ValueError
            Bad shapes or dtypes, or ``nu`` not a real number (before any C call).
        GmmotValueError
            The library's checks, e.g. GMMOT_E_INVALID_ARGUMENT when nu is not finite and
            > 2, GMMOT_E_NOT_PSD for a scale matrix (the message names ``scales[k]``).
        """
        if isinstance(nu, bool) or not isinstance(nu, (int, float, np.integer, np.floating)):
            raise TypeError("nu: expected a real number, got %s" % type(nu).__name__)
        means = as_array(means, "means", (None, None))
        k, d = means.shape
        weights = as_array(weights, "weights", (k,))
        full = expand_covariances(scales, covariance_type, k, d, "scales")
        ptr = GmmP()
        status = lib.gmmot_gmm_create_t(k, d, float(nu), addr(weights), addr(means), addr(full),
                                        C.byref(ptr))
        self = cls.__new__(cls)
        self._init(ptr if status >= 0 else None, covariance_type)
        _errors.check(status)
        return self

    def _init(self, ptr, covariance_type="full", fit_info=None):
        self._ptr = ptr
        self._cache = {}
        self.covariance_type = covariance_type
        self.fit_info = fit_info

    @classmethod
    def _from_ptr(cls, ptr, covariance_type="full", fit_info=None):
        self = cls.__new__(cls)
        self._init(ptr, covariance_type, fit_info)
        return self

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            lib.gmmot_gmm_destroy(ptr)

    # ------------------------------------------------------------------ parameters
    @property
    def n_components(self):
        """Number of components K."""
        return lib.gmmot_gmm_ncomponents(self._ptr)

    @property
    def dim(self):
        """Dimension d."""
        return lib.gmmot_gmm_dim(self._ptr)

    def _copy(self, what, fn, shape):
        arr = self._cache.get(what)
        if arr is None:
            arr = empty(shape)
            _errors.check(fn(self._ptr, addr(arr), arr.size))
            arr.flags.writeable = False
            self._cache[what] = arr
        return arr

    def _family(self):
        fam = self._cache.get("family")
        if fam is None:
            code, nu = C.c_int(), C.c_double()
            _errors.check(lib.gmmot_gmm_get_family(self._ptr, C.byref(code), C.byref(nu)))
            fam = self._cache["family"] = (FAMILIES.get(code.value, code.value), nu.value)
        return fam

    @property
    def family(self):
        """The component family: ``'gaussian'`` or ``'student_t'``."""
        return self._family()[0]

    @property
    def nu(self):
        """Degrees of freedom of the Student-t components; ``math.inf`` for a Gaussian mixture
        (the Student-t limit)."""
        return self._family()[1]

    @property
    def is_student_t(self):
        """Whether the components are Student-t (:attr:`family` ``== 'student_t'``)."""
        return self.family == "student_t"

    @property
    def weights(self):
        """Normalised weights, shape (K,) (read-only)."""
        return self._copy("w", lib.gmmot_gmm_copy_weights, (self.n_components,))

    @property
    def means(self):
        """Means, shape (K, d) (read-only)."""
        return self._copy("m", lib.gmmot_gmm_copy_means, (self.n_components, self.dim))

    @property
    def covariances(self):
        """Full covariances as stored (symmetrised), shape (K, d, d) (read-only); for a
        Student-t mixture nu / (nu - 2) times :attr:`scales`."""
        k, d = self.n_components, self.dim
        return self._copy("c", lib.gmmot_gmm_copy_covariances, (k, d, d))

    @property
    def scales(self):
        """Full scale matrices S_k, shape (K, d, d) (read-only): those given to
        :meth:`student_t` (symmetrised), or the covariances divided by nu / (nu - 2) for a
        t-mixture computed by the library; the covariances of a Gaussian mixture."""
        k, d = self.n_components, self.dim
        return self._copy("s", lib.gmmot_gmm_copy_scales, (k, d, d))

    # ------------------------------------------------------------------ densities
    def _points(self, x, name="x"):
        return as_array(x, name, (None, self.dim))

    def log_density(self, x, options=None, progress=None, **option_kwargs):
        """log mu(x) at the rows of ``x`` (shape (n, d)); shape (n,). Accurate where the density
        under- or overflows; degenerate components use their density on their support.

        Options read: ``num_threads``; long calls accept ``progress`` and Ctrl-C.
        """
        x = self._points(x)
        n = x.shape[0]
        out = empty((n,))
        opts = resolve(options, progress=progress, **option_kwargs)
        ptr, fn, xa, oa, step = self._ptr, lib.gmmot_gmm_log_density, addr(x), addr(out), \
            8 * self.dim

        def block(start, stop, o):  # point-wise: blocks straight into out, no staging copy
            return fn(ptr, stop - start, xa + start * step, o, oa + 8 * start, stop - start)
        run_blocks(opts, n, Stage.DENSITY, block,
                   self.n_components * self.dim * (self.dim + 2))
        return out

    #: scikit-learn's name for :meth:`log_density`
    score_samples = log_density

    def pdf(self, x, **kwargs):
        """The density mu(x), shape (n,) (``exp(log_density(x))``)."""
        return np.exp(self.log_density(x, **kwargs))

    def score(self, x, **kwargs):
        """Mean log-density of the rows of ``x`` (as scikit-learn's ``score``)."""
        return float(np.mean(self.log_density(x, **kwargs)))

    def _component_mixtures(self):
        comps = self._cache.get("components")
        if comps is None:
            if self.is_student_t:
                comps = [GaussianMixture.student_t([1.0], self.means[k:k + 1],
                                                   self.scales[k:k + 1], self.nu)
                         for k in range(self.n_components)]
            else:
                comps = [GaussianMixture([1.0], self.means[k:k + 1], self.covariances[k:k + 1])
                         for k in range(self.n_components)]
            self._cache["components"] = comps
        return comps

    def component_log_densities(self, x, **kwargs):
        """log N(x_i; m_k, S_k) (Student-t: log t_nu(x_i; m_k, S_k)) for every point and
        component, shape (n, K)."""
        x = self._points(x)
        return np.stack([c.log_density(x, **kwargs) for c in self._component_mixtures()], axis=1)

    def predict_proba(self, x, **kwargs):
        """Posterior probabilities of the components, shape (n, K) (rows sum to 1).

        A point where every component's density is 0 (possible only with singular
        covariances: the point lies off every component's support) has no posterior:
        ValueError naming the first such row (scikit-learn's models cannot have singular
        covariances, so there is no precedent to follow; a silent NaN row or an arbitrary
        uniform one would be a wrong answer)."""
        with np.errstate(divide="ignore"):
            logp = self.component_log_densities(x, **kwargs) + np.log(self.weights)
        top = np.max(logp, axis=1, keepdims=True)
        bad = ~np.isfinite(top[:, 0])
        if bad.any():
            raise ValueError("x: row %d has density 0 under every component (off the support "
                             "of the singular covariances): no posterior" % int(np.argmax(bad)))
        p = np.exp(logp - top)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, x, **kwargs):
        """Index of the most probable component of each row, shape (n,)."""
        with np.errstate(divide="ignore"):
            logp = self.component_log_densities(x, **kwargs) + np.log(self.weights)
        return np.argmax(logp, axis=1)

    def sample(self, n_samples=1, seed=None, options=None, progress=None, **option_kwargs):
        """Draw ``n_samples`` points; returns ``(points (n, d), labels (n,))`` like
        scikit-learn. ``seed`` (default 0) makes draws reproducible whatever ``num_threads``."""
        n = check_positive_int(n_samples, "n_samples")
        d = self.dim
        points, labels = empty((n, d)), empty_sizes(n)
        opts = resolve_named(options, option_kwargs, progress=progress, seed=seed)
        with LongCall(opts, is_long(n * d * d * 4)) as call:
            call.finish(lib.gmmot_gmm_sample(self._ptr, n, call.opts, addr(points), points.size,
                                             addr(labels), n))
        return points, labels.astype(np.intp)

    # ------------------------------------------------------------------ fitting
    @classmethod
    def fit(cls, points, n_components=10, weights=None, options=None, progress=None,
            family=None, nu=None, **option_kwargs):
        """Fit a mixture with full covariances to weighted points by EM (gmmot/em.h).

        Parameters
        ----------
        points : array-like, shape (n, d)
        n_components : int
            K (``em_components``).
        weights : array-like, shape (n,), optional
            Non-negative point weights, any scale; None for all 1.
        options, progress, **option_kwargs
            :class:`gmmot.Options` and keywords, e.g. ``seed``, ``em_tolerance``,
            ``em_max_iterations``, ``em_regularization``, ``em_initializations``,
            ``em_split_merge``, ``num_threads``.
        family : {"gaussian", "t"}, optional
            The component family (``em_family``; 0.5): "t" fits a Student-t mixture by the
            ECM algorithm (gmmot/em.h). Default "gaussian".
        nu : float, optional
            Student-t degrees of freedom (``em_dof``): 0 (default) estimates nu, a value > 2
            fixes it.

        Returns
        -------
        GaussianMixture
            With ``fit_info``: mean_log_likelihood, n_iter, converged, passes, moves.
            A GmmotConvergenceWarning is issued when the iteration cap was reached.
        """
        points = as_array(points, "points", (None, None))
        n, d = points.shape
        weights = optional_weights(weights, "weights", n)
        k = check_positive_int(n_components, "n_components", 1)
        opts = resolve_named(options, option_kwargs, progress=progress, em_components=k,
                             em_family=family_code(family), em_dof=nu)
        with LongCall(opts, True) as call:
            em = EmP()
            _errors.check(lib.gmmot_em_create(call.opts, C.byref(em)))
            try:
                out = GmmP()
                status = lib.gmmot_em_fit(em, n, d, addr(points), addr(weights), C.byref(out))
                # owned at once (freed even if finish raises); no library call before finish,
                # which reads this thread's message for the status
                result = cls._from_ptr(out) if status >= 0 else None
                call.finish(status)
                ll, it, conv = C.c_double(), C.c_uint64(), C.c_int()
                passes, moves = C.c_uint64(), C.c_uint64()
                _errors.check(lib.gmmot_em_info(em, C.byref(ll), C.byref(it), C.byref(conv)))
                _errors.check(lib.gmmot_em_work(em, C.byref(passes), C.byref(moves)))
                result.fit_info = {"mean_log_likelihood": ll.value, "n_iter": it.value,
                                   "converged": bool(conv.value), "passes": passes.value,
                                   "moves": moves.value}
            finally:
                lib.gmmot_em_destroy(em)
        return result

    # ------------------------------------------------------------------ scikit-learn
    @classmethod
    def from_sklearn(cls, model):
        """The mixture of a fitted ``sklearn.mixture.GaussianMixture`` (or
        ``BayesianGaussianMixture``), for every covariance type (full, tied, diag, spherical);
        tied, diagonal and spherical covariances are expanded to full d x d matrices."""
        for attr in ("weights_", "means_", "covariances_", "covariance_type"):
            if not hasattr(model, attr):
                raise TypeError("model: expected a fitted scikit-learn GaussianMixture "
                                "(missing %s)" % attr)
        means = as_array(model.means_, "model.means_", (None, None))
        k, d = means.shape
        ctype = model.covariance_type
        covs = expand_covariances(model.covariances_, ctype, k, d, "model.covariances_")
        weights = as_array(model.weights_, "model.weights_", (k,))
        weights = weights / weights.sum()  # float32-trained models may be off by more than 1e-8
        return cls(weights, means, covs, "full")._retype(ctype)

    def _retype(self, covariance_type):
        self.covariance_type = covariance_type
        return self

    def to_sklearn(self, covariance_type=None):
        """A fitted ``sklearn.mixture.GaussianMixture`` with these parameters (weights_, means_,
        covariances_, precisions_cholesky_, precisions_ set, ready for predict/score_samples/
        sample).

        covariance_type defaults to the type this mixture came from (``from_sklearn``) or
        'full'; 'tied', 'diag' and 'spherical' require covariances of that form (ValueError
        otherwise). A Student-t mixture has no scikit-learn counterpart: ValueError."""
        if self.is_student_t:
            raise ValueError("to_sklearn: this is a Student-t mixture (nu = %r); scikit-learn's "
                             "GaussianMixture holds Gaussian components only" % self.nu)
        from sklearn.mixture import GaussianMixture as SkGaussianMixture
        ctype = covariance_type or self.covariance_type
        covs = compress_covariances(np.array(self.covariances), ctype)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                precisions = _precision_cholesky(covs, ctype)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
            raise ValueError("to_sklearn: scikit-learn needs positive definite covariances, "
                             "these are singular (%s)" % exc) from None
        if not all(np.isfinite(a).all() for a in precisions):
            raise ValueError("to_sklearn: scikit-learn needs positive definite covariances, "
                             "these are singular")
        model = SkGaussianMixture(n_components=self.n_components, covariance_type=ctype)
        model.weights_ = np.array(self.weights)
        model.means_ = np.array(self.means)
        model.covariances_ = covs
        model.precisions_cholesky_, model.precisions_ = precisions
        model.converged_ = True if self.fit_info is None else self.fit_info["converged"]
        model.n_iter_ = 0 if self.fit_info is None else self.fit_info["n_iter"]
        model.lower_bound_ = (-np.inf if self.fit_info is None
                              else self.fit_info["mean_log_likelihood"])
        model.n_features_in_ = self.dim
        return model

    # ------------------------------------------------------------------ saving, pickling
    def to_bytes(self):
        """The mixture in libgmmot's versioned binary format (gmmot/gmm_io.h)."""
        size = C.c_size_t()
        _errors.check(lib.gmmot_gmm_saved_size(self._ptr, C.byref(size)))
        buf = np.empty(size.value, dtype=np.uint8)
        _errors.check(lib.gmmot_gmm_save(self._ptr, addr(buf), buf.size, None))
        return buf.tobytes()

    @classmethod
    def from_bytes(cls, data, covariance_type="full"):
        """A mixture from :meth:`to_bytes` output; :class:`GmmotValueError` (GMMOT_E_FORMAT)
        for corrupt, truncated or unknown data."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("data: expected bytes, got %s" % type(data).__name__)
        data = bytes(data)
        out = GmmP()
        _errors.check(lib.gmmot_gmm_load(data, len(data), C.byref(out)))
        return cls._from_ptr(out, covariance_type)

    def save(self, path):
        """Save to a file (atomically replaced); :class:`GmmotIOError` on failure."""
        _errors.check(lib.gmmot_gmm_save_file(self._ptr, _path(path)))

    @classmethod
    def load(cls, path):
        """Load a file written by :meth:`save` (Gaussian or Student-t, as saved). The file
        holds full covariances (or scales) only:
        ``covariance_type`` is 'full' (pickling keeps it; or set it with :meth:`to_sklearn`'s
        argument)."""
        out = GmmP()
        _errors.check(lib.gmmot_gmm_load_file(_path(path), C.byref(out)))
        return cls._from_ptr(out)

    def __reduce__(self):
        return (_from_pickle, (self.to_bytes(), self.covariance_type, self.fit_info))

    def __repr__(self):
        if self.is_student_t:
            return "GaussianMixture(n_components=%d, dim=%d, covariance_type=%r, " \
                "family='student_t', nu=%r)" % (self.n_components, self.dim,
                                                self.covariance_type, self.nu)
        return "GaussianMixture(n_components=%d, dim=%d, covariance_type=%r)" % (
            self.n_components, self.dim, self.covariance_type)


def _path(path):
    """A file name for C: a NUL byte would silently cut it short there."""
    raw = os.fsencode(path)
    if b"\0" in raw:
        raise ValueError("path: contains a NUL character: %r" % (path,))
    return raw


def _from_pickle(data, covariance_type, fit_info):
    g = GaussianMixture.from_bytes(data, covariance_type)
    g.fit_info = fit_info
    return g


def as_mixture(g, name):
    """Check that an argument is a GaussianMixture (TypeError naming it otherwise)."""
    if not isinstance(g, GaussianMixture):
        raise TypeError("%s: expected a gmmot.GaussianMixture, got %s" % (name, type(g).__name__))
    return g
