// SPDX-License-Identifier: MIT
// Shared pieces of the libFuzzer harnesses (tests/fuzz/README.md): a byte decoder that turns
// raw fuzz input into small sizes, doubles and option settings, canary-guarded output buffers,
// and the invariant checks every harness applies to every public call.
//
// The decoder is built so that most inputs reach the numerics: sizes are small (d <= 4,
// K <= 6), weights are usually normalised, covariances are usually F F^T (symmetric PSD by
// construction), and only a minority of values come from the palette of special doubles
// (0, -0, subnormals, 1e+-300, NaN, Inf, one-ulp perturbations) that exercise validation.
// Exhausted input reads as zero bytes, so every input decodes to something.
#pragma once

#include <gmmot/gmmot.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace fz {

// ---------------------------------------------------------------- invariant failures
[[noreturn]] inline void fail(const char *what, const char *file, int line) {
  std::fprintf(stderr, "\nINVARIANT VIOLATED at %s:%d: %s\n", file, line, what);
  __builtin_trap();
}
#define FZ_CHECK(cond)                                  \
  do {                                                  \
    if (!(cond)) ::fz::fail(#cond, __FILE__, __LINE__); \
  } while (0)
#define FZ_CHECK_MSG(cond, ...)              \
  do {                                       \
    if (!(cond)) {                           \
      std::fprintf(stderr, __VA_ARGS__);     \
      ::fz::fail(#cond, __FILE__, __LINE__); \
    }                                        \
  } while (0)

// Every status-returning call goes through this right after it returns (before any other
// libgmmot call, which would replace the thread's message).
//  - GMMOT_E_INTERNAL (a bug by definition) and unknown codes never appear;
//  - gmmot_last_error_message() is non-empty exactly when the status is not GMMOT_OK.
inline int status(int st, const char *call) {
  const char *msg = gmmot_last_error_message();
  FZ_CHECK_MSG(msg != nullptr, "%s: NULL message\n", call);
  FZ_CHECK_MSG(st != GMMOT_E_INTERNAL, "%s returned GMMOT_E_INTERNAL: %s\n", call, msg);
  FZ_CHECK_MSG(std::strcmp(gmmot_status_string(st), "unknown status") != 0,
               "%s returned an unknown status %d\n", call, st);
  FZ_CHECK_MSG((st != 0) == (msg[0] != '\0'), "%s returned %d with message \"%s\"\n", call, st,
               msg);
  return st;
}
#define FZ_CALL(expr) ::fz::status((expr), #expr)

// ---------------------------------------------------------------- value predicates
inline bool finite(const double *x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}
inline bool finite(const std::vector<double> &x) { return finite(x.data(), x.size()); }
inline bool same_bits(const void *a, const void *b, std::size_t bytes) {
  return bytes == 0 || std::memcmp(a, b, bytes) == 0;
}

// GMMOT_FUZZ_DUMP=1 in the environment prints the decoded inputs (to turn a finding into a
// readable reproducer: ./fuzz_<h> crash-file with the variable set).
inline bool dumping() {
  static const bool on = std::getenv("GMMOT_FUZZ_DUMP") != nullptr;
  return on;
}
inline void dump(const char *name, const double *x, std::size_t n) {
  if (!dumping()) return;
  std::fprintf(stderr, "%s[%zu] = {", name, n);
  for (std::size_t i = 0; i < n; ++i) std::fprintf(stderr, "%s%.17g", i ? ", " : "", x[i]);
  std::fprintf(stderr, "}\n");
}
inline void dump(const char *name, const std::vector<double> &x) { dump(name, x.data(), x.size()); }
inline void dump(const char *name, double x) { dump(name, &x, 1); }

// GMMOT_FUZZ_SKIP_KNOWN=1 (exploration only, never in CI) steps around the open findings of
// the plan's fuzz_findings.md, so that a long run finds new problems instead of the same ones
// again: inputs with subnormal costs are dropped and the overflow-to-NaN transport cost and
// the non-finite Monge offset b are not checked.
inline bool skip_known() {
  static const bool on = std::getenv("GMMOT_FUZZ_SKIP_KNOWN") != nullptr;
  return on;
}
inline bool has_subnormal(const double *x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != 0 && std::fabs(x[i]) < DBL_MIN) return true;
  return false;
}

// ---------------------------------------------------------------- the byte decoder
class Bytes {
 public:
  Bytes(const std::uint8_t *data, std::size_t size) : p_(data), n_(size) {}

  std::uint8_t u8() { return i_ < n_ ? p_[i_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | u8();
    return v;
  }
  // Uniform-ish in [lo, hi].
  std::size_t range(std::size_t lo, std::size_t hi) { return lo + u8() % (hi - lo + 1); }
  // True with probability percent / 100 (to 1/256).
  bool coin(unsigned percent) { return u8() < percent * 256u / 100u; }
  bool exhausted() const { return i_ >= n_; }

  // A dimension: usually 1..max, rarely 0.
  std::size_t dim(std::size_t max) { return u8() % 32 == 31 ? 0 : 1 + u8() % max; }
  // A component count: usually 1..max, rarely 0.
  std::size_t count(std::size_t max) { return u8() % 32 == 31 ? 0 : 1 + u8() % max; }

  // One of the values that break naive code.
  double special() {
    static const double palette[] = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        std::numeric_limits<double>::denorm_min(),
        -std::numeric_limits<double>::denorm_min(),
        2.3e-310,
        DBL_MIN,
        1e-300,
        1e-150,
        1e-9,
        1e10,
        1e150,
        1e154,
        1e300,
        -1e300,
        1e308,
        DBL_MAX,
        -DBL_MAX,
        std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(),
        1.0 + DBL_EPSILON,
        1.0 - DBL_EPSILON / 2,
    };
    return palette[u8() % (sizeof palette / sizeof palette[0])];
  }
  // A power-of-ten scale, usually 1.
  double scale() {
    static const double scales[] = {1e-300, 2.3e-310, 1e-150, 1e-10, 1e10, 1e150, 1e300, 1e-30};
    std::uint8_t s = u8();
    return s < 200 ? 1.0 : scales[s % (sizeof scales / sizeof scales[0])];
  }
  // A "nice" value: a multiple of 1/8 in [-16, 16).
  double nice() { return static_cast<double>(static_cast<std::int8_t>(u8())) / 8.0; }
  // A general double: mostly nice, sometimes finer, sometimes special, sometimes raw bits.
  double real() {
    std::uint8_t sel = u8();
    if (sel < 140) return nice();
    if (sel < 190) {
      std::int16_t v = static_cast<std::int16_t>((u8() << 8) | u8());
      return static_cast<double>(v) / 256.0;
    }
    if (sel < 235) return special();
    std::uint64_t bits = u64();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
  }
  // A tiny perturbation: one ulp up or down, or a relative 1e-9 / 1e-7 change.
  double perturb(double x) {
    switch (u8() % 4) {
      case 0:
        return std::nextafter(x, HUGE_VAL);
      case 1:
        return std::nextafter(x, -HUGE_VAL);
      case 2:
        return x * (1 + 1e-9);
      default:
        return x * (1 - 1e-7);
    }
  }

  // A weight vector of length k: usually valid (normalised, some zeros), otherwise off by a
  // little, raw, all zero, negative or special.
  std::vector<double> weights(std::size_t k) {
    std::vector<double> w(k);
    std::uint8_t mode = u8() % 16;
    if (mode == 12) {
      for (auto &x : w) x = real();
      return w;
    }
    if (mode == 13) return w;  // all zero
    double sum = 0;
    for (auto &x : w) {
      std::uint8_t v = u8();
      x = v < 20 ? 0.0 : static_cast<double>(v);
      sum += x;
    }
    if (sum == 0 && k > 0) w[0] = sum = 1;
    for (auto &x : w) x /= sum;
    if (k == 0) return w;
    std::size_t at = u8() % k;
    if (mode == 11) w[at] = perturb(w[at]);
    if (mode == 14) w[at] = u8() % 2 ? -0.0 : -1e-300;
    if (mode == 15) w[at] = special();
    return w;
  }

  // A vector of n entries: nice values times one scale, sometimes one special entry.
  std::vector<double> vec(std::size_t n) {
    std::vector<double> v(n);
    double s = scale();
    for (auto &x : v) x = nice() * s;
    if (n > 0 && coin(8)) v[u8() % n] = special();
    if (n > 0 && coin(4)) v[u8() % n] = real();
    return v;
  }

  // A number of points: usually 0..max, sometimes (about 8 %) more than `block`, so that the
  // work is split into several blocks and the 1-vs-2-threads comparison runs in parallel.
  // One byte, as range(0, max) (so older inputs decode alike when it is >= 20).
  std::size_t points(std::size_t max, std::size_t block) {
    std::uint8_t b = u8();
    return b < 20 ? block + 1 + b * 16 : b % (max + 1);
  }
  // n points in dimension d: at most 6 decoded rows, repeated with a shift of 2^-6 per copy.
  std::vector<double> tiled(std::size_t n, std::size_t d) {
    std::size_t rows = n < 6 ? n : 6;
    std::vector<double> base = vec(rows * d), x(n * d);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j)
        x[i * d + j] = base[(i % rows) * d + j] + static_cast<double>(i / rows) * 0x1p-6;
    return x;
  }

  // One d x d covariance into s (row-major): usually s * F F^T, exactly symmetric and PSD.
  void covariance(std::size_t d, double *out) {
    if (d == 0) return;
    std::uint8_t mode = u8() % 20;
    std::size_t dd = d * d;
    if (mode == 14) {  // raw entries
      for (std::size_t i = 0; i < dd; ++i) out[i] = real();
      return;
    }
    if (mode == 11) {  // a Dirac
      for (std::size_t i = 0; i < dd; ++i) out[i] = 0;
      return;
    }
    double s = scale();
    if (mode == 10) {  // diagonal
      for (std::size_t i = 0; i < dd; ++i) out[i] = 0;
      for (std::size_t i = 0; i < d; ++i) out[i * d + i] = (u8() / 16.0) * s;
    } else {
      // F is d x r, r in 1..d (r < d gives a singular covariance).
      std::size_t r = 1 + u8() % d;
      std::vector<double> f(d * r);
      for (auto &x : f) x = nice();
      for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j) {
          double acc = 0;
          for (std::size_t k = 0; k < r; ++k) acc += f[i * r + k] * f[j * r + k];
          out[i * d + j] = acc * s;
        }
    }
    if (dd == 0) return;
    if (mode == 12 && d > 1) {  // asymmetric by one ulp
      std::size_t i = u8() % d, j = (i + 1 + u8() % (d - 1)) % d;
      out[i * d + j] = perturb(out[i * d + j]);
    } else if (mode == 13) {
      out[u8() % dd] = special();
    } else if (mode == 15) {  // slightly (or clearly) not PSD
      std::size_t i = u8() % d;
      out[i * d + i] -= (u8() % 2 ? 1e-12 : 1.0) * (std::fabs(out[i * d + i]) + s);
    }
  }
  std::vector<double> covariances(std::size_t k, std::size_t d) {
    std::vector<double> c(k * d * d);
    for (std::size_t i = 0; i < k; ++i) covariance(d, c.data() + i * d * d);
    return c;
  }

 private:
  const std::uint8_t *p_;
  std::size_t n_;
  std::size_t i_ = 0;
};

