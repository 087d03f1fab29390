// SPDX-License-Identifier: MIT
// The safe crate's tests, one binary (one link) for all modules to keep `cargo test` quick.
#![allow(dead_code)]
mod common;

mod barycenter;
mod callbacks;
mod colour;
mod coverage;
mod em;
mod ew;
mod student_t;
mod em_student_t;
mod gaussian;
mod gmm;
mod gromov;
mod mw2;
mod relaxed;
mod texture;
mod threads;
mod transport;
