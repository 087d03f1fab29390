# SPDX-License-Identifier: MIT
# <build>/pkgconfig-uninstalled/gmmot.pc: the build tree as a pkg-config package, so that the
# language bindings (bindings/go) build and test against libgmmot before it is installed:
# PKG_CONFIG_PATH=<build>/pkgconfig-uninstalled. Headers come from the source tree, the
# library from wherever the gmmot target is built (a generator expression, resolved by
# file(GENERATE) at generate time). Include after the gmmot target is defined.
set(GMMOT_UNINSTALLED_INCLUDEDIR "${PROJECT_SOURCE_DIR}/include")
set(GMMOT_UNINSTALLED_LIBDIR "$<TARGET_FILE_DIR:gmmot>")
set(GMMOT_UNINSTALLED_PC_DIR "${PROJECT_BINARY_DIR}/pkgconfig-uninstalled")
configure_file("${PROJECT_SOURCE_DIR}/cmake/gmmot-uninstalled.pc.in"
               "${PROJECT_BINARY_DIR}/gmmot-uninstalled.pc.genex" @ONLY)
file(GENERATE OUTPUT "${GMMOT_UNINSTALLED_PC_DIR}/gmmot.pc"
     INPUT "${PROJECT_BINARY_DIR}/gmmot-uninstalled.pc.genex")