// ---------------------------------------------------------------- canary-guarded outputs
// An output array of `required` elements. Its capacity is decided by the input: usually
// exactly required, sometimes larger, sometimes one too small, rarely NULL. Behind the
// capacity there is always a tail of canaries; bytes past `required` must never change, and on
// an error nothing at all may change.
template <class T>
class Out {
 public:
  static constexpr std::size_t kTail = 4;
  static constexpr unsigned char kCanary = 0xA5;

  Out(Bytes &in, std::size_t required, bool may_be_null = true) : required_(required) {
    std::uint8_t mode = in.u8();
    if (may_be_null && mode == 255) {
      null_ = true;
      cap_ = required;
    } else if (mode >= 240 && required > 0) {
      cap_ = required - 1;
    } else if (mode >= 220) {
      cap_ = required + 1 + mode % 3;
    } else {
      cap_ = required;
    }
    buf_.assign((cap_ + kTail) * sizeof(T), kCanary);
  }
  // An exact-capacity, never-NULL buffer (for the results compared across thread counts).
  explicit Out(std::size_t required) : required_(required), cap_(required) {
    buf_.assign((cap_ + kTail) * sizeof(T), kCanary);
  }

  T *data() { return null_ ? nullptr : reinterpret_cast<T *>(buf_.data()); }
  const T *values() const { return reinterpret_cast<const T *>(buf_.data()); }
  std::size_t cap() const { return cap_; }
  std::size_t required() const { return required_; }
  bool is_null() const { return null_; }
  bool too_small() const { return !null_ && cap_ < required_; }
  // The call may legitimately fail because of this buffer.
  bool bad() const { return null_ || cap_ < required_; }

