//! Evaluation harness (see below).
