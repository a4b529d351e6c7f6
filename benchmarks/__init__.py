"""Benchmark suite and synthetic corpus generator (issue 8). Not part of the installed package."""