  // After an error: not one byte changed.
  void check_untouched(const char *what) const {
    for (std::size_t i = 0; i < buf_.size(); ++i)
      FZ_CHECK_MSG(buf_[i] == kCanary, "%s: byte %zu written by a failing call\n", what, i);
  }
  // After a success: nothing written past the required length.
  void check_tail(const char *what) const {
    for (std::size_t i = required_ * sizeof(T); i < buf_.size(); ++i)
      FZ_CHECK_MSG(buf_[i] == kCanary, "%s: byte %zu written past the required %zu elements\n",
                   what, i, required_);
  }
  // After any call: errors leave everything, successes leave the tail.
  void check(int st, const char *what) const {
    if (st < 0)
      check_untouched(what);
    else
      check_tail(what);
  }
  std::vector<T> vector() const { return std::vector<T>(values(), values() + required_); }

 private:
  std::size_t required_;
  std::size_t cap_ = 0;
  bool null_ = false;
  std::vector<unsigned char> buf_;
};

// A handle out-pointer that must stay untouched on error and be set (non-NULL) on success.
template <class H>
struct HandleOut {
  H *h = reinterpret_cast<H *>(static_cast<std::uintptr_t>(0xC0FFEE00u));
  H *sentinel() const { return reinterpret_cast<H *>(static_cast<std::uintptr_t>(0xC0FFEE00u)); }
  H **ptr() { return &h; }
  void check(int st, const char *what) const {
    if (st < 0)
      FZ_CHECK_MSG(h == sentinel(), "%s: handle out-pointer written by a failing call\n", what);
    else
      FZ_CHECK_MSG(h != sentinel() && h != nullptr, "%s: success without a handle\n", what);
  }
  H *get() const { return h == sentinel() ? nullptr : h; }
};

