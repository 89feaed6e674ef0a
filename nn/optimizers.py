"""Optimizers: how each step moves the weights downhill on the loss.

Gradient descent is W ← W − η·∂J/∂W. The adaptive optimizers keep a few
numbers per parameter (a running mean of gradients, of squared gradients, …)
in ``optimizer.state[parameter]`` so you can watch them. Update rules, defaults
and argument meanings equal PyTorch's ``torch.optim``; only the names are
spelled out (``learning_rate`` for ``lr``, ``epsilon`` for ``eps``).

Settings are checked when the optimizer is built, alike in every optimizer:
each must be a finite number (no nan, inf or bool), the learning rate and ε
strictly > 0. Unlike torch, ``learning_rate=0`` is refused: it would train
nothing without a word; to freeze a weight, leave it out of the parameters.

Example:
    >>> import nn
    >>> from autograd import Parameter
    >>> w = Parameter(3.0)
    >>> optimizer = nn.SGD([w], learning_rate=0.1)
    >>> (w * w).backward()       # ∂(w²)/∂w = 2w = 6
    >>> optimizer.step()         # w ← 3 − 0.1·6
    >>> round(w.data, 10)
    2.4
"""

from __future__ import annotations

import copy
import math
import reprlib
import sys
from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from autograd import Value
from nn.checks import is_finite_number, is_number
from nn.module import Module

if TYPE_CHECKING:  # NumPy is imported only when step_arrays() runs
    import numpy as np
    from numpy.typing import NDArray

Stepped = tuple["NDArray[np.float64]", "NDArray[np.float64]"]
"""What ``step_arrays`` returns: the parameters after the step and their gradients, one array each."""

Hyperparameter = float | bool | tuple[float, float]
_Rule = TypeVar("_Rule", bound="Optimizer")


