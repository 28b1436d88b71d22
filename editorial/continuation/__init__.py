"""Continuation: articles written in several passes, kept as segments and stitched."""