// ---------------------------------------------------------------- options
// Options decoded from the input, always within their documented bounds (the setters must
// accept them), created twice: with 1 and with 2 worker threads, identical otherwise.
struct Options {
  gmmot_options_t *one = nullptr;
  gmmot_options_t *two = nullptr;

  Options(const Options &) = delete;
  Options &operator=(const Options &) = delete;
  ~Options() {
    gmmot_options_destroy(one);
    gmmot_options_destroy(two);
  }
  explicit Options(Bytes &in) {
    FZ_CHECK(FZ_CALL(gmmot_options_create(&one)) == GMMOT_OK);
    set_int(GMMOT_OPT_NUM_THREADS, 1);
    std::uint8_t n = in.u8() % 8;  // how many settings follow
    for (std::uint8_t i = 0; i < n; ++i) {
      switch (in.u8() % 15) {
        case 0:
          set_double(GMMOT_OPT_BARYCENTER_TOLERANCE, pick(in, {1e-12, 0.0, 1e-3, 1.0}));
          break;
        case 1:
          set_int(GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 1 + in.u8() % 50);
          break;
        case 2:
        case 3:
          set_int(GMMOT_OPT_TRANSPORT_METHOD, in.u8() % 2);
          break;
        case 4:
          set_int(GMMOT_OPT_EXACT_MAX_ITERATIONS, in.u8() % 4 == 0 ? in.u8() % 8 : 0);
          break;
        case 5:
          set_double(GMMOT_OPT_ENTROPIC_EPSILON, pick(in, {1e-3, 1e-8, 1e-1, 1.0, 1e8}));
          break;
        case 6:
          set_double(GMMOT_OPT_ENTROPIC_TOLERANCE, pick(in, {1e-9, 0.0, 1e-3, 1.0}));
          break;
        case 7:
          set_int(GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, 1 + in.u8() % 200);
          break;
        case 8:
          set_int(GMMOT_OPT_EM_COMPONENTS, 1 + in.u8() % 6);
          break;
        case 9:
          set_double(GMMOT_OPT_EM_TOLERANCE, pick(in, {1e-6, 0.0, 1e-2, 1.0}));
          break;
        case 10:
          set_int(GMMOT_OPT_EM_MAX_ITERATIONS, 1 + in.u8() % 3);
          break;
        case 11:
          set_double(GMMOT_OPT_EM_REGULARIZATION, pick(in, {1e-6, 0.0, 1e-12, 1.0}));
          break;
        case 12:
          set_int(GMMOT_OPT_EM_INITIALIZATIONS, 1 + in.u8() % 2);
          break;
        case 13:
          set_int(GMMOT_OPT_SEED, in.u8());
          break;
        default:
          set_int(GMMOT_OPT_EM_SPLIT_MERGE, in.u8() % 4);
          break;
      }
    }
    FZ_CHECK(FZ_CALL(gmmot_options_clone(one, &two)) == GMMOT_OK);
    FZ_CHECK(FZ_CALL(gmmot_options_set_int(two, GMMOT_OPT_NUM_THREADS, 2)) == GMMOT_OK);
  }
  void set_int(int key, std::int64_t v) {
    if (dumping()) std::fprintf(stderr, "option %d = %lld\n", key, static_cast<long long>(v));
    FZ_CHECK(FZ_CALL(gmmot_options_set_int(one, key, v)) == GMMOT_OK);
  }
  void set_double(int key, double v) {
    if (dumping()) std::fprintf(stderr, "option %d = %.17g\n", key, v);
    FZ_CHECK(FZ_CALL(gmmot_options_set_double(one, key, v)) == GMMOT_OK);
  }
  std::int64_t get_int(int key) const {
    std::int64_t v = 0;
    FZ_CHECK(FZ_CALL(gmmot_options_get_int(one, key, &v)) == GMMOT_OK);
    return v;
  }
  template <std::size_t N>
  static double pick(Bytes &in, const double (&values)[N]) {
    return values[in.u8() % N];
  }
};

