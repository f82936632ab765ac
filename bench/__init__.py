"""Benchmarks (issue 8): what a completion costs against the bare engine, the inbox at scale, HTTP.

Scripts, not tests: each prints its figures and exits 0. Run them all with `bash scripts/bench.sh`
(or `.venv/bin/python -m bench [w1 procedure inbox http profile]`); results go to bench/results/.
"""
