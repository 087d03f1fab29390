// SPDX-License-Identifier: MIT
// Primal network simplex for the transportation problem, written from the textbook algorithm
// (Ahuja, Magnanti, Orlin, "Network Flows", 1993, ch. 11; strongly feasible trees: Cunningham,
// Math. Programming 11, 1976). Design choices, and why:
//  - Nodes: supplies 0..n0-1, demands n0..n0+n1-1, an artificial root r. The start tree is
//    the artificial arcs i -> r and r -> j, all carrying positive flow, hence strongly
//    feasible. Real arcs i -> j are implicit: their costs are read from the caller's rows.
//  - Big-M without a number: the artificial arcs cost "M", kept symbolic. Every node's
//    potential is pi = s M + x with s = +-1 the sign of the artificial arc at the top of its
//    tree component, so a reduced cost is (c - x_i + x_j) + M (s_j - s_i): exact when the signs
//    agree, and "minus infinity" / "plus infinity" otherwise. Pricing folds M into a power of
//    two L far above any real part, which leaves same-sign keys exact. No cost scale can
//    overflow the artificial costs (POT #229) and the duals keep full relative precision.
//  - The tree is kept as parent links plus a preorder thread with subtree sizes and ends (the
//    threaded-index representation of Ahuja-Magnanti-Orlin ch. 11, in our own form): a pivot
//    splices the moved subtree in O(path length), and every subtree is a run of the thread,
//    so moving potentials follows one array instead of lists of children.
//  - After a pivot the potentials of the smaller side of the tree move by one constant. Shifts
//    accumulate rounding, so every n0 + n1 pivots, and always before optimality is declared,
//    all potentials are rebuilt as path sums from their component's top.
//  - Cunningham's rule excludes cycling only for entering arcs of negative reduced cost, and the
//    potentials (path sums, then shifted) carry absolute rounding errors of the size of the
//    largest costs on their paths, more than the pricing allowance relative to the arc's own
//    terms: an arc of reduced cost exactly 0 (a cycle of tied costs) could be priced at -1e-17,
//    and two such zero-cost pivots then alternated forever (fuzz finding N4). So pivot() first
//    sums the entering arc's cycle, costs only, with compensated (TwoSum) summation, and rejects
//    an arc whose reduced cost is not certainly negative; the potentials are then rebuilt as
//    compensated path sums, accurate to their own precision, which the pricing allowance covers.
//  - Flows live on tree arcs only (all arcs are uncapacitated, non-tree flows are 0) and are
//    recomputed from the supplies at the end, so the returned plan is as accurate as the data.
#include "lp/network_simplex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <system_error>

#include "lp/pricing.hpp"
#include "util/error.hpp"
#include "util/spin_worker.hpp"

namespace gmmot {

// A tree node's fields that a subtree walk and a pivot read together, in one 32-byte record.
struct alignas(32) SimplexNode {
  double spcost;  // +c if the tree arc points to the parent, -c otherwise
  double flow;    // on the tree arc to the parent
  int parent;
  int first_child, next_sib;  // children lists: the start trees only (pivots keep the thread)
};

// The spanning tree's buffers between solves (ExactBasis::scratch): lent to the next tree,
// which assigns every one it reads, so nothing carries over but their capacity.
struct SimplexScratch {
  std::vector<SimplexNode> node;
  std::vector<int> size, thread, rev_thread, last, pieces;
  std::vector<unsigned char> up;
  std::vector<double> x, sl;
  std::unique_ptr<float[]> cf;
  std::size_t cf_size = 0;
  std::vector<float> xf, sf;
};

std::shared_ptr<SimplexScratch> make_simplex_scratch() {
  return std::make_shared<SimplexScratch>();
}

namespace {

constexpr int kNone = -1;
// Rounding allowance of a reduced cost relative to |c| + |x_i| + |x_j| of the same arc: a few
// ulps, so that costs far below max |C| are still priced to their own precision.
constexpr double kPricingTolerance = 0x1p-49;
// The same for the single-precision screen (three roundings of 2^-24, with margin).
constexpr double kScreenTolerance = 0x1p-20;
// Screening pays at every size up to this many arcs (measured at K = 10 .. 3000: at K = 100,
// where the whole matrix sits in cache, eight float lanes without the allowance term still take
// a third off the solve); above it the float copy (4 bytes an arc) would cost more memory than
// it is worth.
constexpr double kScreenMaxArcs = 0x1p26;
// Below this many arcs blocks are smaller (see the block size in the constructor).
constexpr double kSmallArcs = 65536;
// The start heuristic's least-cost phase (warm starts) considers this many cheapest arcs of each
// row.
constexpr std::size_t kStartCandidates = 8;
// A second pricing thread starts at this many arcs, and halves are at least this long: below
// that the handoff (a fraction of a microsecond) is not worth it.
constexpr double kParallelMinArcs = 0x1p23;
constexpr std::size_t kMinHalfBlock = 2048;
// The screen's float costs stay with the scratch up to this many arcs (256 kB); larger ones
// are freed as soon as the screen ends, as before there was a scratch.
constexpr double kKeepScreenArcs = 65536;

class SpanningTree {
 public:
  explicit SpanningTree(const SimplexInput &in);
  // Returns the buffers to the scratch they came from (the tree is unusable after).
  void give_back();
  void swap_scratch(SimplexScratch &s, bool with_cost_copy);
  bool price(std::size_t *enter_i, std::size_t *enter_j);
  double exact_key(std::size_t i, std::size_t j) const;
  struct Best {
    double key = 0;
    std::size_t i = 0, j = 0;
    bool found = false;
  };
  Best scan_range(std::size_t pos, std::size_t count, bool screening, bool same_sign) const;
  static void run_job(void *tree);
  bool block_search(bool screening, std::size_t *enter_i, std::size_t *enter_j);
  void start_screening();
  // The screen's float values carry their rounding allowance, so that the key
  // cf[j] + xf[j] - xf[i] errs towards "not improving": costs and demand potentials are moved
  // up and supply potentials down by kScreenTolerance of their size.
  static float screened(double v, double direction) {
    return static_cast<float>(v + direction * kScreenTolerance * std::fabs(v));
  }
  void screen_x(int n) { xf_[n] = screened(x_[n], static_cast<std::size_t>(n) < n0_ ? -1.0 : 1.0); }
  bool pivot(std::size_t i, std::size_t jj);
  bool rebuild_accurate();
  std::size_t blocks() const { return (n0_ * n1_ + block_ - 1) / block_; }
  SimplexOutput result(std::uint64_t iterations) const;
  std::vector<int> preorder() const;
  std::vector<int> preorder_from_children() const;
  bool finish();
  bool restarted() const { return restarted_; }
  void export_basis(ExactBasis &b) const;
#ifdef GMMOT_NS_VALIDATE  // debugging aid: -DGMMOT_NS_VALIDATE checks the tree after each pivot
  void validate(const char *where) const;
#endif