// A mixture decoded from the input (K <= kmax, d given); nullptr when creation failed. The
// creation itself is checked (handle untouched on error, message rule).
inline gmmot_gmm_t *make_gmm(Bytes &in, std::size_t k, std::size_t d) {
  std::vector<double> w = in.weights(k), m = in.vec(k * d), c = in.covariances(k, d);
  dump("gmm weights", w);
  dump("gmm means", m);
  dump("gmm covs", c);
  HandleOut<gmmot_gmm_t> out;
  int st = FZ_CALL(gmmot_gmm_create(k, d, w.data(), m.data(), c.data(), out.ptr()));
  out.check(st, "gmmot_gmm_create");
  if (st >= 0) {
    FZ_CHECK(gmmot_gmm_ncomponents(out.get()) == k);
    FZ_CHECK(gmmot_gmm_dim(out.get()) == d);
  }
  return out.get();
}

// Copies of a mixture's parameters, checked (finite, weights >= 0 summing to 1 to rounding,
// covariances exactly symmetric as documented: "as stored: symmetrised").
struct GmmCopy {
  std::size_t k = 0, d = 0;
  std::vector<double> w, m, c;
};
inline GmmCopy copy_gmm(const gmmot_gmm_t *g) {
  GmmCopy out;
  out.k = gmmot_gmm_ncomponents(g);
  out.d = gmmot_gmm_dim(g);
  FZ_CHECK(out.k > 0 && out.d > 0);
  Out<double> w(out.k), m(out.k * out.d), c(out.k * out.d * out.d);
  FZ_CHECK(FZ_CALL(gmmot_gmm_copy_weights(g, w.data(), w.cap())) == GMMOT_OK);
  FZ_CHECK(FZ_CALL(gmmot_gmm_copy_means(g, m.data(), m.cap())) == GMMOT_OK);
  FZ_CHECK(FZ_CALL(gmmot_gmm_copy_covariances(g, c.data(), c.cap())) == GMMOT_OK);
  w.check_tail("copy_weights");
  m.check_tail("copy_means");
  c.check_tail("copy_covariances");
  out.w = w.vector();
  out.m = m.vector();
  out.c = c.vector();
  if (!(finite(out.w) && finite(out.m) && finite(out.c))) {
    std::fprintf(stderr, "copied mixture (K = %zu, d = %zu) is not finite\n", out.k, out.d);
    setenv("GMMOT_FUZZ_DUMP", "1", 0);
  }
  dump("copied weights", out.w), dump("copied means", out.m), dump("copied covs", out.c);
  FZ_CHECK(finite(out.w) && finite(out.m) && finite(out.c));
  double sum = 0;
  for (double x : out.w) {
    FZ_CHECK(x >= 0);
    sum += x;
  }
  FZ_CHECK_MSG(std::fabs(sum - 1) <= 1e-12, "weights sum to %.17g\n", sum);
  for (std::size_t k = 0; k < out.k; ++k)
    for (std::size_t i = 0; i < out.d; ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const double *s = out.c.data() + k * out.d * out.d;
        FZ_CHECK_MSG(same_bits(&s[i * out.d + j], &s[j * out.d + i], sizeof(double)),
                     "covs[%zu] not exactly symmetric at (%zu, %zu)\n", k, i, j);
      }
  return out;
}

