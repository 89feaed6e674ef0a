"""Checking gradients: ``gradcheck`` against finite differences, and hypothesis strategies for users' own tests."""
