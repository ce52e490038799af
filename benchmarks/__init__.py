"""Benchmarks: figures (requests, time, memory) measured against the loopback fakes."""
