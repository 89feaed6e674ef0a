"""Other ways to run the same op rules: forward mode (``jvp``) and the batched replay over NumPy arrays."""
