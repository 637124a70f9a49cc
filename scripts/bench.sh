#!/usr/bin/env bash
# Placeholder until issue 7 ("Benchmarks: make bench and the performance targets") fills it.
echo "make bench: not implemented yet; see issue 7." >&2
exit 1
