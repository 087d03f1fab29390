// SPDX-License-Identifier: MIT
// Copy-outs shared by the transport and the MW2 handles (capi/transport.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lp/transport.hpp"

namespace gmmot::capi {

void copy_dense_plan(const TransportResult &r, std::size_t k0, std::size_t k1, double *out,
                     std::size_t out_len);
void copy_sparse_plan(const TransportResult &r, std::size_t *out_rows, std::size_t *out_cols,
                      double *out_mass, std::size_t triplets_len);
void copy_duals(const TransportResult &r, double *out_u, std::size_t u_len, double *out_v,
                std::size_t v_len);
void copy_info(const TransportResult &r, std::uint64_t *iterations, double *marginal_error);

}  // namespace gmmot::capi