 private:
  void link(int n, int p);
  void build_thread(const std::vector<int> &order);
  void build_thread() { build_thread(preorder_from_children()); }
  void rethread(int u_in, int v_in, int leave, int old_parent);
  void update_subtree(int top);
  void update_potentials(int top, double x_before);
  void shift_tree(int top, int skip, double shift);
  bool refresh();
  void build_start_forest();
  void build_artificial_start();
  bool build_from_basis(const ExactBasis &b);
  bool one_sign() const { return plus_components_ == 0 || plus_components_ == components_; }

  const SimplexInput &in_;
  std::size_t n0_, n1_;
  int root_;
  using Node = SimplexNode;
  std::vector<Node> node_;
  std::vector<int> size_;  // nodes in the subtree of each node
  // The tree in preorder, as a circular list through the root: a subtree is the size_[n] nodes
  // from n on, so the walks that move potentials follow one array instead of children lists.
  // last_: the last node of each subtree in that order (the pivot's splice needs it).
  std::vector<int> thread_, rev_thread_, last_;
  std::vector<int> pieces_;  // rethread's scratch
  std::size_t since_refresh_ = 0;
  bool accurate_ = false;          // potentials from rebuild_accurate(), no pivot since
  bool refreshed_ = false;         // potentials from refresh(), unchanged since: it is a no-op
  std::vector<unsigned char> up_;  // the tree arc points from the node to its parent
  std::vector<double> x_, sl_;
  bool screening_ = false;
  // Single-precision copies for screening (the costs without a zero fill: all are written).
  std::unique_ptr<float[]> cf_;
  std::size_t cf_size_ = 0;  // floats allocated at cf_
  std::vector<float> xf_, sf_;
  SimplexScratch *scratch_ = nullptr;  // where the buffers came from, if anywhere
  bool offsets_ = false;               // component tops carry warm-start potentials
  bool restarted_ = false;             // the start tree came from a basis
  std::size_t components_ = 0;         // children of the root
  std::size_t plus_components_ = 0;    // those hanging by a supply node (sign +1)
  double big_ = 0;                     // L: the symbolic M in pricing keys
  std::size_t block_ = 0, cursor_ = 0;
  std::unique_ptr<SpinWorker> worker_;  // the second pricing thread, for large problems
  std::uint64_t posts_ = 0;             // tasks given to worker_
  std::uint64_t stolen_before_ = 0;     // worker_->stolen() at the start of the current window
  struct Job {
    std::size_t pos, count;
    bool screening, same_sign;
    Best result;
  } job_{};
};

SpanningTree::SpanningTree(const SimplexInput &in)
    : in_(in), n0_(in.n0), n1_(in.n1), root_(static_cast<int>(in.n0 + in.n1)) {
  const std::size_t nodes = n0_ + n1_ + 1;
  if (in.basis_out != nullptr && in.basis_out->scratch.p) {
    scratch_ = in.basis_out->scratch.p.get();
    swap_scratch(*scratch_, true);
  }
  node_.assign(nodes, Node{0.0, 0.0, root_, kNone, kNone});
  size_.assign(nodes, 1);
  up_.assign(nodes, 0);
  x_.assign(nodes, 0.0);
  sl_.assign(nodes, 0.0);
  double bound = static_cast<double>(nodes) + 1.0;
  for (double x : in.warm_x)
    bound = std::max(bound, static_cast<double>(nodes) + 1.0 + std::fabs(x));
  offsets_ = !in.warm_x.empty();
  // |x| stays below `bound` (a path sum of at most `nodes` costs of size <= 1 from a start
  // value), so every real part of a key is below 3 bound in magnitude and L = 8 bound keeps the
  // three sign classes apart.
  big_ = std::ldexp(1.0, std::ilogb(8.0 * bound) + 1);
  node_[root_].parent = kNone;
  size_[root_] = static_cast<int>(nodes);
  if (in.warm_basis != nullptr && build_from_basis(*in.warm_basis)) {
    restarted_ = true;
  } else if (in.warm_x.empty()) {
    build_artificial_start();
  } else {
    build_start_forest();
  }
  if (!restarted_) build_thread();  // (a restart needs it earlier)
  start_screening();
  if (in.ctx.threads > 1 &&
      static_cast<double>(n0_) * static_cast<double>(n1_) >= kParallelMinArcs) {
    // Without a second thread (a thread limit) pricing runs serially: same pivots, same result.
    try {
      worker_ = std::make_unique<SpinWorker>();
    } catch (const std::system_error &) {
      worker_.reset();
    }
  }
  const double arcs = static_cast<double>(n0_) * static_cast<double>(n1_);
  // Blocks of f sqrt(arcs): bigger blocks mean fewer, better pivots but more arcs priced per
  // pivot. Measured (K = 100 .. 3000): while the screened matrix stays in cache (up to 2^22 arcs,
  // 16 MB of floats) pivots cost more than pricing and f = 12 is best; beyond that pricing
  // streams from memory and f = 8 balances the two; below 2^16 arcs (K <= 255) f = 6 (at
  // K = 50 .. 100, over 20 problems: 10% less time than f = 4 or 8, 20% less than 12).
  // LEMON uses f = 1.
  const double f = arcs < kSmallArcs ? 6.0 : arcs <= 0x1p22 ? 12.0 : 8.0;
  block_ = std::max<std::size_t>(static_cast<std::size_t>(std::ceil(f * std::sqrt(arcs))), 10);
}

// The cold start: every node hangs from the root by its own artificial arc carrying its whole
// weight (positive flows: strongly feasible). The first pivots, priced lexicographically by the
// symbolic M, merge these into one tree; measured, this beats a row-minimum start from scratch.
void SpanningTree::build_artificial_start() {
  for (std::size_t n = 0; n < n0_ + n1_; ++n) {
    const bool supply = n < n0_;
    link(static_cast<int>(n), root_);
    up_[n] = supply ? 1 : 0;
    node_[n].flow = supply ? in_.supply[n] : in_.demand[n - n0_];
    sl_[n] = supply ? big_ : -big_;
  }
  components_ = n0_ + n1_;
  plus_components_ = n0_;
}

// The warm start: a basic feasible forest by the least-cost rule on the reduced costs of the
// given duals (the cheapest arcs first, each taking as much as it can), among the few cheapest
// arcs of every row, then the row-minimum rule for what is left. Each cell
// closes its row or its column, so the cells form a forest (follow any cycle's cells to the
// earlier cell on the line each one closed: an infinite descent). Each tree of the forest hangs
// from the root by an artificial arc at a supply node (i -> root, zero flow: pointing towards
// the root, as a strongly feasible tree needs: every node can send flow to the root, which is
// what the leaving rule in pivot() preserves; an arc root -> j of zero flow would block that,
// and the first pivot across two components would be degenerate with its leaving arc on j's
// side, outside Cunningham's guarantee); a node the rule could not serve because of rounding
// hangs by its own artificial arc carrying the rest (positive: either direction is strongly
// feasible). With the reduced costs of good
// duals this starts near the optimum (measured at K = 3000 after a 1% cost perturbation: 38k
// pivots instead of 47k cold).
void SpanningTree::build_start_forest() {
  const bool warm = !in_.warm_x.empty();
  std::vector<double> rest_s(in_.supply), rest_d(in_.demand);
  std::vector<std::size_t> open(n1_);
  for (std::size_t j = 0; j < n1_; ++j) open[j] = j;
  std::vector<std::vector<std::pair<int, double>>> adj(n0_ + n1_);
  auto start_key = [&](std::size_t i, std::size_t j) {
    return in_.rows[i][j] * in_.scale - (warm ? in_.warm_x[i] - in_.warm_x[n0_ + j] : 0.0);
  };
  auto assign = [&](std::size_t i, std::size_t j) {
    const double f = std::min(rest_s[i], rest_d[j]);
    adj[i].push_back({static_cast<int>(n0_ + j), f});
    adj[n0_ + j].push_back({static_cast<int>(i), f});
    rest_d[j] = f == rest_d[j] ? 0.0 : rest_d[j] - f;
    rest_s[i] = f == rest_s[i] ? 0.0 : rest_s[i] - f;
  };
  // Least cost first, among the kStartCandidates cheapest arcs of every row.
  struct Candidate {
    double key;
    std::size_t i, j;
  };
  std::vector<Candidate> cands;
  cands.reserve(n0_ * std::min(kStartCandidates, n1_));
  std::vector<Candidate> row_best;
  for (std::size_t i = 0; i < n0_; ++i) {
    std::vector<Candidate> &best = row_best;
    best.clear();
    for (std::size_t j = 0; j < n1_; ++j) {
      const double k = start_key(i, j);
      if (best.size() == kStartCandidates && !(k < best.back().key)) continue;
      if (best.size() == kStartCandidates) best.pop_back();
      auto at = std::upper_bound(best.begin(), best.end(), k,
                                 [](double v, const Candidate &c) { return v < c.key; });
      best.insert(at, Candidate{k, i, j});
    }
    cands.insert(cands.end(), best.begin(), best.end());
  }
  std::sort(cands.begin(), cands.end(), [](const Candidate &a, const Candidate &b) {
    return a.key != b.key ? a.key < b.key : (a.i != b.i ? a.i < b.i : a.j < b.j);
  });
  for (const Candidate &c : cands)
    if (rest_s[c.i] > 0 && rest_d[c.j] > 0) assign(c.i, c.j);
  open.clear();
  for (std::size_t j = 0; j < n1_; ++j)
    if (rest_d[j] > 0) open.push_back(j);
  // Row minimum for what the candidates did not cover (rows whose cheap columns filled up).
  for (std::size_t i = 0; i < n0_ && !open.empty(); ++i) {
    while (rest_s[i] > 0 && !open.empty()) {
      std::size_t at = 0;
      double at_key = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < open.size(); ++k) {
        const double key = start_key(i, open[k]);
        if (key < at_key) {
          at_key = key;
          at = k;
        }
      }
      const std::size_t j = open[at];
      assign(i, j);
      if (rest_d[j] == 0) {
        open[at] = open.back();
        open.pop_back();
      }
    }
  }
  // Hang each tree of the forest from the root, breadth first from its top.
  std::vector<char> seen(n0_ + n1_, 0);
  std::vector<int> queue;
  queue.reserve(n0_ + n1_);
  auto hang = [&](int top) {
    const bool supply_top = static_cast<std::size_t>(top) < n0_;
    link(top, root_);
    up_[top] = supply_top ? 1 : 0;
    // Artificial arcs carry only what rounding left over (their cost is the symbolic M).
    node_[top].flow = supply_top ? rest_s[top] : rest_d[top - n0_];
    node_[top].spcost = 0;
    x_[top] = warm ? in_.warm_x[top] : 0.0;
    sl_[top] = supply_top ? big_ : -big_;
    ++components_;
    if (supply_top) ++plus_components_;
    seen[top] = 1;
    queue.assign(1, top);
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const int n = queue[q];
      for (const auto &[m, f] : adj[n]) {
        if (seen[m]) continue;
        seen[m] = 1;
        link(m, n);
        const bool m_supply = static_cast<std::size_t>(m) < n0_;
        const std::size_t i = m_supply ? m : n, j = (m_supply ? n : m) - n0_;
        const double c = in_.rows[i][j] * in_.scale;
        up_[m] = m_supply ? 1 : 0;  // the arc i -> j points from m to its parent iff m = i
        node_[m].spcost = m_supply ? c : -c;
        node_[m].flow = f;
        x_[m] = x_[n] + node_[m].spcost;
        sl_[m] = sl_[n];
        queue.push_back(m);
      }
    }
    for (std::size_t q = queue.size(); q-- > 1;) size_[node_[queue[q]].parent] += size_[queue[q]];
  };
  for (std::size_t i = 0; i < n0_; ++i)
    if (!seen[i]) hang(static_cast<int>(i));
  for (std::size_t j = 0; j < n1_; ++j)  // demands no supply reached: positive flow
    if (!seen[n0_ + j]) hang(static_cast<int>(n0_ + j));
}