class Optimizer:
    """The shared machinery: the parameter list, per-parameter state, ``zero_grad`` and ``state_dict``.

    Subclasses implement ``update(parameter, grad, state)`` for one scalar.

    Attributes:
        parameters: the Values this optimizer changes.
        names: a name per parameter (dotted paths when given a Module).
        state: per parameter, a dict of the running numbers its rule keeps.
        steps: how many times ``step()`` ran.

    Example:
        >>> from autograd import Parameter
        >>> class PlainDescent(Optimizer):  # w ← w − 0.1·∂J/∂w
        ...     def update(self, value, grad, state):
        ...         return value - 0.1 * grad
        >>> w = Parameter(1.0); w.grad = 5.0
        >>> PlainDescent([w]).step(); w.data
        0.5
    """

    def __init__(self, parameters: Module | Iterable[Value]) -> None:
        if isinstance(parameters, Module):
            named = parameters.named_parameters()
        else:
            if isinstance(parameters, Value) or not isinstance(parameters, Iterable):
                raise TypeError(
                    f"{type(self).__name__} got {parameters!r} of type {type(parameters).__name__}; expected a model "
                    "or a list of Values such as model.parameters()."
                )
            named = [(str(index), parameter) for index, parameter in enumerate(parameters)]
        seen: set[int] = set()
        self.parameters: list[Value] = []
        self.names: list[str] = []
        for name, parameter in named:
            if not isinstance(parameter, Value):
                raise TypeError(
                    f"{type(self).__name__} got parameter {name} = {parameter!r} of type {type(parameter).__name__}; "
                    "expected a Value."
                )
            if id(parameter) not in seen:  # a parameter listed twice would be stepped twice
                seen.add(id(parameter))
                self.parameters.append(parameter)
                self.names.append(name)
        if not self.parameters:
            raise ValueError(f"{type(self).__name__} got no parameters; pass model.parameters() (or the model).")
        self._state: dict[Value, dict[str, float]] = {parameter: {} for parameter in self.parameters}
        # While step_arrays() runs, the running numbers live here as one array per name
        # (parameters in order), and go back into `state` the moment anyone reads it.
        self._arrays: dict[str, Any] | None = None
        self.steps = 0

    @property
    def state(self) -> dict[Value, dict[str, float]]:
        """Per parameter, a dict of the running numbers its rule keeps (``exp_avg``, ``momentum_buffer``, ...)."""
        if self._arrays is not None:
            states = [self._state[parameter] for parameter in self.parameters]
            for name, values in self._arrays.items():
                for state, value in zip(states, values.tolist()):
                    state[name] = value
            self._arrays = None
        return self._state

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 before the next ``backward()``.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0); w.grad = 5.0
            >>> SGD([w]).zero_grad(); w.grad
            0.0
        """
        for parameter in self.parameters:
            parameter.grad = 0.0

    def step(self) -> None:
        """Move every parameter once by the rule in the class docstring, using its ``.grad``.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0); w.grad = 2.0
            >>> SGD([w], learning_rate=0.5).step(); w.data
            0.0
        """
        self._start_step()
        self.steps += 1
        update, state = self.update, self.state
        for parameter in self.parameters:
            parameter.data = update(parameter.data, parameter.grad, state[parameter])

    def step_arrays(self) -> Stepped:
        """``step()`` for every parameter at once: the same ``update`` run on NumPy arrays.

        The batched engine's step for weights kept in the Values (``step_on_arrays``
        for weights kept in an array): the rule's arithmetic is elementwise and
        IEEE, and ``_sqrt`` is correctly rounded in both forms, so the weights
        equal ``step()``'s bit for bit (tested). A rule
        that cannot run on arrays (a subclass using ``math`` directly) or state
        that differs in shape between parameters falls back to ``step()``.

        Returns:
            The parameters after the step and the gradients that moved them, as two
            NumPy arrays in ``parameters`` order (what ``fit(..., record=True)`` keeps,
            without reading every Value again), whichever path the rule took.

        Example:
            >>> import numpy
            >>> from autograd import Parameter
            >>> w, b = Parameter(1.0), Parameter(2.0)
            >>> w.grad, b.grad = 0.5, -1.0
            >>> optimizer = Adam([w, b], learning_rate=0.1)
            >>> weights, gradients = optimizer.step_arrays()
            >>> round(w.data, 6), round(b.data, 6), weights.tolist() == [w.data, b.data], gradients.tolist()
            (0.9, 2.1, True, [0.5, -1.0])
        """
        np = _numpy()
        parameters = self.parameters
        values = np.array([parameter.data for parameter in parameters])
        grads = np.array([parameter.grad for parameter in parameters])
        stepped = self.step_on_arrays(values, grads)
        for parameter, value in zip(parameters, stepped.tolist()):
            parameter.data = value
        return stepped, grads

    def packed_state(self) -> tuple[tuple[tuple[str, ...], ...], array[float]]:
        """Every parameter's running numbers at once: their names per parameter, and all the values in one array.

        The values run parameter by parameter, each in its names' order (float64, exact).
        While the batched engine trains they are copied straight from its arrays, which
        stay where they are: reading ``state`` would turn them back into a dict per
        parameter, and the next ``step_arrays`` back into arrays (``fit(..., record=True)``
        reads this at every restart point).

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0); w.grad = 2.0
            >>> optimizer = SGD([w], learning_rate=0.5, momentum=0.9); optimizer.step()
            >>> optimizer.packed_state()
            ((('momentum_buffer',),), array('d', [2.0]))
        """
        if self._arrays is not None:
            names = tuple(self._arrays)
            packed = array("d")
            if names:
                np: Any = sys.modules["numpy"]  # the arrays are NumPy's: it is imported
                packed.frombytes(np.stack(list(self._arrays.values()), axis=1).astype("d").tobytes())
            return (names,) * len(self.parameters), packed
        states = list(map(self._state.__getitem__, self.parameters))
        if not any(states):  # nothing kept yet, or a rule that keeps nothing (plain SGD): the common case
            return ((),) * len(states), array("d")
        return tuple(map(tuple, states)), array("d", [x for state in states for x in state.values()])

    def step_on_arrays(self, values: Any, grads: Any) -> Any:
        """``step_arrays`` for weights kept in an array: the parameters' ``.data`` and ``.grad`` are not used.

        ``fit(..., engine="batched")`` holds the weights as one array for a whole
        epoch: each step reads the array, not 2,000 Values, and the Values are
        written once at the epoch's end. The numbers are ``step()``'s, bit for
        bit. A rule that cannot run on arrays is run by ``step()`` on the
        parameters (set from ``values`` and ``grads`` first), and they are read back.

        Args:
            values: every parameter's value, a float array in ``self.parameters`` order.
            grads: their gradients, in the same order.

        Returns:
            The values after the step, a new array (``values`` and ``grads`` are left as they were).

        Example:
            >>> import numpy
            >>> from autograd import Parameter
            >>> w, b = Parameter(1.0), Parameter(2.0)
            >>> optimizer = SGD([w, b], learning_rate=0.1)
            >>> optimizer.step_on_arrays(numpy.array([1.0, 2.0]), numpy.array([0.5, -1.0])).tolist(), w.data
            ([0.95, 2.1], 1.0)
        """
        np = _numpy()
        arrays = self._arrays if self._arrays is not None else self._state_as_arrays(np)
        if arrays is not None:
            self._start_step()
            self.steps += 1
            try:
                with np.errstate(all="ignore"):  # inf and nan come out as step() gives them, without warnings
                    # Copies: a rule may write in place (SGD's grad += λ·w, AdamW's value *= ...).
                    stepped = self.update(values.copy(), grads.copy(), arrays)
            except (TypeError, ValueError):  # the rule needs floats: undo the count and take the scalar path
                self.steps -= 1
            else:
                self._arrays = arrays
                return stepped
        for parameter, value, grad in zip(self.parameters, values.tolist(), grads.tolist()):
            parameter.data, parameter.grad = value, grad
        self.step()
        return np.array([parameter.data for parameter in self.parameters])

    def _state_as_arrays(self, np: Any) -> dict[str, Any] | None:
        # Every parameter keeps the same names once stepped together; otherwise stay scalar.
        states = [self.state[parameter] for parameter in self.parameters]
        names = set(states[0])
        if any(set(state) != names for state in states):
            return None
        return {name: np.array([state[name] for state in states]) for name in names}

    def _start_step(self) -> None:
        """What a rule computes once per step rather than once per parameter (Adam's bias corrections)."""

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:
        """The new value of one parameter; ``state`` is its own running numbers.

        Example:
            >>> from autograd import Parameter
            >>> state = {}
            >>> SGD([Parameter(0.0)], learning_rate=0.5, momentum=0.9).update(1.0, 2.0, state), state
            (0.0, {'momentum_buffer': 2.0})
        """
        raise NotImplementedError

    def hyperparameters(self) -> dict[str, Hyperparameter]:
        """The settings, by their argument names.

        Example:
            >>> from autograd import Parameter
            >>> SGD([Parameter(0.0)], learning_rate=0.1).hyperparameters()["learning_rate"]
            0.1
        """
        return {}

    def rebuilt_on(self: _Rule, parameters: Sequence[Value]) -> _Rule:
        """This optimizer's type and settings on other ``parameters``, with no running numbers and no steps yet.

        A copy, not a call to the constructor: a subclass's own settings come along
        whatever its ``__init__`` takes. ``nn.history`` keeps one per optimizer a run
        used, to restart from any recorded update with the optimizer of that update.

        Args:
            parameters: the Values the new optimizer changes (another copy of the model's, say).

        Returns:
            A new optimizer of the same class; this one is not changed.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0); w.grad = 1.0
            >>> optimizer = SGD([w], learning_rate=0.1, momentum=0.9); optimizer.step()
            >>> twin = optimizer.rebuilt_on([Parameter(5.0)])
            >>> twin.momentum, twin.steps, twin.state_dict()["state"]
            (0.9, 0, {'0': {}})
        """
        twin = copy.copy(self)
        twin.parameters = list(parameters)
        same = len(self.names) == len(twin.parameters)
        twin.names = list(self.names) if same else [str(index) for index in range(len(twin.parameters))]
        twin._state = {parameter: {} for parameter in twin.parameters}
        twin._arrays = None
        twin.steps = 0
        return twin

    def state_dict(self) -> dict[str, object]:
        """A JSON-ready snapshot: the optimizer's type, settings, step count and per-parameter state.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0); w.grad = 1.0
            >>> optimizer = SGD([w], learning_rate=0.1, momentum=0.9)
            >>> optimizer.step()
            >>> optimizer.state_dict()["state"]
            {'0': {'momentum_buffer': 1.0}}
        """
        return {
            "type": type(self).__name__,
            "hyperparameters": self.hyperparameters(),
            "steps": self.steps,
            "state": {name: dict(self.state[parameter]) for name, parameter in zip(self.names, self.parameters)},
        }

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={value!r}" for name, value in self.hyperparameters().items())
        return f"{type(self).__name__}({len(self.parameters)} parameters, {settings})"


def _numpy() -> Any:
    # NumPy is imported already whenever arrays are stepped (the batched engine needs it); `import nn` must not.
    np = sys.modules.get("numpy")
    if np is None:
        import numpy as np
    return np


def _sqrt(x: float) -> float:
    # math.sqrt for one parameter (step), NumPy's elementwise sqrt for all of them (step_arrays):
    # both are correctly rounded, so the two paths give the same numbers bit for bit.
    return math.sqrt(x) if type(x) is float else sys.modules["numpy"].sqrt(x)


def _larger(a: float, b: float) -> float:
    # max(a, b) elementwise too, with max's own choice when b is not larger (nan included).
    return (b if b > a else a) if type(b) is float else sys.modules["numpy"].where(b > a, b, a)


def _check(owner: str, name: str, value: float, low: float, high: float = math.inf, *, open_low: bool = False) -> float:
    # One place for "the learning rate must be > 0"-style checks, so every message reads alike.
    # inf and 10**400 are refused too: one step would send every weight to inf or nan.
    inside = is_finite_number(value) and (value > low if open_low else value >= low) and value <= high
    if not inside:
        bound = f"> {low:g}" if open_low else f"≥ {low:g}"
        if high < math.inf:
            bound = f"in [{low:g}, {high:g}]"
        raise ValueError(f"{owner} got {name}={reprlib.repr(value)}; {name} must be a finite number {bound}.")
    return float(value)


def _check_below_one(owner: str, name: str, value: float) -> float:
    if not is_number(value) or not 0.0 <= value < 1.0:
        raise ValueError(f"{owner} got {name}={reprlib.repr(value)}; {name} must be in [0, 1), e.g. 0.9.")
    return float(value)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay.

    With g = ∂J/∂w + λ·w (λ = ``weight_decay``), each step::

        b ← g                         on the first step (momentum μ > 0)
        b ← μ·b + (1 − d)·g            afterwards (d = ``dampening``)
        g ← g + μ·b  (Nesterov)   or   g ← b  (plain momentum)
        w ← w − η·g

    With μ = 0 it is plain W ← W − η·∂J/∂W.

    Args:
        parameters: a model, or the Values to train.
        learning_rate: η > 0 (PyTorch's default 1e-3).
        momentum: μ ≥ 0; how much of the previous step carries over.
        dampening: d ∈ [0, 1]; scales down the new gradient in the momentum.
        weight_decay: λ ≥ 0; an L2 penalty pulling weights to 0.
        nesterov: evaluate the momentum one step ahead (needs μ > 0, d = 0).

    Raises:
        ValueError: a setting out of range, or Nesterov without momentum.

    Example:
        >>> from autograd import Parameter
        >>> SGD([Parameter(0.0)], learning_rate=0.1, momentum=0.9)
        SGD(1 parameters, learning_rate=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        learning_rate: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        self.learning_rate = _check("SGD", "learning_rate", learning_rate, 0.0, open_low=True)
        self.momentum = _check("SGD", "momentum", momentum, 0.0)
        self.dampening = _check("SGD", "dampening", dampening, 0.0, 1.0)
        self.weight_decay = _check("SGD", "weight_decay", weight_decay, 0.0)
        if nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError(
                f"SGD got nesterov=True with momentum={momentum!r}, dampening={dampening!r}; Nesterov momentum needs "
                "momentum > 0 and dampening = 0."
            )
        self.nesterov = bool(nesterov)
        super().__init__(parameters)

    def hyperparameters(self) -> dict[str, Hyperparameter]:  # noqa: D102
        return {
            "learning_rate": self.learning_rate,
            "momentum": self.momentum,
            "dampening": self.dampening,
            "weight_decay": self.weight_decay,
            "nesterov": self.nesterov,
        }

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102
        if self.weight_decay:
            grad += self.weight_decay * value
        if self.momentum:
            if "momentum_buffer" in state:
                buffer = self.momentum * state["momentum_buffer"] + (1.0 - self.dampening) * grad
            else:
                buffer = grad
            state["momentum_buffer"] = buffer
            grad = grad + self.momentum * buffer if self.nesterov else buffer
        return value - self.learning_rate * grad


class Adam(Optimizer):
    """Adam: momentum on the gradient, scaled by a running size of the gradient.

    With g = ∂J/∂w + λ·w, at step t::

        m ← β₁·m + (1 − β₁)·g                 running mean of g
        v ← β₂·v + (1 − β₂)·g²                running mean of g²
        v̂ ← max(v̂, v) if amsgrad, else v
        w ← w − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)

    The (1 − βᵗ) factors undo the bias of m and v starting at 0.

    Args:
        parameters: a model, or the Values to train.
        learning_rate: η > 0 (default 1e-3).
        betas: (β₁, β₂), each in [0, 1) (default (0.9, 0.999)).
        epsilon: ε > 0 keeps the division finite (default 1e-8).
        weight_decay: λ ≥ 0, an L2 penalty added to the gradient.
        amsgrad: divide by the largest v seen so far.

    Raises:
        ValueError: a setting out of range.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(1.0); w.grad = 0.5
        >>> optimizer = Adam([w], learning_rate=0.1)
        >>> optimizer.step(); round(w.data, 6)  # the first step moves by ≈ η
        0.9
        >>> sorted(optimizer.state[w])
        ['exp_avg', 'exp_avg_sq']
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        learning_rate: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        epsilon: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        owner = type(self).__name__
        self.learning_rate = _check(owner, "learning_rate", learning_rate, 0.0, open_low=True)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise ValueError(f"{owner} got betas={reprlib.repr(betas)}; expected a pair (β₁, β₂) such as (0.9, 0.999).")
        self.betas = (_check_below_one(owner, "betas[0]", betas[0]), _check_below_one(owner, "betas[1]", betas[1]))
        self.epsilon = _check(owner, "epsilon", epsilon, 0.0, open_low=True)
        self.weight_decay = _check(owner, "weight_decay", weight_decay, 0.0)
        self.amsgrad = bool(amsgrad)
        self._step_size = self._correction2_sqrt = 1.0
        super().__init__(parameters)

    def hyperparameters(self) -> dict[str, Hyperparameter]:  # noqa: D102
        return {
            "learning_rate": self.learning_rate,
            "betas": self.betas,
            "epsilon": self.epsilon,
            "weight_decay": self.weight_decay,
            "amsgrad": self.amsgrad,
        }

    def _start_step(self) -> None:
        # The bias corrections depend only on t, so compute them once per step.
        beta1, beta2 = self.betas
        t = self.steps + 1
        self._step_size = self.learning_rate / (1.0 - beta1**t)
        self._correction2_sqrt = math.sqrt(1.0 - beta2**t)

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102
        if self.weight_decay:
            grad += self.weight_decay * value
        return self._adam_step(value, grad, state)

    def _adam_step(self, value: float, grad: float, state: dict[str, float]) -> float:
        beta1, beta2 = self.betas
        mean = state.get("exp_avg", 0.0)
        mean += (1.0 - beta1) * (grad - mean)
        square = beta2 * state.get("exp_avg_sq", 0.0) + (1.0 - beta2) * grad * grad
        state["exp_avg"], state["exp_avg_sq"] = mean, square
        if self.amsgrad:
            square = state["max_exp_avg_sq"] = _larger(state.get("max_exp_avg_sq", 0.0), square)
        denominator = _sqrt(square) / self._correction2_sqrt + self.epsilon
        return value - self._step_size * mean / denominator


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay, which shrinks the weights directly, not through the gradient.

    Adam's L2 penalty (λ·w added to g) is divided by √v̂ like the rest of the
    gradient, so weights with large gradients are hardly decayed. AdamW
    (Loshchilov & Hutter) decays every weight at the same rate, then takes
    the plain Adam step on g = ∂J/∂w::

        w ← w·(1 − η·λ)
        m, v, v̂ and the step as in Adam, without λ in g

    Same arguments as ``Adam``; only ``weight_decay`` defaults to 1e-2, as in
    PyTorch's ``torch.optim.AdamW``.

    Raises:
        ValueError: a setting out of range.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(1.0); w.grad = 0.0  # no gradient: only the decay acts
        >>> AdamW([w], learning_rate=0.1, weight_decay=0.5).step(); w.data  # 1·(1 − 0.1·0.5)
        0.95
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        learning_rate: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        epsilon: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(parameters, learning_rate, betas, epsilon, weight_decay, amsgrad)

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102
        if self.weight_decay:
            value *= 1.0 - self.learning_rate * self.weight_decay
        return self._adam_step(value, grad, state)


class RMSprop(Optimizer):
    """RMSprop: divide each step by a running root-mean-square of the gradient.

    With g = ∂J/∂w + λ·w::

        s ← α·s + (1 − α)·g²
        a ← √(s − ḡ²) + ε  with ḡ ← α·ḡ + (1 − α)·g   if centered
        a ← √s + ε                                      otherwise
        b ← μ·b + g/a,  w ← w − η·b                    if momentum μ > 0
        w ← w − η·g/a                                  otherwise

    Args:
        parameters: a model, or the Values to train.
        learning_rate: η > 0 (default 1e-2).
        alpha: α ∈ [0, 1), the smoothing constant (default 0.99).
        epsilon: ε > 0 (default 1e-8).
        weight_decay: λ ≥ 0.
        momentum: μ ≥ 0.
        centered: normalise by the gradient's variance instead of its raw second moment.

    Raises:
        ValueError: a setting out of range.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(1.0); w.grad = 0.5
        >>> RMSprop([w], learning_rate=0.01).step(); round(w.data, 4)  # 1 − 0.01·0.5/√(0.01·0.25)
        0.9
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        learning_rate: float = 1e-2,
        alpha: float = 0.99,
        epsilon: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        self.learning_rate = _check("RMSprop", "learning_rate", learning_rate, 0.0, open_low=True)
        self.alpha = _check_below_one("RMSprop", "alpha", alpha)
        self.epsilon = _check("RMSprop", "epsilon", epsilon, 0.0, open_low=True)
        self.weight_decay = _check("RMSprop", "weight_decay", weight_decay, 0.0)
        self.momentum = _check("RMSprop", "momentum", momentum, 0.0)
        self.centered = bool(centered)
        super().__init__(parameters)

    def hyperparameters(self) -> dict[str, Hyperparameter]:  # noqa: D102
        return {
            "learning_rate": self.learning_rate,
            "alpha": self.alpha,
            "epsilon": self.epsilon,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "centered": self.centered,
        }

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102
        alpha = self.alpha
        if self.weight_decay:
            grad += self.weight_decay * value
        square = state["square_avg"] = alpha * state.get("square_avg", 0.0) + (1.0 - alpha) * grad * grad
        if self.centered:
            mean = state.get("grad_avg", 0.0)
            mean = state["grad_avg"] = mean + (1.0 - alpha) * (grad - mean)
            average = _sqrt(square - mean * mean) + self.epsilon
        else:
            average = _sqrt(square) + self.epsilon
        if self.momentum > 0.0:
            buffer = state["momentum_buffer"] = self.momentum * state.get("momentum_buffer", 0.0) + grad / average
            return value - self.learning_rate * buffer
        return value - self.learning_rate * grad / average


class Adagrad(Optimizer):
    """Adagrad: each parameter's step shrinks with the sum of its squared gradients so far.

    With g = ∂J/∂w + λ·w at step t::

        η_t ← η / (1 + (t − 1)·decay)
        s ← s + g²
        w ← w − η_t · g / (√s + ε)

    Args:
        parameters: a model, or the Values to train.
        learning_rate: η > 0 (default 1e-2).
        learning_rate_decay: decay ≥ 0 (default 0).
        weight_decay: λ ≥ 0.
        initial_accumulator_value: s at the start, ≥ 0.
        epsilon: ε > 0 (default 1e-10).

    Raises:
        ValueError: a setting out of range.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(1.0); w.grad = 0.5
        >>> Adagrad([w], learning_rate=0.1).step(); round(w.data, 6)  # 1 − 0.1·0.5/0.5
        0.9
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        learning_rate: float = 1e-2,
        learning_rate_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        epsilon: float = 1e-10,
    ) -> None:
        self.learning_rate = _check("Adagrad", "learning_rate", learning_rate, 0.0, open_low=True)
        self.learning_rate_decay = _check("Adagrad", "learning_rate_decay", learning_rate_decay, 0.0)
        self.weight_decay = _check("Adagrad", "weight_decay", weight_decay, 0.0)
        self.initial_accumulator_value = _check(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value, 0.0
        )
        self.epsilon = _check("Adagrad", "epsilon", epsilon, 0.0, open_low=True)
        super().__init__(parameters)

    def hyperparameters(self) -> dict[str, Hyperparameter]:  # noqa: D102
        return {
            "learning_rate": self.learning_rate,
            "learning_rate_decay": self.learning_rate_decay,
            "weight_decay": self.weight_decay,
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102
        if self.weight_decay:
            grad += self.weight_decay * value
        rate = self.learning_rate / (1.0 + (self.steps - 1) * self.learning_rate_decay)
        total = state["sum"] = state.get("sum", self.initial_accumulator_value) + grad * grad
        return value - rate * grad / (_sqrt(total) + self.epsilon)


class Adadelta(Optimizer):
    """Adadelta: a step whose size is the running RMS of past steps over the running RMS of gradients.

    With g = ∂J/∂w + λ·w::

        s ← ρ·s + (1 − ρ)·g²
        Δ ← √(u + ε) / √(s + ε) · g
        u ← ρ·u + (1 − ρ)·Δ²
        w ← w − η·Δ

    Args:
        parameters: a model, or the Values to train.
        learning_rate: η > 0, a scale on Δ (default 1.0).
        rho: ρ ∈ [0, 1), the smoothing constant (default 0.9).
        epsilon: ε > 0 (default 1e-6).
        weight_decay: λ ≥ 0.

    Raises:
        ValueError: a setting out of range.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(1.0); w.grad = 0.5
        >>> optimizer = Adadelta([w]); optimizer.step()
        >>> sorted(optimizer.state[w])
        ['acc_delta', 'square_avg']
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        learning_rate: float = 1.0,
        rho: float = 0.9,
        epsilon: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        self.learning_rate = _check("Adadelta", "learning_rate", learning_rate, 0.0, open_low=True)
        self.rho = _check_below_one("Adadelta", "rho", rho)
        self.epsilon = _check("Adadelta", "epsilon", epsilon, 0.0, open_low=True)
        self.weight_decay = _check("Adadelta", "weight_decay", weight_decay, 0.0)
        super().__init__(parameters)

    def hyperparameters(self) -> dict[str, Hyperparameter]:  # noqa: D102
        return {
            "learning_rate": self.learning_rate,
            "rho": self.rho,
            "epsilon": self.epsilon,
            "weight_decay": self.weight_decay,
        }

    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102
        rho = self.rho
        if self.weight_decay:
            grad += self.weight_decay * value
        square = state["square_avg"] = rho * state.get("square_avg", 0.0) + (1.0 - rho) * grad * grad
        delta = _sqrt(state.get("acc_delta", 0.0) + self.epsilon) / _sqrt(square + self.epsilon) * grad
        state["acc_delta"] = rho * state.get("acc_delta", 0.0) + (1.0 - rho) * delta * delta
        return value - self.learning_rate * delta
