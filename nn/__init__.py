"""glassgrad's neural-network layer, in the order the course teaches it.

Perceptron → activations → dense layers → deep networks (MLP) → losses →
optimizers → mini-batches → dropout and early stopping, all built from
``autograd.Value`` scalars so every weight, output and gradient is visible.

Example (the course's perceptron: w0 = 1, W = (3, −2), x = (−1, 2)):
    >>> import nn
    >>> neuron = nn.Neuron(2, weights=[3, -2], bias=1)
    >>> round(neuron([-1, 2]).data, 7)
    0.0024726
"""

from __future__ import annotations

from nn.doctor import check_autograd

# Before anything imports autograd: another package of that name gets a clear ImportError (see nn/doctor.py).
check_autograd()

from nn import data, persistence, plots
from nn.activations import ACTIVATIONS, Activation, leaky_relu, linear, relu, sigmoid, softmax, tanh
from nn.dense import Dense
from nn.dropout import Dropout
from nn.early_stopping import Callback, EarlyStopping
from nn.history import RecordedHistory, TimeTravelError
from nn.initializers import (
    INITIALIZERS,
    Initializer,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    normal,
    uniform,
    xavier_normal,
    xavier_uniform,
)
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    mean_squared_error,
)
from nn.mlp import MLP
from nn.module import Module, Sequential
from nn.neuron import Neuron, Perceptron
from nn.optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, Optimizer, RMSprop
from nn.persistence import load
from nn.playground import Playground, PlaygroundError
from nn.pytorch import from_torch
from nn.training import History, accuracy, evaluate, fit, predict

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "MLP",
    "SGD",
    "Activation",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Callback",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "History",
    "Initializer",
    "Module",
    "Neuron",
    "Optimizer",
    "Perceptron",
    "Playground",
    "PlaygroundError",
    "RMSprop",
    "RecordedHistory",
    "Sequential",
    "TimeTravelError",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "data",
    "evaluate",
    "fit",
    "from_torch",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "hinge",
    "leaky_relu",
    "linear",
    "load",
    "mean_squared_error",
    "normal",
    "persistence",
    "plots",
    "predict",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
]