// The restart: the earlier solve's final tree as it was (strongly feasible: its flows are those
// of the same supplies and demands), potentials from the new costs. Returns false, leaving the
// tree as constructed, when the basis does not fit (other sizes, not a spanning tree, flows
// that do not carry these supplies and demands).
bool SpanningTree::build_from_basis(const ExactBasis &b) {
  const std::size_t nodes = n0_ + n1_;
  if (b.parent.size() != nodes || b.up.size() != nodes || b.plus.size() != nodes ||
      b.flow.size() != nodes || b.supply != in_.supply || b.demand != in_.demand)
    return false;
  double mass = 0.0;
  for (double x : in_.supply) mass += x;
  for (std::size_t n = 0; n < nodes; ++n) {
    const int p = b.parent[n];
    if (p < 0 || p > root_ || p == static_cast<int>(n) || !(b.flow[n] >= 0.0)) return false;
    // Real arcs join a supply and a demand, pointing from the supply.
    const bool supply = n < n0_;
    if (p != root_ && ((static_cast<std::size_t>(p) < n0_) == supply || (b.up[n] != 0) != supply))
      return false;
  }
  for (std::size_t n = 0; n < nodes; ++n) link(static_cast<int>(n), b.parent[n]);
  const std::vector<int> order = preorder_from_children();
  bool ok = order.size() == nodes;
  if (ok) {
    // Sizes, and the flows against the supplies (the net supply of each subtree).
    std::vector<double> net(nodes + 1, 0.0);
    for (std::size_t k = 0; k < n0_; ++k) net[k] = in_.supply[k];
    for (std::size_t k = 0; k < n1_; ++k) net[n0_ + k] = -in_.demand[k];
    for (auto it = order.rbegin(); it != order.rend() && ok; ++it) {
      const int n = *it, p = node_[n].parent;
      if (p != root_) size_[p] += size_[n];
      net[p] += net[n];
      const double f = b.up[n] ? net[n] : -net[n];
      ok = std::fabs(f - b.flow[n]) <= 1e-9 * mass;
    }
  }
  if (!ok) {
    node_.assign(nodes + 1, Node{0.0, 0.0, root_, kNone, kNone});
    node_[root_].parent = kNone;
    size_.assign(nodes + 1, 1);
    size_[root_] = static_cast<int>(nodes + 1);
    return false;
  }
  for (std::size_t n = 0; n < nodes; ++n) {
    const int p = b.parent[n];
    up_[n] = b.up[n];
    node_[n].flow = b.flow[n];
    if (p == root_) {
      node_[n].spcost = 0.0;
      sl_[n] = b.plus[n] ? big_ : -big_;
      ++components_;
      if (b.plus[n]) ++plus_components_;
    } else {
      const bool supply = n < n0_;
      const std::size_t i = supply ? n : p, j = (supply ? p : n) - n0_;
      const double c = in_.rows[i][j] * in_.scale;
      node_[n].spcost = supply ? c : -c;
    }
  }
  // Every node carries its component's sign (refresh keeps signs, it does not set them).
  for (const int n : order)
    if (node_[n].parent != root_) sl_[n] = sl_[node_[n].parent];
  build_thread(order);
  refresh();
  return true;
}