// Two mixtures decoded from the input, owned: dimension d0 in 1..4 and d1 = d0 except in one
// input in `other_dim_one_in` (then 1..4 as well), K in 1..6 each. ok() is false when either
// could not be made (invalid inputs are the mixture harness's business).
struct MixturePair {
  gmmot_gmm_t *g0 = nullptr, *g1 = nullptr;
  std::size_t d0 = 0, d1 = 0;

  MixturePair(Bytes &in, unsigned other_dim_one_in) {
    d0 = 1 + in.u8() % 4;
    d1 = in.u8() % other_dim_one_in == 0 ? 1 + in.u8() % 4 : d0;
    g0 = make_gmm(in, 1 + in.u8() % 6, d0);
    g1 = make_gmm(in, 1 + in.u8() % 6, d1);
  }
  MixturePair(const MixturePair &) = delete;
  MixturePair &operator=(const MixturePair &) = delete;
  ~MixturePair() {
    gmmot_gmm_destroy(g0);
    gmmot_gmm_destroy(g1);
  }
  bool ok() const { return g0 != nullptr && g1 != nullptr; }
};
// Everything a result gives, as values, for the 1-vs-2-threads comparison of a harness.
struct Snapshot {
  std::vector<double> doubles;
  std::vector<std::size_t> sizes;
  std::vector<int> statuses;
};

inline void add(Snapshot &s, const double *x, std::size_t n) {
  s.doubles.insert(s.doubles.end(), x, x + n);
}

}  // namespace fz
