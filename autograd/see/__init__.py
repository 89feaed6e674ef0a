"""Seeing a graph: names, boxes, the DOT writer, step-by-step traces, the offline page and the Jupyter player."""