void SpanningTree::export_basis(ExactBasis &b) const {
  const std::size_t nodes = n0_ + n1_;
  b.supply = in_.supply;
  b.demand = in_.demand;
  b.parent.resize(nodes);
  b.up.resize(nodes);
  b.plus.resize(nodes);
  b.flow.resize(nodes);
  for (std::size_t n = 0; n < nodes; ++n) {
    b.parent[n] = node_[n].parent;
    b.up[n] = up_[n];
    b.plus[n] = sl_[n] > 0 ? 1 : 0;
    b.flow[n] = node_[n].flow;
  }
}

double SpanningTree::exact_key(std::size_t i, std::size_t j) const {
  const double cs = in_.rows[i][j] * in_.scale, xi = x_[i], xj = x_[n0_ + j];
  return (cs + xj - xi) + (sl_[n0_ + j] - sl_[i]) +
         kPricingTolerance * (std::fabs(cs) + std::fabs(xj) + std::fabs(xi));
}

// Prices `count` arcs from linear position `pos` (arc (i, j) is at i * n1 + j, wrapping around),
// in single precision when screening, and returns the first smallest key below 0.
SpanningTree::Best SpanningTree::scan_range(std::size_t pos, std::size_t count, bool screening,
                                            bool same_sign) const {
  Best best;
  std::size_t i = pos / n1_, j = pos % n1_;
  if (screening) {
    const RowMin<float> r = block_min_key_f(cf_.get(), xf_.data(), same_sign ? nullptr : sf_.data(),
                                            n0_, n1_, pos, count);
    if (r.index < n0_ * n1_)
      best = {static_cast<double>(r.key), r.index / n1_, r.index % n1_, true};
  } else {
    double bound = 0.0;
    const double *xd = x_.data() + n0_, *sd = same_sign ? nullptr : sl_.data() + n0_;
    while (count > 0) {
      const std::size_t len = std::min(n1_ - j, count);
      const RowMin<double> r =
          row_min_key(in_.rows[i] + j, xd + j, sd != nullptr ? sd + j : nullptr, len, in_.scale,
                      x_[i], sl_[i], kPricingTolerance, bound);
      if (r.index < len) {
        bound = r.key;
        best = {r.key, i, j + r.index, true};
      }
      count -= len;
      j += len;
      if (j == n1_) j = 0, i = i + 1 == n0_ ? 0 : i + 1;
    }
  }
  return best;
}

void SpanningTree::run_job(void *tree) {
  auto *t = static_cast<SpanningTree *>(tree);
  t->job_.result = t->scan_range(t->job_.pos, t->job_.count, t->job_.screening, t->job_.same_sign);
}

