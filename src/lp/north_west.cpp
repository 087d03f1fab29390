// SPDX-License-Identifier: MIT
#include "lp/north_west.hpp"

#include <algorithm>
#include <cmath>

namespace gmmot {

namespace {

// One North-West walk over J sequences of (index, mass); `prefix` is written before the
// indices of every tuple (the row of a gluing), `out` receives the tuples.
void walk(const std::vector<std::vector<std::pair<std::size_t, double>>> &seqs,
          const std::vector<std::size_t> &prefix, Gluing &out) {
  const std::size_t j = seqs.size();
  double total = 0;
  for (const auto &s : seqs) {
    double t = 0;
    for (const auto &e : s) t += e.second;
    total = std::max(total, t);
  }
  if (total <= 0) return;
  // Entries this close to used up are used up: the sums of the J sequences differ by rounding,
  // and a 1e-17 remainder must not become a tuple of its own.
  const double dust = 1e-13 * total;
  std::vector<std::size_t> pos(j, 0);
  std::vector<double> left(j);
  auto skip_empty = [&](std::size_t q) {
    while (pos[q] < seqs[q].size() && !(seqs[q][pos[q]].second > dust)) ++pos[q];
    if (pos[q] < seqs[q].size()) left[q] = seqs[q][pos[q]].second;
  };
  for (std::size_t q = 0; q < j; ++q) skip_empty(q);
  for (;;) {
    for (std::size_t q = 0; q < j; ++q) {
      if (pos[q] >= seqs[q].size()) return;
    }
    bool last = true;  // every sequence is at its last non-empty entry
    for (std::size_t q = 0; q < j && last; ++q) {
      for (std::size_t r = pos[q] + 1; r < seqs[q].size(); ++r) {
        if (seqs[q][r].second > dust) {
          last = false;
          break;
        }
      }
    }
    double v = left[0];
    for (std::size_t q = 1; q < j; ++q) v = std::min(v, left[q]);
    if (last) {
      // The last tuple takes the largest remainder, so no mass is lost to rounding.
      for (std::size_t q = 1; q < j; ++q) v = std::max(v, left[q]);
      v = std::max(v, left[0]);
    }
    out.tuples.insert(out.tuples.end(), prefix.begin(), prefix.end());
    for (std::size_t q = 0; q < j; ++q) out.tuples.push_back(seqs[q][pos[q]].first);
    out.mass.push_back(v);
    if (last) return;
    for (std::size_t q = 0; q < j; ++q) {
      left[q] -= v;
      if (!(left[q] > dust)) {
        ++pos[q];
        skip_empty(q);
      }
    }
  }
}

}  // namespace

Gluing north_west_corner(const std::vector<std::vector<double>> &marginals) {
  Gluing out;
  out.width = marginals.size();
  std::vector<std::vector<std::pair<std::size_t, double>>> seqs(marginals.size());
  for (std::size_t q = 0; q < marginals.size(); ++q) {
    for (std::size_t k = 0; k < marginals[q].size(); ++k) seqs[q].emplace_back(k, marginals[q][k]);
  }
  if (!seqs.empty()) walk(seqs, {}, out);
  return out;
}

Gluing north_west_gluing(std::size_t n, const std::vector<std::vector<PlanEntry>> &plans) {
  Gluing out;
  out.width = plans.size() + 1;
  const std::size_t j = plans.size();
  std::vector<std::size_t> at(j, 0);
  std::vector<std::vector<std::pair<std::size_t, double>>> seqs(j);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t q = 0; q < j; ++q) {
      seqs[q].clear();
      while (at[q] < plans[q].size() && plans[q][at[q]].i < i) ++at[q];
      while (at[q] < plans[q].size() && plans[q][at[q]].i == i) {
        seqs[q].emplace_back(plans[q][at[q]].j, plans[q][at[q]].mass);
        ++at[q];
      }
    }
    if (j > 0) walk(seqs, {i}, out);
  }
  return out;
}

}  // namespace gmmot
