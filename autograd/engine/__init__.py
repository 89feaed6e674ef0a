"""The engine: ``Value``, the op table, the one sweep over a graph, recording (``no_grad``, ``scope``) and errors.

Nothing here imports anything of glassgrad's outside this package, nor any third-party module.
"""