// Block search (numerics.md C.4): scan from where the last search stopped, block by block, and
// stop at the end of the first block holding an improving arc; its best arc enters. With a
// worker thread each block is split in two halves priced at once; ties go to the first half,
// so the choice, and the whole solve, is the same for any number of threads.
bool SpanningTree::block_search(bool screening, std::size_t *enter_i, std::size_t *enter_j) {
  const std::size_t total = n0_ * n1_;
  const bool same_sign = one_sign();
  Best best;
  std::size_t pos = cursor_;
  for (std::size_t scanned = 0; scanned < total && !best.found;) {
    in_.ctx.check_interrupt();  // a full scan at K = 5000 takes tens of milliseconds
    const std::size_t count = std::min(block_, total - scanned);
    if (worker_ && count >= 2 * kMinHalfBlock) {
      const std::size_t half = count / 2;
      job_ = {(pos + half) % total, count - half, screening, same_sign, Best{}};
      worker_->post(&SpanningTree::run_job, this);
      const Best first = scan_range(pos, half, screening, same_sign);
      worker_->wait();
      const Best &second = job_.result;
      best = second.found && (!first.found || second.key < first.key) ? second : first;
      // If this thread did the worker's half itself for most of the last 4096 blocks, the
      // worker rarely gets a core (a loaded machine, not a passing hiccup): stop it, so that it
      // no longer competes for one.
      if (++posts_ % 4096 == 0) {
        if (worker_->stolen() - stolen_before_ > 3072)
          worker_.reset();
        else
          stolen_before_ = worker_->stolen();
      }
    } else {
      best = scan_range(pos, count, screening, same_sign);
    }
    pos = (pos + count) % total;
    scanned += count;
  }
  cursor_ = pos;
  if (best.found) {
    *enter_i = best.i;
    *enter_j = best.j;
  }
  return best.found;
}

void SpanningTree::start_screening() {
  const double arcs = static_cast<double>(n0_) * static_cast<double>(n1_);
  if (arcs > kScreenMaxArcs) return;
  screening_ = true;
  if (cf_size_ < n0_ * n1_) {
    cf_.reset(new float[n0_ * n1_]);
    cf_size_ = n0_ * n1_;
  }
  for (std::size_t i = 0; i < n0_; ++i)
    screen_costs(in_.rows[i], n1_, in_.scale, kScreenTolerance, cf_.get() + i * n1_);
  xf_.resize(x_.size());
  for (std::size_t n = 0; n < x_.size(); ++n) screen_x(static_cast<int>(n));
  sf_.assign(sl_.begin(), sl_.end());
}

bool SpanningTree::price(std::size_t *enter_i, std::size_t *enter_j) {
  if (screening_) {
    // Single precision finds improving arcs while they are clearly improving; each is confirmed
    // exactly. The last pivots, and the proof of optimality, use the exact scan below.
    if (block_search(true, enter_i, enter_j) && exact_key(*enter_i, *enter_j) < 0.0) return true;
    screening_ = false;
    if (static_cast<double>(n0_) * static_cast<double>(n1_) > kKeepScreenArcs) {
      cf_.reset();
      cf_size_ = 0;
    }
    // The potentials from the tree now, as finish() would rebuild them before declaring
    // optimality: when the exact scan finds nothing, that scan is then the proof (one full
    // scan instead of two). A restart's tree was just refreshed: nothing to redo.
    if (!refreshed_) refresh();
  }
  return block_search(false, enter_i, enter_j);
}

void SpanningTree::give_back() {
  if (scratch_ == nullptr) return;
  swap_scratch(*scratch_, static_cast<double>(n0_) * static_cast<double>(n1_) <= kKeepScreenArcs);
  scratch_ = nullptr;
}

// Taking the buffers and giving them back are the same exchange; the screen's float cost copy
// is given back only while small (kKeepScreenArcs), so a large one is freed with the tree.
void SpanningTree::swap_scratch(SimplexScratch &s, bool with_cost_copy) {
  node_.swap(s.node);
  size_.swap(s.size);
  thread_.swap(s.thread);
  rev_thread_.swap(s.rev_thread);
  last_.swap(s.last);
  pieces_.swap(s.pieces);
  up_.swap(s.up);
  x_.swap(s.x);
  sl_.swap(s.sl);
  if (with_cost_copy) {
    cf_.swap(s.cf);
    std::swap(cf_size_, s.cf_size);
  }
  xf_.swap(s.xf);
  sf_.swap(s.sf);
}

void SpanningTree::link(int n, int p) {
  node_[n].parent = p;
  node_[n].next_sib = node_[p].first_child;
  node_[p].first_child = n;
}

// `order`: preorder_from_children() of the current children lists.
void SpanningTree::build_thread(const std::vector<int> &order) {
  const std::size_t nodes = n0_ + n1_ + 1;
  thread_.assign(nodes, root_);
  rev_thread_.assign(nodes, root_);
  last_.assign(nodes, root_);
  int prev = root_;
  for (const int n : order) {
    thread_[prev] = n;
    rev_thread_[n] = prev;
    prev = n;
  }
  thread_[prev] = root_;
  rev_thread_[root_] = prev;
  // Each node's last is its last child's last, or itself for a leaf: children come later in
  // preorder, so a reverse pass sees them first.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int n = *it;
    int lastn = n;  // preorder_from_children() visits the children in sibling order
    for (int c = node_[n].first_child; c != kNone; c = node_[c].next_sib) lastn = last_[c];
    last_[n] = lastn;
  }
  last_[root_] = prev;
}

// The preorder of the subtree of `leave` (hanging from old_parent) once it hangs from v_in by
// the entering arc at u_in, with the path u_in = s_0, s_1, ..., s_k = leave reversed: first
// the whole old subtree of s_0, then for each m >= 1 what s_m's old subtree holds beside
// s_{m-1}'s (at most two runs of the old order: before and after it), so every s_m's new
// subtree is a suffix of the new run. The run is cut out and inserted right after v_in. Costs
// O(k) plus the climbs that fix the `last` of the old and new ancestors.
void SpanningTree::rethread(int u_in, int v_in, int leave, int old_parent) {
  int *const th = thread_.data(), *const rv = rev_thread_.data(), *const ls = last_.data();
  std::vector<int> &runs = pieces_;  // (first, last) pairs, in the new order
  runs.clear();
  runs.push_back(u_in);
  runs.push_back(ls[u_in]);
  for (int prev = u_in, s = node_[u_in].parent; prev != leave; prev = s, s = node_[s].parent) {
    runs.push_back(s);
    runs.push_back(rv[prev]);
    if (ls[prev] != ls[s]) {
      runs.push_back(th[ls[prev]]);
      runs.push_back(ls[s]);
    }
  }
  const int old_last = ls[leave], before = rv[leave], after = th[old_last];
  const int end = runs.back();
  // Cut the old run out; the old ancestors that ended with it now end just before it.
  th[before] = after;
  rv[after] = before;
  for (int a = old_parent; a != kNone && ls[a] == old_last; a = node_[a].parent) ls[a] = before;
  // Chain the runs.
  for (std::size_t r = 0; r + 2 < runs.size(); r += 2) {
    th[runs[r + 1]] = runs[r + 2];
    rv[runs[r + 2]] = runs[r + 1];
  }
  // Insert after v_in; a leaf v_in, and the ancestors that ended with it, now end with the run.
  const int next = th[v_in];
  th[v_in] = u_in;
  rv[u_in] = v_in;
  th[end] = next;
  rv[next] = end;
  for (int a = v_in; a != kNone && ls[a] == v_in; a = node_[a].parent) ls[a] = end;
  for (int s = u_in;; s = node_[s].parent) {
    ls[s] = end;
    if (s == leave) break;
  }
}

