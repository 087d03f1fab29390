// SPDX-License-Identifier: MIT
// Writing results that a cancellation could interrupt half-way. Everything else that can fail is
// checked before the first output entry is written, so without a progress callback or an
// interrupt flag (nothing can cancel) results go straight into the caller's buffer; with one,
// they go into a staging copy first so that a cancelled call leaves the caller's buffer
// untouched (gmmot/progress.h). The copy costs memory only for calls that asked to be
// cancellable.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "util/context.hpp"

namespace gmmot::capi {

inline bool can_cancel(const gmmot::Context &ctx) noexcept {
  return static_cast<bool>(ctx.progress) || ctx.interrupt != nullptr;
}

// Runs compute(buffer), which writes `count` elements of type T, into out or into a staging copy.
template <class T, class Compute>
void with_staging(const gmmot::Context &ctx, std::size_t count, T *out, Compute compute) {
  if (!can_cancel(ctx)) {
    compute(out);
    return;
  }
  std::vector<T> staged(count);
  compute(staged.data());
  std::copy(staged.begin(), staged.end(), out);
}

}  // namespace gmmot::capi