// Potentials and signs of the subtree hanging from `top`, each from its parent:
// a tree arc t -> h has c - pi_t + pi_h = 0, i.e. x_child = x_parent + signed cost.
void SpanningTree::update_subtree(int top) {
  // In preorder every parent comes before its children.
  const Node *const node = node_.data();
  const int *const th = thread_.data();
  double *const x = x_.data();
  const int p = node[top].parent;
  const double sign = p == root_ ? sl_[top] : sl_[p];  // a top keeps its own sign
  const bool signs_change = sl_[top] != sign;
  x[top] = x[p] + node[top].spcost;
  if (signs_change) sl_[top] = sign;
  if (screening_) {
    screen_x(top);
    if (signs_change) sf_[top] = static_cast<float>(sign);
  }
  int n = top;
  for (int k = size_[top]; --k > 0;) {
    n = th[n];
    x[n] = x[node[n].parent] + node[n].spcost;
    if (signs_change) sl_[n] = sign;
    if (screening_) {
      screen_x(n);
      if (signs_change) sf_[n] = static_cast<float>(sign);
    }
  }
}

// After a pivot the re-hung subtree's potentials move by one constant (its internal arcs are
// unchanged). With one component only differences of potentials matter, so when that subtree
// is the larger part the rest of the tree moves the other way instead. Shifts accumulate
// rounding, so every so often, and before optimality is declared, all potentials are rebuilt
// from the tree (refresh).
void SpanningTree::update_potentials(int top, double x_before) {
  refreshed_ = false;
  const int p = node_[top].parent;
  if (sl_[top] != sl_[p]) {  // the subtree joins a component of the other sign
    update_subtree(top);
    return;
  }
  const double shift = (x_[p] + node_[top].spcost) - x_before;
  const std::size_t nodes = n0_ + n1_;
  if (components_ == 1 && 2 * static_cast<std::size_t>(size_[top]) > nodes) {
    shift_tree(thread_[root_], top, -shift);  // the one component
  } else {
    shift_tree(top, kNone, shift);
  }
  if (++since_refresh_ >= nodes) refresh();
}

// Adds `shift` to the potentials of the subtree of `top`, skipping the subtree of `skip`.
void SpanningTree::shift_tree(int top, int skip, double shift) {
  const int *const th = thread_.data();
  double *const x = x_.data();
  const bool screening = screening_;
  int n = top;
  for (int k = size_[top]; k > 0;) {
    if (n == skip) {
      k -= size_[skip];
      n = th[last_[skip]];
      continue;
    }
    x[n] += shift;
    if (screening) screen_x(n);
    n = th[n];
    --k;
  }
}

// All potentials from the tree again (each a path sum from its component's top).
bool SpanningTree::refresh() {
  since_refresh_ = 0;
  offsets_ = false;
  for (int n = thread_[root_]; n != root_; n = thread_[last_[n]]) update_subtree(n);  // the tops
  refreshed_ = true;
  return true;
}

// Returns false, changing nothing, when the arc's reduced cost, summed exactly around its cycle,
// is not negative (the potentials' rounding made it look improving).
bool SpanningTree::pivot(std::size_t i_index, std::size_t jj) {
  const int i = static_cast<int>(i_index);
  const int j = static_cast<int>(n0_ + jj);
  const double c = in_.rows[i_index][jj] * in_.scale;

  // The join: climb from the end with the smaller subtree (an ancestor's is larger, the root's
  // the largest), so the two climbs meet at the first common ancestor without marks.
  int join;
  {
    int u = i, w = j;
    const int *const size = size_.data();
    while (u != w) {
      if (size[u] < size[w]) {
        u = node_[u].parent;
      } else {
        w = node_[w].parent;
      }
    }
    join = u;
  }

  // The cycle runs join -> ... -> i -> j -> ... -> join. Arcs against that direction lose flow.
  // Among ties the last one from the apex leaves (Cunningham): on i's side the one nearest to i
  // (first met while climbing, hence '<'), on j's side the one nearest to the join ('<=').
  // Meanwhile the reduced cost c - x_i + x_j = c - (sum of i's path) + (sum of j's path), from
  // the costs alone, by compensated summation (TwoSum, Ogita-Rump-Oishi Sum2): error at most
  // u |sum| + (terms u)^2 sum |terms|.
  double sum = c, comp = 0.0, abs_sum = std::fabs(c);
  int terms = 1;
  auto add = [&](double t) {
    const double s = sum + t, bp = s - sum;
    comp += (sum - (s - bp)) + (t - bp);
    sum = s;
    abs_sum += std::fabs(t);
    ++terms;
  };
  double delta = std::numeric_limits<double>::infinity();
  int leave = kNone;
  bool leave_on_i_side = false;
  int top_i = i, top_j = j;
  for (int n = i; n != join; n = node_[n].parent) {
    add(-node_[n].spcost);
    top_i = n;
    if (up_[n] && node_[n].flow < delta) {
      delta = node_[n].flow;
      leave = n;
      leave_on_i_side = true;
    }
  }
  for (int n = j; n != join; n = node_[n].parent) {
    add(node_[n].spcost);
    top_j = n;
    if (!up_[n] && node_[n].flow <= delta) {
      delta = node_[n].flow;
      leave = n;
      leave_on_i_side = false;
    }
  }
  // Across two components (join = root) the tops' own potentials count (artificial arcs have
  // spcost 0), and with different signs the symbolic M decides: pricing saw -2M.
  bool check = true;
  if (join == root_) {
    check = sl_[top_i] == sl_[top_j];
    add(-x_[top_i]);
    add(x_[top_j]);
  }
  if (check) {
    const double rc = sum + comp, ut = static_cast<double>(terms) * 0x1p-53;
    if (!(rc < -4.0 * ut * ut * abs_sum)) return false;
  }
  if (leave == kNone) fail(Errc::Internal, "network simplex: no leaving arc on the cycle");
  accurate_ = false;
  delta = std::max(delta, 0.0);
  if (delta > 0) {
    for (int n = i; n != join; n = node_[n].parent) node_[n].flow += up_[n] ? -delta : delta;
    for (int n = j; n != join; n = node_[n].parent) node_[n].flow += up_[n] ? delta : -delta;
  }

  // Re-hang the subtree cut off by the leaving arc from the entering arc's endpoint inside it,
  // reversing the parent links on the path between the two.
  const int u_in = leave_on_i_side ? i : j;
  const int v_in = leave_on_i_side ? j : i;
  const int moved = size_[leave];
  rethread(u_in, v_in, leave, node_[leave].parent);
  // Subtree sizes change on the two paths below the join only: above it the subtree leaves and
  // comes back.
  for (int a = node_[leave].parent; a != join; a = node_[a].parent) size_[a] -= moved;
  const double x_before = x_[u_in];
  int np = v_in;
  int below_size = 0;  // old subtree size of the previous node on the reversed path
  double ncost = c, nflow = delta;
  bool nup = leave_on_i_side;  // the arc i -> j points from i to its new parent j
  for (int cur = u_in;;) {
    const int op = node_[cur].parent;
    const int old_size = size_[cur];
    size_[cur] = moved - below_size;
    below_size = old_size;
    const double ocost = up_[cur] ? node_[cur].spcost : -node_[cur].spcost, oflow = node_[cur].flow;
    const bool oup = up_[cur] != 0;
    node_[cur].parent = np;
    node_[cur].spcost = nup ? ncost : -ncost;
    up_[cur] = nup ? 1 : 0;
    node_[cur].flow = nflow;
    if (cur == leave) {
      if (op == root_) {
        --components_;
        if (sl_[cur] > 0) --plus_components_;
      }
      break;
    }
    np = cur;
    ncost = ocost;
    nup = !oup;
    nflow = oflow;
    cur = op;
  }
  for (int a = v_in; a != join; a = node_[a].parent) size_[a] += moved;
  update_potentials(u_in, x_before);
  return true;
}

// All potentials as path sums from their component's top again, each sum carried in two
// doubles (TwoSum) and rounded once, so that every potential is accurate to its own precision,
// however much larger the costs on its path. Returns false (doing nothing) when they are
// already so and no pivot came since.
bool SpanningTree::rebuild_accurate() {
  if (accurate_) return false;
  accurate_ = true;
  refreshed_ = false;
  since_refresh_ = 0;
  offsets_ = false;
  std::vector<double> hi(x_.size(), 0.0), lo(x_.size(), 0.0);
  // In preorder every parent comes before its children; a top's parent is the root (0, 0).
  for (int ch = thread_[root_]; ch != root_; ch = thread_[ch]) {
    const int n = node_[ch].parent;
    const double t = node_[ch].spcost, s = hi[n] + t, bp = s - hi[n];
    const double e = (hi[n] - (s - bp)) + (t - bp) + lo[n];
    hi[ch] = s + e;  // renormalised
    lo[ch] = e - (hi[ch] - s);
    x_[ch] = hi[ch];
    if (screening_) screen_x(ch);
  }
  return true;
}

// The nodes below the root, parents before children: the thread.
std::vector<int> SpanningTree::preorder() const {
  std::vector<int> order;
  order.reserve(n0_ + n1_);
  for (int n = thread_[root_]; n != root_; n = thread_[n]) order.push_back(n);
  return order;
}

// The same from the children lists, which only the start trees use (pivots keep the thread).
std::vector<int> SpanningTree::preorder_from_children() const {
  std::vector<int> order;
  order.reserve(n0_ + n1_);
  for (int n = node_[root_].first_child; n != kNone;) {
    order.push_back(n);
    if (node_[n].first_child != kNone) {
      n = node_[n].first_child;
      continue;
    }
    while (n != kNone && node_[n].next_sib == kNone)
      n = node_[n].parent == root_ ? kNone : node_[n].parent;
    if (n != kNone) n = node_[n].next_sib;
  }
  return order;
}

SimplexOutput SpanningTree::result(std::uint64_t iterations) const {
  SimplexOutput out;
  out.iterations = iterations;
  // One sign for every component at optimality (a + component's supply and a - component's
  // demand would form an improving arc); otherwise the duals below would be meaningless.
  for (int n = thread_[root_]; n != root_; n = thread_[last_[n]]) {
    if (sl_[n] != sl_[thread_[root_]]) {
      fail(Errc::Internal, "network simplex: optimal tree with components of both signs");
    }
  }
  // Tree flows from the supplies, leaves first: the flow on the arc above a node is the net
  // supply of its subtree.
  const std::size_t nodes = n0_ + n1_ + 1;
  const std::vector<int> order = preorder();
  if (order.size() + 1 != nodes) fail(Errc::Internal, "network simplex: the tree is not spanning");
  std::vector<double> net(nodes, 0.0);
  out.plan.reserve(nodes - 2);  // a tree has nodes - 2 real arcs at most
  double mass = 0.0;
  for (std::size_t k = 0; k < n0_; ++k) {
    net[k] = in_.supply[k];
    mass += in_.supply[k];
  }
  for (std::size_t k = 0; k < n1_; ++k) net[n0_ + k] = -in_.demand[k];
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int n = *it, p = node_[n].parent;
    const double f = up_[n] ? net[n] : -net[n];
    net[p] += net[n];
    if (p == root_) {
      if (std::fabs(f) > 1e-9 * mass) {
        fail(Errc::Internal, "network simplex: flow " + fmt(f) + " left on an artificial arc");
      }
      continue;
    }
    if (f < -1e-12 * mass) fail(Errc::Internal, "network simplex: negative flow " + fmt(f));
    if (f > 0) {
      const bool supply = static_cast<std::size_t>(n) < n0_;
      const std::size_t i = supply ? n : p, j = (supply ? p : n) - n0_;
      // Fields written in place (a pushed temporary went through the stack: a store-forwarding
      // stall per entry).
      PlanEntry &e = out.plan.emplace_back();
      e.i = i;
      e.j = j;
      e.mass = f;
    }
  }
  // Sorted by (i, j): rows by counting, then each row's few columns by insertion (a tree holds
  // each arc once, so the keys are distinct and the order is the one a comparison sort gives);
  // a comparison sort was a twentieth of a zero-pivot restart at K = 50.
  std::vector<std::size_t> end(n0_ + 1, 0);
  for (const PlanEntry &e : out.plan) ++end[e.i + 1];
  for (std::size_t i = 0; i < n0_; ++i) end[i + 1] += end[i];
  std::vector<PlanEntry> sorted(out.plan.size());
  for (const PlanEntry &e : out.plan) sorted[end[e.i]++] = e;
  for (std::size_t i = 0, begin = 0; i < n0_; begin = end[i], ++i) {
    for (std::size_t k = begin + 1; k < end[i]; ++k) {
      const PlanEntry e = sorted[k];
      std::size_t m = k;
      for (; m > begin && sorted[m - 1].j > e.j; --m) sorted[m] = sorted[m - 1];
      sorted[m] = e;
    }
  }
  out.plan = std::move(sorted);
  out.u.assign(x_.begin(), x_.begin() + n0_);
  out.v.resize(n1_);
  for (std::size_t k = 0; k < n1_; ++k) out.v[k] = -x_[n0_ + k];
  return out;
}

// Before optimality is declared: potentials rebuilt from the tree (no accumulated shifts, and
// after a warm start the component tops back at 0: the start potentials' size would cost the
// duals precision, and only their differences matter), then priced again. Returns whether
// anything changed, i.e. whether pricing must run again.
bool SpanningTree::finish() {
  if (since_refresh_ == 0 && !offsets_) return false;
  offsets_ = false;
  return refresh();
}

#ifdef GMMOT_NS_VALIDATE
void SpanningTree::validate(const char *where) const {
  const std::size_t nodes = n0_ + n1_ + 1;
  std::vector<int> sz(nodes, 1);
  const std::vector<int> order = preorder();
  if (order.size() + 1 != nodes) fail(Errc::Internal, std::string(where) + ": not spanning");
  for (auto it = order.rbegin(); it != order.rend(); ++it) sz[node_[*it].parent] += sz[*it];
  // The thread: a preorder, each subtree the size_ nodes from its top, ending at last_.
  std::vector<int> pos(nodes, -1), at(nodes, -1);
  int t = root_;
  for (std::size_t k = 0; k < nodes; ++k) {
    if (pos[t] != -1) fail(Errc::Internal, std::string(where) + ": thread revisits a node");
    pos[t] = static_cast<int>(k);
    at[k] = t;
    if (rev_thread_[thread_[t]] != t) fail(Errc::Internal, std::string(where) + ": rev_thread");
    t = thread_[t];
  }
  if (t != root_) fail(Errc::Internal, std::string(where) + ": thread not closed");
  for (std::size_t n = 0; n + 1 < nodes; ++n) {
    const int p = node_[n].parent, ps = p == root_ ? static_cast<int>(nodes) : size_[p];
    if (!(pos[p] < pos[n] && pos[n] + size_[n] <= pos[p] + ps) ||
        last_[n] != at[pos[n] + size_[n] - 1])
      fail(Errc::Internal, std::string(where) + ": thread order at " + std::to_string(n));
  }
  for (std::size_t n = 0; n + 1 < nodes; ++n) {
    if (sz[n] != size_[n])
      fail(Errc::Internal, std::string(where) + ": size of " + std::to_string(n) + " is " +
                               std::to_string(size_[n]) + " not " + std::to_string(sz[n]));
    const int p = node_[n].parent;
    if (p == root_) continue;
    if (sl_[n] != sl_[p])
      fail(Errc::Internal, std::string(where) + ": sign of " + std::to_string(n));
    const double d = x_[n] - x_[p] - node_[n].spcost;
    if (std::fabs(d) > 1e-9)
      fail(Errc::Internal,
           std::string(where) + ": potential of " + std::to_string(n) + " off by " + fmt(d));
    const bool supply = static_cast<std::size_t>(n) < n0_,
               psupply = static_cast<std::size_t>(p) < n0_;
    if (supply == psupply) fail(Errc::Internal, std::string(where) + ": arc between same side");
    if ((up_[n] != 0) != supply)
      fail(Errc::Internal, std::string(where) + ": direction of " + std::to_string(n));
  }
}
#endif

}  // namespace

SimplexOutput network_simplex(const SimplexInput &in) {
  SpanningTree tree(in);
  const Context &ctx = in.ctx;
  constexpr std::uint64_t kReportEvery = 1024;  // pivots between progress reports
  std::uint64_t iterations = 0;
  std::size_t i = 0, j = 0, rejected = 0;
  do {
    while (tree.price(&i, &j)) {
      if (iterations == in.max_iterations) {
        fail(Errc::IterationLimit, "the network simplex reached its cap of " +
                                       std::to_string(in.max_iterations) +
                                       " pivots before optimality; no plan is returned "
                                       "(raise the iteration cap)");
      }
      if (!tree.pivot(i, j)) {
        // Not improving, only the potentials' rounding said so: rebuild them accurately and
        // price again. Should even accurate potentials still propose such arcs (cancellation
        // beyond double-double), pricing moves on block by block, and once a whole round of
        // blocks proposed nothing else, the tree is optimal to rounding.
        if (tree.rebuild_accurate()) continue;
        if (++rejected > tree.blocks() + 1) break;
        continue;
      }
      rejected = 0;
      ++iterations;
      if (iterations % kReportEvery == 0)
        ctx.report(Stage::ExactLp, iterations, in.max_iterations,
                   std::numeric_limits<double>::quiet_NaN());
#ifdef GMMOT_NS_VALIDATE
      tree.validate(("pivot " + std::to_string(iterations)).c_str());
#endif
    }
  } while (tree.finish());
  SimplexOutput out = tree.result(iterations);
  out.restarted = tree.restarted();
  if (in.want_basis) tree.export_basis(in.basis_out != nullptr ? *in.basis_out : out.basis);
  tree.give_back();
  return out;
}

}  // namespace gmmot
